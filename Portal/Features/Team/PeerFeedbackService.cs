using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

/// <summary>The feedback peers are asked for: what is asked of the viewer, and their answer (or refusal) before the peer deadline.</summary>
public sealed class PeerFeedbackService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock)
{
    /// <summary>The feedback asked of the viewer, newest first.</summary>
    public async Task<IReadOnlyList<PeerRequestView>> PeerRequestsAsync(ClaimsPrincipal viewer, CancellationToken cancellationToken = default)
    {
        var me = viewer.GetPersonId() ?? throw new AccessDeniedException("Sign in to see feedback requests.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await (from f in db.PeerFeedback.AsNoTracking()
                      where f.PeerId == me
                      join r in db.Reviews on f.ReviewId equals r.Id
                      join c in db.ReviewCycles on r.CycleId equals c.Id
                      join p in db.People on r.PersonId equals p.Id
                      orderby f.Id descending
                      select new PeerRequestView(f.Id, r.Id, p.Handle, p.Name, c.Name, c.PeerFeedbackDue, f.SubmittedAt, f.Declined, f.Text))
            .Take(100).ToListAsync(cancellationToken);
    }

    /// <summary>The peer writes (or declines) the feedback asked of them, before the peer deadline.</summary>
    public async Task<PeerRequestView> AnswerPeerAsync(ClaimsPrincipal viewer, int feedbackId, PeerAnswerInput input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var feedback = await db.PeerFeedback.FirstOrDefaultAsync(f => f.Id == feedbackId, cancellationToken);
        if (feedback is null || feedback.PeerId != viewer.GetPersonId())
        {
            throw await ReportingLines.DeniedAsync(db, viewer, $"feedback request {feedbackId}", now, cancellationToken);
        }
        var review = await db.Reviews.FirstAsync(r => r.Id == feedback.ReviewId, cancellationToken);
        var cycle = await db.ReviewCycles.AsNoTracking().FirstAsync(c => c.Id == review.CycleId, cancellationToken);
        if (feedback.SubmittedAt is not null || feedback.Declined)
        {
            throw new ConflictException("You answered this request already.");
        }
        if (now > cycle.PeerFeedbackDue || review.State == ReviewState.SignedOff)
        {
            throw new ConflictException($"Peer feedback was due {cycle.PeerFeedbackDue:yyyy-MM-dd HH:mm} UTC.");
        }
        if (input.Decline)
        {
            feedback.Declined = true;
        }
        else
        {
            (feedback.Text, feedback.SubmittedAt) = (PlanService.Required(input.Text, "text", ReviewRules.MaxText), now);
        }
        review.Version++;
        db.Audit(viewer, now, input.Decline ? "review.peer-declined" : "review.peer-submitted", $"review {review.Id}");
        await db.SaveChangesAsync(cancellationToken);
        await feed.PublishAsync(new LiveNotice(ReviewService.Topic(review.Id), "changed", "peer"), cancellationToken);
        return (await PeerRequestsAsync(viewer, cancellationToken)).First(r => r.Id == feedbackId);
    }
}
