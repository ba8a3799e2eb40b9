using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Directory;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>The demo's advertisers, and ninety days of their cases lived through the case rules.</summary>
internal static class DemoCaseSeeder
{
    /// <summary>Adds the advertisers not there yet; returns how many.</summary>
    public static async Task<int> SeedAdvertisersAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var existing = await db.Advertisers.Select(a => a.AccountId).ToHashSetAsync(cancellationToken);
        var added = 0;
        foreach (var input in DemoAdvertisers.Generate().Where(a => !existing.Contains(a.AccountId!)))
        {
            var advertiser = new Advertiser { AccountId = input.AccountId!, Name = "", TimeZone = "UTC", CreatedAt = now.AddDays(-400), UpdatedAt = now.AddDays(-400) };
            input.ApplyTo(advertiser);
            db.Advertisers.Add(advertiser);
            added++;
        }
        await db.SaveChangesAsync(cancellationToken);
        return added;
    }

    /// <summary>The case history, when there is none yet; returns how many cases.</summary>
    public static async Task<int> SeedCasesAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Cases.AnyAsync(cancellationToken))
        {
            return 0;
        }
        var advertisers = DemoAdvertisers.Generate();
        var ids = await db.Advertisers.AsNoTracking().ToDictionaryAsync(a => a.AccountId, a => a.Id, cancellationToken);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Region, t => t.Id, cancellationToken);
        var engineers = world.People.Where(p => p.Role == PortalRole.Engineer)
            .GroupBy(p => p.Region)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, string)>)g.Select(p => (p.Handle, p.Name)).ToList());
        var names = world.People.ToDictionary(p => p.Name, p => p.Handle);
        var cases = DemoCases.Generate(advertisers, engineers, now);
        foreach (var demo in cases)
        {
            var c = demo.Case;
            c.AdvertiserId = ids[advertisers[demo.AdvertiserIndex].AccountId!];
            c.AssigneeId = demo.AssigneeHandle is { } handle ? people[handle] : null;
            c.TeamId = teams.TryGetValue(c.Region, out var team) ? team : null;
            foreach (var e in demo.Events)
            {
                e.ActorId = names.TryGetValue(e.ActorName, out var h) ? people[h] : null;
                e.Case = c;
            }
            foreach (var m in demo.Messages)
            {
                m.AuthorId = names.TryGetValue(m.AuthorName, out var h) ? people[h] : null;
                m.Case = c;
            }
            db.Cases.Add(c);
            db.CaseEvents.AddRange(demo.Events);
            db.CaseMessages.AddRange(demo.Messages);
            if (demo.Survey is { } survey)
            {
                db.CaseSurveys.Add(survey);
            }
        }
        // About 19,000 rows: in sets (SetInsert), not through SaveChanges' per-row work; the cases come back with their numbers.
        await SetInsert.SaveAsync(db, [typeof(SupportCase), typeof(CaseEvent), typeof(CaseMessage), typeof(CaseSurvey)], cancellationToken, keysBack: true);
        db.ChangeTracker.Clear();
        await LinkToIncidentsAsync(db, now, cancellationToken);
        await SeedNoticesAsync(db, cancellationToken);
        await SeedQualityReviewsAsync(db, now, cancellationToken);
        return cases.Count;
    }

    /// <summary>
    /// Six weeks of quality reviews as the weekly sample would have made them: completed, a tenth scored twice for
    /// calibration, a few disputed; last week's still waiting in the reviewers' queues.
    /// </summary>
    private static async Task SeedQualityReviewsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var random = new Random(DemoWorld.Seed + 13);
        var people = await db.People.AsNoTracking().Select(p => new { p.Id, p.ManagerId, p.Role }).ToListAsync(cancellationToken);
        var managers = people.Where(p => p.Role >= PortalRole.Manager).ToList();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var thisWeek = today.AddDays(-((int)today.DayOfWeek + 6) % 7);
        var categories = Shared.Cases.QualityRules.DefaultCategories;
        for (var week = 6; week >= 1; week--)
        {
            var start = thisWeek.AddDays(-7 * week);
            var from = new DateTimeOffset(start.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
            var solved = await db.Cases.AsNoTracking().Where(c => c.SolvedAt >= from && c.SolvedAt < from.AddDays(7) && c.AssigneeId != null)
                .Select(c => new { c.Number, Engineer = c.AssigneeId!.Value, c.ResolutionBreached, c.ReopenCount }).ToListAsync(cancellationToken);
            var reviews = 0;
            foreach (var engineer in solved.GroupBy(c => c.Engineer))
            {
                var manager = people.FirstOrDefault(p => p.Id == engineer.Key)?.ManagerId ?? managers[0].Id;
                foreach (var c in engineer.OrderBy(_ => random.Next()).Take(Shared.Cases.QualityRules.SampleSize(engineer.Count(), 0.05)))
                {
                    var reviewers = random.NextDouble() < 0.12 ? new[] { manager, managers[random.Next(managers.Count)].Id }.Distinct() : [manager];
                    foreach (var reviewer in reviewers.Where(r => r != engineer.Key))
                    {
                        var assigned = from.AddDays(7).AddHours(9);
                        var review = new Shared.Cases.QualityReview { CaseNumber = c.Number, ScorecardId = 1, EngineerId = engineer.Key, ReviewerId = reviewer, AssignedAt = assigned };
                        if (week > 1)
                        {
                            var weak = (c.ResolutionBreached ? 0.25 : 0) + (c.ReopenCount > 0 ? 0.2 : 0);
                            review.Ratings = [.. categories.Select(k => new Shared.Cases.CategoryRating
                            {
                                Category = k.Name,
                                Rating = (random.NextDouble() - weak) is var roll && roll > 0.25 ? Shared.Cases.QualityRating.Met
                                    : roll > (k.Critical ? -0.2 : 0.0) ? Shared.Cases.QualityRating.Partly : Shared.Cases.QualityRating.Missed,
                            })];
                            review.Score = Shared.Cases.QualityRules.Score(categories, review.Ratings);
                            review.CompletedAt = assigned.AddDays(random.Next(1, 4));
                            review.Comment = review.Score >= 80 ? "Clear answer, right policy, case owned to the end." : "Check the refund policy before promising a date.";
                            if (review.Score < 60 && random.NextDouble() < 0.3)
                            {
                                (review.DisputedAt, review.Dispute) = (review.CompletedAt.Value.AddHours(5), "The policy changed that week; I followed the note from finance.");
                            }
                        }
                        db.QualityReviews.Add(review);
                        reviews++;
                    }
                }
            }
            db.QualitySamples.Add(new Shared.Cases.QualitySample { WeekStart = start, DrawnAt = from.AddDays(7).AddHours(9), Reviews = reviews });
        }
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Cases that came in while an incident of their region hurt a service their category concerns are linked to it, as
    /// the team would have: up to a dozen per incident.
    /// </summary>
    private static async Task LinkToIncidentsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var incidents = await db.Incidents.AsNoTracking()
            .Where(i => i.Service != null && i.Severity <= Shared.Incidents.Severity.SEV3)
            .Select(i => new { i.Number, i.Region, Service = i.Service!.Slug, i.TriggeredAt, i.ResolvedAt })
            .ToListAsync(cancellationToken);
        var cases = await db.Cases.AsNoTracking().Select(c => new { c.Number, c.Region, c.Category, c.CreatedAt }).ToListAsync(cancellationToken);
        var linked = new HashSet<long>();
        foreach (var incident in incidents.OrderBy(i => i.Number))
        {
            var until = (incident.ResolvedAt ?? now).AddDays(1);
            foreach (var c in cases.Where(c => c.Region == incident.Region && c.CreatedAt >= incident.TriggeredAt && c.CreatedAt < until
                && !linked.Contains(c.Number) && Shared.Cases.CaseServices.For(c.Category).Contains(incident.Service)).Take(12))
            {
                linked.Add(c.Number);
                db.CaseIncidents.Add(new Shared.Cases.CaseIncident { CaseNumber = c.Number, IncidentNumber = incident.Number, LinkedAt = c.CreatedAt.AddMinutes(20), LinkedBy = "Demo" });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }

    /// <summary>
    /// Proactive notices as commanders would have approved them: for every other resolved SEV1 and SEV2 with a service,
    /// 45 minutes in, to the region's managed advertisers who had not written in by then (no email: history is sent).
    /// </summary>
    private static async Task SeedNoticesAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var incidents = await db.Incidents.AsNoTracking()
            .Where(i => i.Service != null && i.Severity <= Shared.Incidents.Severity.SEV2 && i.Status == Shared.Incidents.IncidentStatus.Resolved)
            .OrderBy(i => i.Number)
            .Select(i => new { i.Number, i.Title, i.Region, i.TriggeredAt, Commander = i.Commander == null ? null : i.Commander.Name })
            .ToListAsync(cancellationToken);
        var managed = await db.Advertisers.AsNoTracking().Where(a => a.Tier == Shared.Directory.AdvertiserTier.Managed)
            .Select(a => new { a.Id, a.Region }).ToListAsync(cancellationToken);
        var askedFirst = await db.CaseIncidents.AsNoTracking().Join(db.Cases, l => l.CaseNumber, c => c.Number, (l, c) => new { l.IncidentNumber, c.AdvertiserId, c.CreatedAt })
            .ToListAsync(cancellationToken);
        foreach (var incident in incidents.Where((_, i) => i % 2 == 0))
        {
            var at = incident.TriggeredAt.AddMinutes(45);
            var asked = askedFirst.Where(x => x.IncidentNumber == incident.Number && x.CreatedAt < at).Select(x => x.AdvertiserId).ToHashSet();
            var to = managed.Where(a => a.Region == incident.Region && !asked.Contains(a.Id)).Select(a => a.Id).ToList();
            if (to.Count == 0)
            {
                continue;
            }
            var (subject, body) = Shared.Cases.ProactiveRules.Draft(incident.Title, incident.Region);
            db.ProactiveNotices.Add(new Shared.Cases.ProactiveNotice
            {
                IncidentNumber = incident.Number, Subject = subject, Body = body, Tier = Shared.Directory.AdvertiserTier.Managed, SentAt = at,
                SentBy = incident.Commander ?? "Demo", Advertisers = to.Count,
            });
            db.ProactiveRecipients.AddRange(to.Select(id => new Shared.Cases.ProactiveRecipient { IncidentNumber = incident.Number, AdvertiserId = id, NotifiedAt = at }));
        }
        await db.SaveChangesAsync(cancellationToken);
        db.ChangeTracker.Clear();
    }
}
