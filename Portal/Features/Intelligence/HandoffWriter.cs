using System.Security.Claims;
using Portal.Features.OnCall;
using Portal.Shared.Admin;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>
/// The handoff card's "write with the model": the region's handoff draft written by the configured chat model from
/// the records. Offline the card's own draft is already the one from the records, so this is offered only with a model.
/// </summary>
public sealed class HandoffWriter(DraftService drafts, ChatModel chat) : IHandoffWriter
{
    public bool Available => chat.Configured;

    public async Task<HandoffWritten> WriteAsync(ClaimsPrincipal user, RegionCode region, CancellationToken cancellationToken = default)
    {
        var draft = await drafts.WriteAsync(user, new DraftRequest(DraftRules.Handoff, region.ToString()), cancellationToken);
        return new HandoffWritten(draft.Id, draft.Label, draft.Text, draft.Note);
    }

    public Task DecideAsync(ClaimsPrincipal user, long id, bool edited, CancellationToken cancellationToken = default) =>
        drafts.DecideAsync(user, id, new DraftDecision(edited ? DraftRecord.Edited : DraftRecord.Accepted), cancellationToken);
}
