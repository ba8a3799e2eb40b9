using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using NodaTime;
using Portal.Features.Metrics;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Shared.Metrics;
using Portal.Shared.OnCall;
using Portal.Shared.Rca;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Metrics;

/// <summary>
/// A generated history (fixed seed: thousands of incidents with their alerts, pages, recurrence families, RCAs and
/// action items) and a brute-force calculation of every metric over it in C#, to check the database's aggregates.
/// </summary>
internal static class MetricsHistory
{
    public const int Incidents = 3000;
    public static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    public static readonly DateTimeOffset Start = Now.AddDays(-120);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task SeedAsync(PortalFactory portal)
    {
        var random = new Random(20261126);
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var people = await db.People.AsNoTracking().Select(p => p.Id).ToListAsync(Ct);
        var teams = await db.Teams.AsNoTracking().Select(t => t.Id).ToListAsync(Ct);
        var services = await db.Services.AsNoTracking().Select(s => s.Id).ToListAsync(Ct);
        var integration = await db.Integrations.OrderBy(i => i.Id).Select(i => i.Id).FirstAsync(Ct);
        var regions = Enum.GetValues<RegionCode>();
        DateTimeOffset Minute(DateTimeOffset t) => new(t.Ticks - t.Ticks % TimeSpan.TicksPerMinute, TimeSpan.Zero);

        var incidents = new List<Incident>();
        for (var i = 0; i < Incidents; i++)
        {
            var triggered = Minute(Start.AddMinutes(random.Next(0, 120 * 24 * 60)));
            DateTimeOffset? ack = random.Next(10) < 8 ? triggered.AddMinutes(random.Next(0, 240)) : null;
            DateTimeOffset? mitigated = ack is { } a && random.Next(3) > 0 ? a.AddMinutes(random.Next(0, 600)) : null;
            DateTimeOffset? resolved = (mitigated ?? ack) is { } m && random.Next(4) > 0 ? m.AddMinutes(random.Next(0, 2000)) : null;
            incidents.Add(new Incident
            {
                Title = $"Generated {i}", Severity = (Severity)random.Next(1, 6), Region = regions[random.Next(regions.Length)],
                TeamId = random.Next(6) == 0 ? null : teams[random.Next(teams.Count)], ServiceId = random.Next(8) == 0 ? null : services[random.Next(services.Count)],
                AssigneeId = people[random.Next(people.Count)], TriggeredAt = triggered, AcknowledgedAt = ack, MitigatedAt = mitigated, ResolvedAt = resolved,
                Status = resolved is not null ? IncidentStatus.Resolved : mitigated is not null ? IncidentStatus.Mitigated : ack is not null ? IncidentStatus.Acknowledged : IncidentStatus.Triggered,
                UpdatedAt = resolved ?? triggered, AcknowledgeBreached = random.Next(5) == 0, MitigateBreached = random.Next(4) == 0,
                AdvertisersAffected = random.Next(3) == 0 ? random.Next(0, 5000) : null, RevenueAtRiskUsd = random.Next(3) == 0 ? Math.Round((decimal)random.NextDouble() * 90000, 2) : null,
            });
        }
        db.Incidents.AddRange(incidents);
        await db.SaveChangesAsync(Ct);

        // Alerts: most incidents have one or more; later ones join an incident already open.
        foreach (var incident in incidents.Where(_ => random.Next(3) > 0))
        {
            for (var k = 0; k < random.Next(1, 4); k++)
            {
                var first = k == 0 ? incident.TriggeredAt : incident.TriggeredAt.AddMinutes(random.Next(1, 90));
                db.Alerts.Add(new Alert
                {
                    IntegrationId = integration, DedupKey = $"gen-{incident.Number}-{k}", Status = AlertStatus.Resolved, IncidentNumber = incident.Number, Summary = incident.Title,
                    Count = random.Next(1, 20), FirstSeenAt = first, LastSeenAt = first.AddMinutes(5),
                });
            }
        }
        // Recurrence families of 2 to 5 incidents.
        var pool = incidents.OrderBy(_ => random.Next()).Take(900).ToList();
        var groups = new List<List<Incident>>();
        while (pool.Count > 0)
        {
            var take = random.Next(2, 6);
            groups.Add([.. pool.Take(take)]);
            pool = [.. pool.Skip(take)];
        }
        var families = groups.Select((_, f) => new RecurrenceFamily { Key = $"gen-{f}", Title = $"Family {f}", CreatedAt = Start }).ToList();
        db.Families.AddRange(families);
        await db.SaveChangesAsync(Ct);
        for (var f = 0; f < groups.Count; f++)
        {
            db.FamilyMembers.AddRange(groups[f].Select(m => new FamilyMember { IncidentNumber = m.Number, FamilyId = families[f].Id, Reason = "same alert", RecurredAfterFix = random.Next(4) == 0 }));
        }
        // RCAs for a tenth of the incidents, due, published on time, late, or not at all; each with action items.
        var withRca = incidents.Where(_ => random.Next(10) == 0).ToList();
        var rcas = withRca.Select(incident =>
        {
            var due = Minute(incident.TriggeredAt.AddDays(random.Next(3, 15)));
            return new RcaDocument
            {
                Title = incident.Title, AuthorId = people[random.Next(people.Count)], CreatedAt = incident.TriggeredAt, UpdatedAt = incident.TriggeredAt, DueAt = due, Version = 1,
                PublishedAt = random.Next(3) switch { 0 => null, 1 => due.AddHours(-random.Next(1, 48)), _ => due.AddHours(random.Next(1, 48)) },
            };
        }).ToList();
        db.Rcas.AddRange(rcas);
        await db.SaveChangesAsync(Ct);
        for (var r = 0; r < rcas.Count; r++)
        {
            var (rca, incident) = (rcas[r], withRca[r]);
            db.RcaIncidents.Add(new RcaIncident { RcaId = rca.Id, IncidentNumber = incident.Number });
            for (var k = 0; k < random.Next(0, 4); k++)
            {
                var dueDate = DateOnly.FromDateTime(rca.DueAt!.Value.UtcDateTime).AddDays(random.Next(0, 30));
                DateTimeOffset? closed = random.Next(3) switch
                {
                    0 => null,
                    1 => new DateTimeOffset(dueDate.ToDateTime(new TimeOnly(23, 30)), TimeSpan.Zero).AddDays(-random.Next(0, 5)),
                    _ => new DateTimeOffset(dueDate.ToDateTime(new TimeOnly(0, 30)), TimeSpan.Zero).AddDays(random.Next(1, 5)),
                };
                db.ActionItems.Add(new ActionItem
                {
                    RcaId = rca.Id, Title = $"Action {k}", OwnerId = people[random.Next(people.Count)], DueDate = dueDate,
                    Status = closed is null ? ActionStatus.Open : ActionStatus.Closed, ClosedAt = closed, CreatedAt = incident.TriggeredAt, Version = 1,
                });
            }
        }
        // Pages: about one per incident that paged, some at night in the paged person's zone.
        foreach (var incident in incidents.Where(_ => random.Next(2) == 0))
        {
            db.Notifications.Add(new Notification
            {
                PersonId = people[random.Next(people.Count)], Kind = NotificationKind.Page, Title = "paged", IncidentNumber = incident.Number,
                CreatedAt = incident.TriggeredAt.AddMinutes(random.Next(0, 30)),
            });
        }
        await db.SaveChangesAsync(Ct);

        // Advertiser cases linked to a fifth of the incidents, some advertisers twice: the impact is the linked
        // advertisers or the typed estimate, whichever is more.
        var advertisers = await db.Advertisers.AsNoTracking().Select(a => new { a.Id, a.Region }).ToListAsync(Ct);
        var links = new List<(Portal.Shared.Cases.SupportCase Case, long Incident)>();
        foreach (var incident in incidents.Where(_ => random.Next(5) == 0))
        {
            for (var k = random.Next(1, 8); k > 0; k--)
            {
                var advertiser = advertisers[random.Next(0, 12)];
                links.Add((new Portal.Shared.Cases.SupportCase
                {
                    Subject = "Linked", Category = "other", AdvertiserId = advertiser.Id, Region = advertiser.Region, CreatedAt = incident.TriggeredAt, UpdatedAt = incident.TriggeredAt,
                }, incident.Number));
            }
        }
        db.Cases.AddRange(links.Select(l => l.Case));
        await db.SaveChangesAsync(Ct);
        db.CaseIncidents.AddRange(links.Select(l => new Portal.Shared.Cases.CaseIncident { CaseNumber = l.Case.Number, IncidentNumber = l.Incident, LinkedAt = l.Case.CreatedAt, LinkedBy = "test" }));
        await db.SaveChangesAsync(Ct);
    }

    /// <summary>Every figure, computed in C# over all the rows, by the rules the page states.</summary>
    public static async Task<Figures> BruteForceAsync(PortalFactory portal, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter)
    {
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var teamId = filter.Team is null ? (int?)null : await db.Teams.Where(t => t.Slug == filter.Team).Select(t => t.Id).SingleAsync(Ct);
        var serviceId = filter.Service is null ? (int?)null : await db.Services.Where(s => s.Slug == filter.Service).Select(s => s.Id).SingleAsync(Ct);
        bool Keeps(Incident i) => (filter.Region is null || i.Region == filter.Region) && (teamId is null || i.TeamId == teamId)
            && (serviceId is null || i.ServiceId == serviceId) && (filter.Severities is not { Count: > 0 } s || s.Contains(i.Severity));
        var all = await db.Incidents.AsNoTracking().ToListAsync(Ct);
        var byNumber = all.ToDictionary(i => i.Number);
        var linked = (await db.CaseIncidents.AsNoTracking().Join(db.Cases, l => l.CaseNumber, c => c.Number, (l, c) => new { l.IncidentNumber, c.AdvertiserId }).ToListAsync(Ct))
            .GroupBy(x => x.IncidentNumber).ToDictionary(g => g.Key, g => g.Select(x => x.AdvertiserId).Distinct().Count());
        long Impact(Incident i) => Math.Max(i.AdvertisersAffected ?? 0, linked.GetValueOrDefault(i.Number));
        Assert.Contains(all, i => linked.GetValueOrDefault(i.Number) > (i.AdvertisersAffected ?? 0));
        var rows = all.Where(i => i.TriggeredAt >= from && i.TriggeredAt < to && Keeps(i)).ToList();
        var policies = await db.SlaPolicies.AsNoTracking().ToListAsync(Ct);
        var ackTarget = policies.Where(p => p.AcknowledgeMinutes is not null).Select(p => p.Severity).ToHashSet();
        var mitTarget = policies.Where(p => p.MitigateMinutes is not null).Select(p => p.Severity).ToHashSet();

        static DurationStat Stat(List<double> values)
        {
            values.Sort();
            return new DurationStat(values.Count, values.Count == 0 ? null : Math.Round(values.Sum() / values.Count, 1),
                ReportingCalendar.Percentile(values, 0.5) is { } p50 ? Math.Round(p50, 1) : null, ReportingCalendar.Percentile(values, 0.9) is { } p90 ? Math.Round(p90, 1) : null);
        }
        Rate Ack(IEnumerable<Incident> set)
        {
            var eligible = set.Where(i => ackTarget.Contains(i.Severity) && (AckStopped(i) || i.AcknowledgeBreached)).ToList();
            return new Rate(eligible.Count(i => AckStopped(i) && !i.AcknowledgeBreached), eligible.Count);
        }
        Rate Mit(IEnumerable<Incident> set)
        {
            var eligible = set.Where(i => mitTarget.Contains(i.Severity) && (MitStopped(i) || i.MitigateBreached)).ToList();
            return new Rate(eligible.Count(i => MitStopped(i) && !i.MitigateBreached), eligible.Count);
        }
        double? Mean(IEnumerable<double> values) => values.Any() ? Math.Round(values.Average(), 1) : null;

        var members = await db.FamilyMembers.AsNoTracking().ToListAsync(Ct);
        var familyOf = members.ToDictionary(m => m.IncidentNumber);
        var recurring = rows.Where(i => familyOf.TryGetValue(i.Number, out var m) && members.Any(o => o.FamilyId == m.FamilyId && o.IncidentNumber < i.Number)).ToList();

        var filtered = filter.Region is not null || filter.Team is not null || filter.Service is not null || filter.Severities is { Count: > 0 };
        var rcaIncidents = (await db.RcaIncidents.AsNoTracking().ToListAsync(Ct)).ToLookup(r => r.RcaId, r => byNumber[r.IncidentNumber]);
        bool InScope(int rca) => !filtered || rcaIncidents[rca].Any(Keeps);
        var rcas = (await db.Rcas.AsNoTracking().ToListAsync(Ct)).Where(r => r.DueAt >= from && r.DueAt < to && (r.PublishedAt is not null || r.DueAt < Now) && InScope(r.Id)).ToList();
        var (first, last, today) = (DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime), DateOnly.FromDateTime(Now.UtcDateTime));
        var items = await db.ActionItems.AsNoTracking().ToListAsync(Ct);
        var due = items.Where(a => a.DueDate >= first && a.DueDate < last && (a.ClosedAt is not null || a.DueDate < today) && InScope(a.RcaId)).ToList();
        static DateTimeOffset EndOfDay(DateOnly d) => new(d.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);

        var zones = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.TimeZone, Ct);
        var pages = (await db.Notifications.AsNoTracking().Where(n => n.Kind == NotificationKind.Page).ToListAsync(Ct))
            .Where(n => n.CreatedAt >= from && n.CreatedAt < to && (!filtered || (n.IncidentNumber is { } x && Keeps(byNumber[x])))).ToList();
        var alerts = (await db.Alerts.AsNoTracking().ToListAsync(Ct)).Where(a => a.FirstSeenAt >= from && a.FirstSeenAt < to && Keeps(byNumber[a.IncidentNumber])).ToList();
        var names = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => (s.Slug, s.Name), Ct);
        var services = rows.Where(i => i.ServiceId is not null).GroupBy(i => i.ServiceId!.Value)
            .Select(g => new ServiceFigures(names[g.Key].Slug, names[g.Key].Name, g.Count(), g.Sum(i => Impact(i)), (double)Math.Round(g.Sum(i => i.RevenueAtRiskUsd ?? 0), 2))).ToList();

        return new Figures(from, to, rows.Count, rows.GroupBy(i => i.Severity).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count()),
            Stat([.. rows.Where(i => i.AcknowledgedAt is not null).Select(i => (i.AcknowledgedAt!.Value - i.TriggeredAt).TotalMinutes)]),
            Stat([.. rows.Where(i => i.ResolvedAt is not null).Select(i => (i.ResolvedAt!.Value - i.TriggeredAt).TotalMinutes)]),
            Ack(rows), Mit(rows), rows.Count(i => i.AcknowledgeBreached), rows.Count(i => i.MitigateBreached),
            recurring.Count, rows.Count == 0 ? null : Math.Round(100.0 * recurring.Count / rows.Count, 1), recurring.Count(i => familyOf[i.Number].RecurredAfterFix),
            new Rate(rcas.Count(r => r.PublishedAt is not null && r.PublishedAt <= r.DueAt), rcas.Count),
            new Rate(due.Count(a => a.ClosedAt is not null && a.ClosedAt < EndOfDay(a.DueDate)), due.Count),
            items.Count(a => a.Status == ActionStatus.Open && a.DueDate < today && InScope(a.RcaId)),
            pages.Count, pages.Count(p => OffHours.IsOffHours(Instant.FromDateTimeOffset(p.CreatedAt), TimeZones.GetOrUtc(zones[p.PersonId]))), 0, null,
            alerts.Count, alerts.Sum(a => a.Count), alerts.Select(a => a.IncidentNumber).Distinct().Count(),
            alerts.Count == 0 ? null : Math.Round((double)alerts.Count / alerts.Select(a => a.IncidentNumber).Distinct().Count(), 2),
            alerts.Count(a => a.FirstSeenAt > byNumber[a.IncidentNumber].TriggeredAt),
            rows.Sum(i => Impact(i)), (double)Math.Round(rows.Sum(i => i.RevenueAtRiskUsd ?? 0), 2),
            [.. services.OrderByDescending(s => s.Incidents).ThenBy(s => s.Name).Take(5)],
            [.. services.Where(s => s.RevenueUsd > 0 || s.Advertisers > 0).OrderByDescending(s => s.RevenueUsd).ThenByDescending(s => s.Advertisers).Take(5)],
            [.. rows.GroupBy(i => i.Region).OrderBy(g => g.Key).Select(g => new RegionFigures(g.Key, g.Count(), g.Count(i => i.Severity == Severity.SEV1),
                Mean(g.Where(i => i.AcknowledgedAt is not null).Select(i => (i.AcknowledgedAt!.Value - i.TriggeredAt).TotalMinutes)),
                Mean(g.Where(i => i.ResolvedAt is not null).Select(i => (i.ResolvedAt!.Value - i.TriggeredAt).TotalMinutes)),
                Ack(g), Mit(g), g.Count(i => i.AcknowledgeBreached) + g.Count(i => i.MitigateBreached),
                g.Sum(i => Impact(i)), (double)Math.Round(g.Sum(i => i.RevenueAtRiskUsd ?? 0), 2)))]);
    }

    private static bool AckStopped(Incident i) => i.AcknowledgedAt is not null || i.MitigatedAt is not null || i.ResolvedAt is not null;

    private static bool MitStopped(Incident i) => i.MitigatedAt is not null || i.ResolvedAt is not null;

    public static readonly (string Name, MetricsFilter Filter)[] Filters =
    [
        ("everything", new MetricsFilter()),
        ("EU", new MetricsFilter(Region: RegionCode.EU)),
        ("a team", new MetricsFilter(Team: Portal.Shared.Demo.DemoWorld.TeamSlug(RegionCode.JP))),
        ("a service", new MetricsFilter(Service: "payments")),
        ("SEV1-2", new MetricsFilter(Severities: [Severity.SEV1, Severity.SEV2])),
        ("MX SEV3 payments", new MetricsFilter(Region: RegionCode.MX, Service: "payments", Severities: [Severity.SEV3])),
    ];

    /// <summary>Checks the database's figures against the brute force for every filter, over the whole history and one week.</summary>
    public static async Task AssertEveryFigureAsync(PortalFactory portal)
    {
        await SeedAsync(portal);
        var metrics = portal.Services.CreateScope().ServiceProvider.GetRequiredService<MetricsService>();
        var week = ReportingCalendar.Week("2026-W40", DateTimeZone.Utc, out _)!;
        foreach (var (from, to) in new[] { (Start, Now), (week.Start, week.End) })
        {
            foreach (var (name, filter) in Filters)
            {
                var expected = await BruteForceAsync(portal, from, to, filter);
                var actual = await metrics.FiguresAsync(from, to, filter, Ct);
                Assert.True(expected.Incidents > 0 || name.Contains("MX", StringComparison.Ordinal), $"{name}: the generated history should have incidents");
                // Shifts come from the schedules, not the history; compare everything else field by field.
                var comparable = actual with { Shifts = 0, PagesPerShift = null, RevenueUsd = Math.Round(actual.RevenueUsd, 2) };
                AssertSame(expected, comparable, $"{name}, {from:yyyy-MM-dd}–{to:yyyy-MM-dd}");
            }
        }
        // The trend (its own query: one aggregate per period) against each period's figures, checked above; with two
        // empty weeks before the history begins.
        var weeks = ReportingCalendar.WeeksEndingWith(ReportingCalendar.WeekOf(Start, DateTimeZone.Utc), 3, DateTimeZone.Utc)
            .Concat(ReportingCalendar.WeeksEndingWith(week, 6, DateTimeZone.Utc)).ToList();
        foreach (var (name, filter) in Filters)
        {
            var trend = await metrics.TrendAsync(weeks, filter, Ct);
            Assert.Equal(weeks.Select(w => w.Name), trend.Select(t => t.Name));
            foreach (var (period, point) in weeks.Zip(trend))
            {
                var f = await metrics.FiguresAsync(period.Start, period.End, filter, Ct);
                var what = $"{name}, trend {period.Name}";
                Assert.True(f.Incidents == point.Incidents, $"{what}: {point.Incidents} incidents, the figures say {f.Incidents}");
                Assert.Equal(f.BySeverity, point.BySeverity);
                Assert.Equal(f.ByRegion.ToDictionary(r => r.Region, r => r.Incidents), point.ByRegion);
                Assert.Equal((f.Mtta.Mean, f.Mttr.Mean, f.Acknowledge, f.Mitigate, f.AcknowledgeBreaches + f.MitigateBreaches, f.Advertisers),
                    (point.MttaMean, point.MttrMean, point.Acknowledge, point.Mitigate, point.Breaches, point.Advertisers));
                Assert.True(Math.Abs(Math.Round(f.RevenueUsd, 2) - point.RevenueUsd) < 0.02, $"{what}: revenue {point.RevenueUsd}, the figures say {f.RevenueUsd}");
            }
            Assert.Equal(0, trend[0].Incidents);
        }
    }

    private static readonly Dictionary<Severity, int> NoSeverities = [];

    private static void AssertSame(Figures expected, Figures actual, string what)
    {
        Assert.True(Math.Abs(expected.RevenueUsd - actual.RevenueUsd) < 0.02, $"{what}: revenue {expected.RevenueUsd} vs {actual.RevenueUsd}");
        Assert.Equal(expected.ByRegion.Select(r => r with { RevenueUsd = 0 }), actual.ByRegion.Select(r => r with { RevenueUsd = 0 }));
        Assert.Equal(expected.TopByIncidents.Select(s => (s.Slug, s.Incidents, s.Advertisers)), actual.TopByIncidents.Select(s => (s.Slug, s.Incidents, s.Advertisers)));
        Assert.Equal(expected.TopByImpact.Select(s => s.Slug), actual.TopByImpact.Select(s => s.Slug));
        Assert.Equal(expected.BySeverity, actual.BySeverity);
        Figures Rest(Figures f) => f with { RevenueUsd = 0, ByRegion = Array.Empty<RegionFigures>(), TopByIncidents = Array.Empty<ServiceFigures>(), TopByImpact = Array.Empty<ServiceFigures>(), BySeverity = NoSeverities };
        Assert.Equal(Rest(expected), Rest(actual));
    }
}
