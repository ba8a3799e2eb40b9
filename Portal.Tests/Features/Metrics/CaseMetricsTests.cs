using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Metrics;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Metrics;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Metrics;

/// <summary>
/// The case KPIs against a brute-force calculation over ninety days of generated cases (lived through the case rules,
/// with surveys, merges and follow-ups), on the suite's database (both, in ./test.sh); and Zendesk's worked examples.
/// </summary>
public sealed class CaseMetricsTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private async Task<List<SupportCase>> SeedHistoryAsync()
    {
        _portal.AnonymousClient().Dispose();
        var now = _portal.Clock.GetUtcNow();
        var world = DemoWorld.Generate();
        var advertisers = DemoAdvertisers.Generate();
        await using var db = _portal.OpenContext();
        var ids = await db.Advertisers.ToDictionaryAsync(a => a.AccountId, a => a.Id, Ct);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Region, t => t.Id, Ct);
        var engineers = world.People.Where(p => p.Role == PortalRole.Engineer).GroupBy(p => p.Region)
            .ToDictionary(g => g.Key, g => (IReadOnlyList<(string, string)>)g.Select(p => (p.Handle, p.Name)).ToList());
        var lived = DemoCases.Generate(advertisers, engineers, now);
        foreach (var demo in lived)
        {
            demo.Case.AdvertiserId = ids[advertisers[demo.AdvertiserIndex].AccountId!];
            demo.Case.TeamId = teams[demo.Case.Region];
            db.Cases.Add(demo.Case);
            db.CaseEvents.AddRange(demo.Events);
            db.CaseMessages.AddRange(demo.Messages);
        }
        await db.SaveChangesAsync(Ct);
        var random = new Random(7);
        var cases = await db.Cases.OrderBy(c => c.Number).ToListAsync(Ct);
        // Surveys for solved cases, a share answered, with every score; some duplicates merged; some follow-ups opened.
        foreach (var c in cases.Where(c => c.SolvedAt is not null))
        {
            var answered = random.NextDouble() < 0.4;
            db.CaseSurveys.Add(new CaseSurvey
            {
                CaseNumber = c.Number, SentAt = c.SolvedAt!.Value, AnsweredAt = answered ? c.SolvedAt.Value.AddHours(random.Next(1, 200)) : null,
                Score = answered ? random.Next(1, 6) : null,
            });
        }
        foreach (var c in cases.Where((_, i) => i % 97 == 5))
        {
            c.MergedIntoNumber = cases[0].Number;
        }
        foreach (var c in cases.Where(c => c.FirstRepliedAt is not null).Where((_, i) => i % 41 == 3).ToList())
        {
            db.Cases.Add(new SupportCase
            {
                Subject = "Follow-up: " + c.Subject, Category = c.Category, AdvertiserId = c.AdvertiserId, Region = c.Region, Channel = CaseChannel.Email,
                CreatedAt = c.FirstRepliedAt!.Value.AddDays(random.Next(1, 12)), UpdatedAt = now, FollowUpOfNumber = c.Number, Status = CaseStatus.New,
            });
        }
        await db.SaveChangesAsync(Ct);
        return await db.Cases.AsNoTracking().ToListAsync(Ct);
    }

    [Fact]
    public async Task EveryCaseFigureMatchesABruteForceCalculation()
    {
        var all = await SeedHistoryAsync();
        await using var db = _portal.OpenContext();
        var messages = await db.CaseMessages.AsNoTracking().Where(m => m.Kind == CaseMessageKind.Advertiser).Select(m => new { m.CaseNumber, m.At }).ToListAsync(Ct);
        var surveys = await db.CaseSurveys.AsNoTracking().ToListAsync(Ct);
        var now = _portal.Clock.GetUtcNow();
        var service = _portal.Services.CreateScope().ServiceProvider.GetRequiredService<CaseMetricsService>();

        foreach (var (from, to, filter) in new (DateTimeOffset, DateTimeOffset, CaseFilter)[]
        {
            (now.AddDays(-28), now, new CaseFilter()),
            (now.AddDays(-91), now, new CaseFilter()),
            (now.AddDays(-60), now.AddDays(-20), new CaseFilter(Region: RegionCode.JP)),
            (now.AddDays(-91), now, new CaseFilter(Category: "refund", Priority: CasePriority.P3)),
            (now.AddDays(-91), now, new CaseFilter(Channel: CaseChannel.WebForm, Team: DemoWorld.TeamSlug(RegionCode.EU))),
        })
        {
            bool Matches(SupportCase c) => c.MergedIntoNumber is null
                && (filter.Region is null || c.Region == filter.Region) && (filter.Category is null || c.Category == filter.Category)
                && (filter.Channel is null || c.Channel == filter.Channel) && (filter.Priority is null || c.Priority == filter.Priority)
                && (filter.Team is null || c.Region == RegionCode.EU);
            var period = all.Where(c => c.CreatedAt >= from && c.CreatedAt < to && Matches(c)).ToList();
            var solved = period.Where(c => c.SolvedAt is not null).ToList();
            var replied = period.Where(c => c.FirstRepliedAt is not null).ToList();
            var f = await service.FiguresAsync(from, to, filter, Ct);
            var what = $"{from:MM-dd}..{to:MM-dd} {filter}";

            Assert.True(period.Count > 0, what);
            Assert.Equal(period.Count, f.Opened);
            Assert.Equal(solved.Count, f.Solved);
            AssertStat(replied.Select(c => (c.FirstRepliedAt!.Value - c.CreatedAt).TotalMinutes).ToList(), f.FirstReply, what + " first reply");
            AssertStat(solved.Select(c => (c.SolvedAt!.Value - c.CreatedAt).TotalMinutes).ToList(), f.Resolution, what + " resolution");
            Assert.Equal(new Rate(solved.Count(c => c.PublicReplies <= 1 && c.ReopenCount == 0), solved.Count), f.OneTouch);
            Assert.Equal(new Rate(solved.Count(c => c.ReopenCount > 0), solved.Count), f.Reopened);
            var frDecided = period.Where(c => c.FirstReplyDueAt is not null && (c.FirstRepliedAt is not null || c.FirstReplyBreached)).ToList();
            Assert.Equal(new Rate(frDecided.Count(c => c.FirstRepliedAt is not null && !c.FirstReplyBreached), frDecided.Count), f.FirstReplySla);
            var resDecided = period.Where(c => c.ResolutionDueAt is not null && (c.SolvedAt is not null || c.ResolutionBreached)).ToList();
            Assert.Equal(new Rate(resDecided.Count(c => c.SolvedAt is not null && !c.ResolutionBreached), resDecided.Count), f.ResolutionSla);

            var answersDecided = period.Where(c => c.FirstRepliedAt is { } r && r <= now - CaseMetricsService.FollowUpWindow).ToList();
            var kept = answersDecided.Count(c =>
            {
                var end = c.FirstRepliedAt!.Value + CaseMetricsService.FollowUpWindow;
                return !messages.Any(m => m.CaseNumber == c.Number && m.At > c.FirstRepliedAt && m.At <= end)
                    && !all.Any(x => x.FollowUpOfNumber == c.Number && x.CreatedAt <= end);
            });
            Assert.Equal(new Rate(kept, answersDecided.Count), f.NoFollowUp);

            var byNumber = all.ToDictionary(c => c.Number);
            var answered = surveys.Where(s => s.AnsweredAt >= from && s.AnsweredAt < to && Matches(byNumber[s.CaseNumber])).ToList();
            Assert.Equal(new Rate(answered.Count(s => s.Score >= 4), answered.Count), f.Csat);
            Assert.Equal(IntakeRules.Csat(answered.Select(s => s.Score!.Value)) is { } csat ? Math.Round(100 * csat, 1) : null, f.Csat.Percent);
            var sent = surveys.Where(s => s.SentAt >= from && s.SentAt < to && Matches(byNumber[s.CaseNumber])).ToList();
            Assert.Equal(new Rate(sent.Count(s => s.AnsweredAt is not null), sent.Count), f.SurveyResponse);

            var open = all.Where(c => c.Status is not (CaseStatus.Solved or CaseStatus.Closed) && Matches(c)).Select(c => (now - c.CreatedAt).TotalHours).Order().ToList();
            Assert.Equal(open.Count, f.Backlog);
            if (open.Count > 0)
            {
                Assert.Equal(Math.Round(ReportingCalendar.Percentile(open, 0.5)!.Value, 1), f.BacklogMedianAgeHours!.Value, 1);
                Assert.Equal(Math.Round(open[^1], 1), f.BacklogOldestHours!.Value, 1);
            }
            foreach (var dimension in CaseMetricsService.Dimensions)
            {
                Assert.Equal(period.Count, f.Breakdowns[dimension].Sum(g => g.Opened));
                Assert.Equal(f.OneTouch.Met, f.Breakdowns[dimension].Sum(g => g.OneTouch.Met));
            }
            Assert.Equal(period.Count(c => c.Region == RegionCode.US), f.Breakdowns["region"].SingleOrDefault(g => g.Key == "US")?.Opened ?? 0);
        }
    }

    private static void AssertStat(List<double> minutes, DurationStat stat, string what)
    {
        minutes.Sort();
        Assert.True(minutes.Count == stat.Count, what);
        if (minutes.Count == 0)
        {
            return;
        }
        Assert.Equal(Math.Round(minutes.Average(), 1), stat.Mean!.Value, 1);
        Assert.Equal(Math.Round(ReportingCalendar.Percentile(minutes, 0.5)!.Value, 1), stat.P50!.Value, 1);
        Assert.Equal(Math.Round(ReportingCalendar.Percentile(minutes, 0.9)!.Value, 1), stat.P90!.Value, 1);
    }

    [Fact]
    public async Task ZendesksWorkedExamplesComeOutTheSame()
    {
        // CSAT: 45 good (4-5) and 5 bad (1-3) answers is 90%; surveys not answered do not count. One-touch: of four solved
        // tickets, the one solved with a single reply and the one solved with none count; the one with two replies and the
        // reopened one do not: 50%.
        Assert.Equal(0.9, IntakeRules.Csat([.. Enumerable.Repeat(5, 30), .. Enumerable.Repeat(4, 15), .. Enumerable.Repeat(2, 3), 1, 3]));
        Assert.Null(IntakeRules.Csat([]));

        _portal.AnonymousClient().Dispose();
        var now = _portal.Clock.GetUtcNow();
        await using var db = _portal.OpenContext();
        var advertiser = await db.Advertisers.FirstAsync(Ct);
        SupportCase Solved(int replies, int reopens) => new()
        {
            Subject = "x", Category = "other", AdvertiserId = advertiser.Id, Region = advertiser.Region, CreatedAt = now.AddHours(-10), UpdatedAt = now,
            FirstRepliedAt = replies > 0 ? now.AddHours(-9) : null, PublicReplies = replies, ReopenCount = reopens, SolvedAt = now.AddHours(-1), Status = CaseStatus.Solved,
        };
        var cases = new[] { Solved(1, 0), Solved(0, 0), Solved(2, 0), Solved(1, 1) };
        db.Cases.AddRange(cases);
        await db.SaveChangesAsync(Ct);
        var scores = new[] { 5, 4, 2, 3 };
        for (var i = 0; i < cases.Length; i++)
        {
            db.CaseSurveys.Add(new CaseSurvey { CaseNumber = cases[i].Number, SentAt = now.AddHours(-1), AnsweredAt = now.AddMinutes(-30), Score = scores[i] });
        }
        await db.SaveChangesAsync(Ct);
        var f = await _portal.Services.CreateScope().ServiceProvider.GetRequiredService<CaseMetricsService>().FiguresAsync(now.AddDays(-1), now, new CaseFilter(), Ct);
        Assert.Equal(new Rate(2, 4), f.OneTouch);
        Assert.Equal(50, f.OneTouch.Percent);
        Assert.Equal(new Rate(2, 4), f.Csat);
        Assert.Equal(new Rate(1, 4), f.Reopened);
    }

    [Fact]
    public async Task AdvertisersToldBeforeTheyAskedMatchABruteForceCount()
    {
        var all = (await SeedHistoryAsync()).Where(c => c.MergedIntoNumber is null).ToList();
        var now = _portal.Clock.GetUtcNow();
        var random = new Random(11);
        await using (var db = _portal.OpenContext())
        {
            var advertisers = await db.Advertisers.AsNoTracking().Select(a => new { a.Id, a.Region }).ToListAsync(Ct);
            var incidents = Enumerable.Range(0, 12).Select(i => new Portal.Shared.Incidents.Incident
            {
                Title = $"Incident {i}", Severity = Portal.Shared.Incidents.Severity.SEV2, Region = Regions.All[i % Regions.All.Count].Code,
                TriggeredAt = now.AddDays(-80 + 7 * i), UpdatedAt = now, Status = Portal.Shared.Incidents.IncidentStatus.Resolved,
            }).ToList();
            db.Incidents.AddRange(incidents);
            await db.SaveChangesAsync(Ct);
            foreach (var incident in incidents)
            {
                // Cases of its region around it are linked (some advertisers twice); a notice reaches part of the region at a
                // random moment, so some who wrote in were told before, some after, some never.
                var around = all.Where(c => c.Region == incident.Region && c.CreatedAt >= incident.TriggeredAt && c.CreatedAt < incident.TriggeredAt.AddDays(3)).Take(15).ToList();
                db.CaseIncidents.AddRange(around.Select(c => new CaseIncident { CaseNumber = c.Number, IncidentNumber = incident.Number, LinkedAt = c.CreatedAt, LinkedBy = "test" }));
                if (incident.Number % 3 == 0)
                {
                    continue;
                }
                var at = incident.TriggeredAt.AddHours(random.Next(1, 48));
                var told = advertisers.Where(a => a.Region == incident.Region && random.NextDouble() < 0.5).ToList();
                db.ProactiveNotices.Add(new ProactiveNotice { IncidentNumber = incident.Number, Subject = "s", Body = "b", SentAt = at, SentBy = "test", Advertisers = told.Count });
                db.ProactiveRecipients.AddRange(told.Select(a => new ProactiveRecipient { IncidentNumber = incident.Number, AdvertiserId = a.Id, NotifiedAt = at }));
            }
            await db.SaveChangesAsync(Ct);
        }

        await using var read = _portal.OpenContext();
        var links = await read.CaseIncidents.AsNoTracking().ToListAsync(Ct);
        var recipients = await read.ProactiveRecipients.AsNoTracking().ToListAsync(Ct);
        var regions = await read.Advertisers.AsNoTracking().ToDictionaryAsync(a => a.Id, a => a.Region, Ct);
        var cases = all.ToDictionary(c => c.Number);
        var firstCases = links.Where(l => cases.ContainsKey(l.CaseNumber)).GroupBy(l => (l.IncidentNumber, cases[l.CaseNumber].AdvertiserId))
            .Select(g => (g.Key.IncidentNumber, g.Key.AdvertiserId, At: g.Min(l => cases[l.CaseNumber].CreatedAt))).ToList();
        var service = _portal.Services.CreateScope().ServiceProvider.GetRequiredService<CaseMetricsService>();
        var checkedAny = false;
        foreach (var (from, to, region) in new (DateTimeOffset, DateTimeOffset, RegionCode?)[]
        {
            (now.AddDays(-91), now, null), (now.AddDays(-45), now.AddDays(-10), null), (now.AddDays(-91), now, RegionCode.JP), (now.AddDays(-60), now, RegionCode.EU),
        })
        {
            var told = recipients.Count(r => r.NotifiedAt >= from && r.NotifiedAt < to && (region is null || regions[r.AdvertiserId] == region));
            var askedFirst = firstCases.Count(f => f.At >= from && f.At < to && (region is null || regions[f.AdvertiserId] == region)
                && ProactiveRules.AskedFirst(recipients.FirstOrDefault(r => r.IncidentNumber == f.IncidentNumber && r.AdvertiserId == f.AdvertiserId)?.NotifiedAt, f.At));
            var figures = await service.FiguresAsync(from, to, new CaseFilter(Region: region), Ct);
            Assert.Equal(new Rate(told, told + askedFirst), figures.ToldFirst);
            checkedAny |= told > 0 && askedFirst > 0;
        }
        Assert.True(checkedAny, "The generated history had no period with both sides of the figure.");
    }

    [Fact]
    public async Task TheWbrAndMbrCaseLinesMatchABruteForceCountOfTheirPeriods()
    {
        var all = (await SeedHistoryAsync()).Where(c => c.MergedIntoNumber is null).ToList();
        await using var db = _portal.OpenContext();
        var surveys = await db.CaseSurveys.AsNoTracking().ToListAsync(Ct);
        var live = all.Select(c => c.Number).ToHashSet();
        var packs = _portal.Services.CreateScope().ServiceProvider.GetRequiredService<ReviewPackService>();
        var now = _portal.Clock.GetUtcNow();
        var lastWeek = Portal.Shared.Metrics.ReportingCalendar.WeekOf(now.AddDays(-7), NodaTime.DateTimeZone.Utc);
        var lastMonth = Portal.Shared.Metrics.ReportingCalendar.MonthOf(now.AddMonths(-1), NodaTime.DateTimeZone.Utc);
        foreach (var pack in new[] { await packs.WbrAsync(lastWeek.Name, Ct), await packs.MbrAsync(lastMonth.Name, Ct) })
        {
            double? Row(string metric) => pack.Summary.Single(r => r.Metric == metric).Current;
            var (from, to) = (pack.Period.Start, pack.Period.End);
            var opened = all.Where(c => c.CreatedAt >= from && c.CreatedAt < to).ToList();
            var solved = opened.Where(c => c.SolvedAt is not null).ToList();
            var answered = surveys.Where(x => x.AnsweredAt >= from && x.AnsweredAt < to && live.Contains(x.CaseNumber)).ToList();
            Assert.True(opened.Count > 0, pack.Kind);
            Assert.Equal(opened.Count, Row("Cases opened"));
            Assert.Equal(answered.Count == 0 ? null : Math.Round(100.0 * answered.Count(x => x.Score >= 4) / answered.Count, 1), Row("CSAT"));
            Assert.Equal(solved.Count == 0 ? null : Math.Round(100.0 * solved.Count(c => c.PublicReplies <= 1 && c.ReopenCount == 0) / solved.Count, 1), Row("One-touch resolution"));
            Assert.Equal(solved.Count == 0 ? null : Math.Round(100.0 * solved.Count(c => c.ReopenCount > 0) / solved.Count, 1), Row("Cases reopened"));
        }
    }
}
