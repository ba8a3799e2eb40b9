using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Automation;

/// <summary>
/// Writes what happened to a run where people look: a line on its incident's timeline and a row in the audit log, in
/// the caller's unit of work (so no run changes without its record), and the live hint after the commit.
/// </summary>
public sealed class RunJournal(ILiveFeed feed)
{
    public const string Automation = "Automation";

    /// <summary>Stages the timeline line and the audit row of a change of <paramref name="run"/> (saved, so it has its id).</summary>
    public static async Task StageAsync(PortalDbContext db, ActionRun run, ClaimsPrincipal? user, string? actorName, string what, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var text = $"{what} — {run.ActionSlug} v{run.ActionVersion}, run #{run.Id}";
        db.Audit(user, now, $"automation.run.{RunStates.Label(run.State).Replace(' ', '-')}", $"run {run.Id} ({run.ActionSlug})", Cut(text, 2_000));
        if (run.IncidentNumber is not { } number)
        {
            return;
        }
        var version = await db.Incidents.Where(i => i.Number == number).Select(i => (int?)i.Version).FirstOrDefaultAsync(cancellationToken);
        if (version is null)
        {
            return;
        }
        db.Timeline.Add(new TimelineEvent
        {
            IncidentNumber = number, IncidentVersion = version.Value, Kind = TimelineEventKind.Automation, ActorId = user?.GetPersonId(),
            ActorName = actorName ?? Automation, At = now, Text = Cut(text, IncidentWorkflow.MaxText), From = $"run {run.Id}", To = RunStates.Label(run.State),
        });
    }

    /// <summary>After the commit: the incident's pages and hub clients see the new line.</summary>
    public async Task PublishAsync(PortalDbContext db, long? incident, CancellationToken cancellationToken)
    {
        if (incident is { } number && await db.Incidents.AnyAsync(i => i.Number == number, cancellationToken))
        {
            await feed.PublishAsync(await IncidentQueries.LiveHintAsync(db, number, TimelineEventKind.Automation, cancellationToken), cancellationToken);
        }
    }

    private static string Cut(string text, int max) => text.Length <= max ? text : text[..(max - 1)] + "…";
}
