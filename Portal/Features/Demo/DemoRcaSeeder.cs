using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Rca;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>
/// Corrections of Error for every resolved SEV1 and SEV2 of the demo history, as a real team's would look: most published
/// before they were due, some late, a few still in review past their due date; the recent ones still in draft or review.
/// Their action items are mostly closed on time, some late, some still open past due.
/// </summary>
internal static class DemoRcaSeeder
{
    private sealed record Plan(RcaState State, DateTimeOffset? SubmittedAt, DateTimeOffset? ApprovedAt, DateTimeOffset? PublishedAt);

    private static readonly RootCauseCategory[] Causes =
        [RootCauseCategory.CodeChange, RootCauseCategory.ConfigurationChange, RootCauseCategory.Dependency, RootCauseCategory.Capacity, RootCauseCategory.Data, RootCauseCategory.Process];

    private static readonly (string Why, string Because, string Lesson)[] Stories =
    [
        ("Why did the job fall behind?", "A deploy changed a default batch size that the job relied on.", "Read upgrade changelogs; test jobs at production size."),
        ("Why did the flag reach production?", "The configuration change skipped the staged rollout.", "Every billing flag goes through staging and a canary region first."),
        ("Why did payments time out?", "The card processor degraded and our retries piled onto it.", "Back off and shed retries when the processor is slow."),
        ("Why did the queue grow?", "Month-end volume was twice the consumers' capacity.", "Scale consumers on queue depth ahead of month-end."),
        ("Why were the figures wrong?", "A backfill wrote rows with the wrong currency.", "Backfills run with the same validation as live writes."),
        ("Why was it noticed late?", "The alert went to a channel nobody watched at night.", "Page the on-call schedule, not a channel."),
    ];

    /// <summary>The RCA's course, decided by when it is due: published on time (most), late (some), still open past due (a few), or still in progress.</summary>
    private static Plan PlanFor(Random random, DateTimeOffset resolved, DateTimeOffset due, DateTimeOffset now)
    {
        var submitted = resolved.AddHours(20 + random.Next(30));
        var roll = random.NextDouble();
        if (due <= now)
        {
            if (roll < 0.72)
            {
                var published = Later(due.AddHours(-(6 + random.Next(60))), submitted.AddHours(8));
                return new Plan(RcaState.Published, submitted, published.AddHours(-4), published);
            }
            if (roll < 0.88 && due.AddDays(1) < now)
            {
                var published = Earlier(due.AddHours(12 + random.Next(96)), now.AddHours(-1));
                return new Plan(RcaState.Published, submitted, published.AddHours(-4), published);
            }
            return roll < 0.95 ? new Plan(RcaState.InReview, submitted, null, null) : new Plan(RcaState.Draft, null, null, null);
        }
        return roll switch
        {
            < 0.35 => new Plan(RcaState.Draft, null, null, null),
            < 0.7 when submitted < now => new Plan(RcaState.InReview, submitted, null, null),
            < 0.7 => new Plan(RcaState.Draft, null, null, null),
            _ when submitted.AddHours(20) < now => new Plan(RcaState.Approved, submitted, submitted.AddHours(20), null),
            _ => new Plan(RcaState.Draft, null, null, null),
        };
    }

    public static async Task SeedAsync(PortalDbContext db, DemoWorld world, List<Incident> incidents, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        var serious = incidents.Where(i => i.Severity <= Severity.SEV2 && i.ResolvedAt is not null && i.AssigneeId is not null).OrderBy(i => i.TriggeredAt).ToList();
        var random = new Random(DemoIncidents.Seed + 1);
        var created = new List<(RcaDocument Rca, Incident Incident, Plan Plan)>();
        foreach (var incident in serious)
        {
            var resolved = incident.ResolvedAt!.Value;
            var due = RcaRules.DueAt(incident.Severity, resolved)!.Value;
            var plan = PlanFor(random, resolved, due, now);
            var teamSlug = world.Teams.FirstOrDefault(t => t.Region == incident.Region)?.Slug;
            var reviewer = people[world.People.First(p => p.Role == PortalRole.Manager && p.TeamSlug == teamSlug).Handle];
            var story = Stories[created.Count % Stories.Length];
            var complete = plan.State != RcaState.Draft;
            var rca = new RcaDocument
            {
                Title = $"{incident.Key}: {incident.Title}", State = plan.State, AuthorId = incident.AssigneeId!.Value, Reviewers = [reviewer],
                Summary = complete ? $"{incident.Title}. Advertisers saw delays until it was resolved {(resolved - incident.TriggeredAt).TotalMinutes:0} minutes later." : null,
                AdvertisersAffected = incident.AdvertisersAffected, RevenueImpactUsd = incident.RevenueAtRiskUsd, ImpactMinutes = (int)(resolved - incident.TriggeredAt).TotalMinutes,
                Regions = [incident.Region.ToString()],
                Timeline = RcaRules.DraftTimeline([incident], [], null).Entries,
                Whys = complete
                    ? [new WhyNode { Question = story.Why, Answer = story.Because, Children = [new WhyNode { Question = "Why did tests or checks not catch it?", Answer = "Nothing covered it at production size." }] }]
                    : [],
                RootCause = complete ? Causes[created.Count % Causes.Length] : null,
                ContributingFactors = complete ? "The change went out late on a Friday." : null,
                WentWell = complete ? "Rollback was quick once the cause was known." : null,
                Lessons = complete ? story.Lesson : null,
                DueAt = due, CreatedAt = resolved.AddHours(2), UpdatedAt = plan.PublishedAt ?? plan.ApprovedAt ?? plan.SubmittedAt ?? resolved.AddHours(3),
                PublishedAt = plan.PublishedAt, Version = 3,
            };
            db.Rcas.Add(rca);
            created.Add((rca, incident, plan));
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (rca, incident, plan) in created)
        {
            db.RcaIncidents.Add(new RcaIncident { RcaId = rca.Id, IncidentNumber = incident.Number });
            AddActionItems(db, random, rca, incident.ResolvedAt!.Value, plan, now, incident.Title);
            foreach (var (kind, at, text) in Events(plan))
            {
                db.RcaEvents.Add(new RcaEvent { RcaId = rca.Id, Kind = kind, At = at, Text = text, AuthorId = kind == RcaEventKind.Submitted ? rca.AuthorId : rca.Reviewers[0], AuthorName = "Demo" });
            }
        }
        await LinkByHandAsync(db, created, incidents, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>A prevent item (due in 14 days), a detect item (21 days), and for every third RCA a process item (30 days).</summary>
    private static void AddActionItems(PortalDbContext db, Random random, RcaDocument rca, DateTimeOffset resolved, Plan plan, DateTimeOffset now, string title)
    {
        var items = new List<(string Title, ActionKind Kind, ActionPriority Priority, int Days, int Owner)>
        {
            ($"Add a test for {title.ToLowerInvariant()} at production size", ActionKind.Prevent, ActionPriority.P1, 14, rca.AuthorId),
            ("Alert when the job runs 20% slower than its weekly median", ActionKind.Detect, ActionPriority.P2, 21, rca.Reviewers[0]),
        };
        if (rca.Id % 3 == 0)
        {
            items.Add(("Add the failure to the on-call runbook", ActionKind.Mitigate, ActionPriority.P3, 30, rca.AuthorId));
        }
        foreach (var (itemTitle, kind, priority, days, owner) in items)
        {
            var due = resolved.AddDays(days);
            var roll = random.NextDouble();
            // Work on the items starts once the RCA is approved; most close before the due day ends, some a few days late.
            DateTimeOffset? closed = plan.ApprovedAt is null ? null
                : roll < 0.7 ? Later(due.AddDays(-(1 + random.Next(5))), plan.ApprovedAt.Value.AddHours(6))
                : roll < 0.85 ? due.AddDays(2 + random.Next(5))
                : null;
            if (closed > now)
            {
                closed = null;
            }
            db.ActionItems.Add(new ActionItem
            {
                RcaId = rca.Id, Title = itemTitle, OwnerId = owner, Kind = kind, Priority = priority, DueDate = DateOnly.FromDateTime(due.UtcDateTime),
                Status = closed is null ? ActionStatus.Open : ActionStatus.Closed, CreatedAt = resolved.AddDays(1), Version = 1,
                ClosedAt = closed, ClosedById = closed is null ? null : owner, VerificationNote = closed is null ? null : "Checked in production; linked in the RCA.",
            });
        }
    }

    private static IEnumerable<(RcaEventKind Kind, DateTimeOffset At, string? Text)> Events(Plan plan)
    {
        if (plan.SubmittedAt is { } submitted)
        {
            yield return (RcaEventKind.Submitted, submitted, null);
            if (plan.State == RcaState.InReview)
            {
                yield return (RcaEventKind.Comment, submitted.AddHours(3), "Can we say how many advertisers were charged late?");
            }
        }
        if (plan.ApprovedAt is { } approved)
        {
            yield return (RcaEventKind.Approved, approved, null);
        }
        if (plan.PublishedAt is { } published)
        {
            yield return (RcaEventKind.Published, published, null);
        }
    }

    /// <summary>The first published RCA's problem came back after its fix: a later incident of the same service, linked by hand.</summary>
    private static async Task LinkByHandAsync(PortalDbContext db, List<(RcaDocument Rca, Incident Incident, Plan Plan)> created, List<Incident> incidents, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (created.FirstOrDefault(c => c.Rca.State == RcaState.Published) is { Rca: { } fixedRca, Incident: { } original }
            && incidents.FirstOrDefault(i => i.ServiceId == original.ServiceId && i.TriggeredAt > original.ResolvedAt!.Value.AddDays(30)) is { } again)
        {
            var family = new RecurrenceFamily { Key = $"manual:{original.Number}", Title = original.Title, CreatedAt = now };
            db.Families.Add(family);
            await db.SaveChangesAsync(cancellationToken);
            db.FamilyMembers.Add(new FamilyMember { IncidentNumber = original.Number, FamilyId = family.Id, Reason = "linked by hand" });
            db.FamilyMembers.Add(new FamilyMember { IncidentNumber = again.Number, FamilyId = family.Id, Reason = "linked by hand", RecurredAfterFix = true });
            (fixedRca.RecurredAfterFix, fixedRca.RecurrenceIncident) = (true, again.Number);
        }
    }

    private static DateTimeOffset Later(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;

    private static DateTimeOffset Earlier(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
