using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;
using Portal.Features.Directory;

namespace Portal.Features.Team;

/// <summary>Review cycles: opened by managers with one review for each person below them, and read by everyone in them.</summary>
public sealed class ReviewCycleService(IDbContextFactory<PortalDbContext> factory, NotificationService notifications, TimeProvider clock, AuditWriter audit)
{
    public async Task<IReadOnlyList<CycleView>> CyclesAsync(ClaimsPrincipal viewer, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = await db.ReviewCycles.AsNoTracking().OrderByDescending(c => c.PeriodEnd).ThenByDescending(c => c.Id).Select(c => c.Id).ToListAsync(cancellationToken);
        var cycles = new List<CycleView>();
        foreach (var id in ids)
        {
            var cycle = await CycleViewAsync(db, viewer, id, cancellationToken);
            if (cycle.Reviews.Count > 0 || viewer.HasPortalRole(Shared.Team.PortalRole.Manager))
            {
                cycles.Add(cycle);
            }
        }
        return cycles;
    }

    public async Task<CycleView> CycleAsync(ClaimsPrincipal viewer, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (!await db.ReviewCycles.AnyAsync(c => c.Id == id, cancellationToken))
        {
            throw new NotFoundException($"There is no review cycle {id}.");
        }
        return await CycleViewAsync(db, viewer, id, cancellationToken);
    }

    /// <summary>Opens a cycle (managers and admins) with one review for each person below the opener (or in the team), written by their manager.</summary>
    public async Task<CycleView> OpenCycleAsync(ClaimsPrincipal viewer, CycleInput input, CancellationToken cancellationToken = default)
    {
        if (!viewer.HasPortalRole(Shared.Team.PortalRole.Manager))
        {
            throw await audit.DenyAsync(viewer, "review cycles", "Only managers and admins open review cycles.", cancellationToken);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var name = PlanService.Required(input.Name, "name", 120);
        if (ReviewRules.WhyNotCycle(input.PeriodStart, input.PeriodEnd, input.SelfReviewDue, input.PeerFeedbackDue, input.ManagerReviewDue, now) is { } why)
        {
            throw new ValidationException("dates", why);
        }
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(input.Team))
        {
            teamId = await db.Teams.Where(t => t.Slug == input.Team.Trim().ToLower()).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("team", $"There is no team \"{input.Team}\".");
        }
        var me = viewer.GetPersonId()!.Value;
        var admin = viewer.HasPortalRole(Shared.Team.PortalRole.Admin);
        var managerOf = await ReportingLines.ManagerMapAsync(db, cancellationToken);
        var people = (await db.People.AsNoTracking().Where(p => p.Active && p.ManagerId != null && p.Id != me && (teamId == null || p.TeamId == teamId)).ToListAsync(cancellationToken))
            .Where(p => admin || ManagerChain.IsAbove(me, p.Id, managerOf)).ToList();
        if (people.Count == 0)
        {
            throw new ValidationException("team", "Nobody with a manager reports to you there, so the cycle would have no reviews.");
        }
        var cycle = new ReviewCycle
        {
            Name = name, PeriodStart = input.PeriodStart, PeriodEnd = input.PeriodEnd, SelfReviewDue = input.SelfReviewDue, PeerFeedbackDue = input.PeerFeedbackDue,
            ManagerReviewDue = input.ManagerReviewDue, TeamId = teamId, CreatedById = me, CreatedAt = now,
        };
        db.ReviewCycles.Add(cycle);
        await db.SaveChangesAsync(cancellationToken);
        foreach (var person in people)
        {
            db.Reviews.Add(new Review { CycleId = cycle.Id, PersonId = person.Id, ManagerId = person.ManagerId!.Value, State = ReviewState.SelfReview, Version = 1 });
        }
        db.Audit(viewer, now, "review.cycle-opened", $"review cycle {cycle.Id}", $"{name}: {people.Count} reviews");
        var notices = await NotificationService.StageAsync(db, [.. people.Select(p => p.Id)], [],
            new NoticeDraft(NotificationKind.Review, $"Review cycle \"{name}\" opened: your self-review is due {input.SelfReviewDue:yyyy-MM-dd HH:mm} UTC", null, "/team/reviews"),
            now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await notifications.PublishAsync(notices, cancellationToken);
        return await CycleViewAsync(db, viewer, cycle.Id, cancellationToken);
    }

    private async Task<CycleView> CycleViewAsync(PortalDbContext db, ClaimsPrincipal viewer, int id, CancellationToken cancellationToken)
    {
        var cycle = await db.ReviewCycles.AsNoTracking().FirstAsync(c => c.Id == id, cancellationToken);
        var managerOf = await ReportingLines.ManagerMapAsync(db, cancellationToken);
        var me = viewer.GetPersonId() ?? 0;
        var role = viewer.GetPortalRole() ?? Shared.Team.PortalRole.Engineer;
        // Everyone sees their own row; managers the rows below them; admins every row's state (never content).
        var people = (await db.Reviews.Where(r => r.CycleId == id).Select(r => r.PersonId).ToListAsync(cancellationToken))
            .Where(p => CoachingAccess.RelationOf(me, role, p, managerOf) != Relation.None).ToList();
        var visible = await ReviewService.SummariesAsync(db, db.Reviews.Where(r => r.CycleId == id && people.Contains(r.PersonId)), clock.GetUtcNow(), cancellationToken);
        var team = cycle.TeamId is { } t ? await db.Teams.Where(x => x.Id == t).Select(x => x.Name).FirstAsync(cancellationToken) : null;
        var opener = await db.People.Where(p => p.Id == cycle.CreatedById).Select(p => p.Name).FirstAsync(cancellationToken);
        return new CycleView(cycle.Id, cycle.Name, cycle.PeriodStart, cycle.PeriodEnd, cycle.SelfReviewDue, cycle.PeerFeedbackDue, cycle.ManagerReviewDue, team, opener,
            visible.GroupBy(r => r.State).ToDictionary(g => g.Key, g => g.Count()), visible);
    }
}
