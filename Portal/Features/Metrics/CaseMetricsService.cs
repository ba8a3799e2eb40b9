using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Metrics;

namespace Portal.Features.Metrics;

/// <summary>Which cases a figure is about: any of region, team (slug), category, channel, priority, assignee (person id).</summary>
public sealed record CaseFilter(RegionCode? Region = null, string? Team = null, string? Category = null, CaseChannel? Channel = null,
    CasePriority? Priority = null, int? AssigneeId = null);

/// <summary>The case figures of one group of a breakdown (a region, a category, ...).</summary>
public sealed record CaseGroup(string Key, int Opened, int Solved, Rate OneTouch, Rate FirstReplySla, Rate ResolutionSla, Rate Reopened, double? FirstReplyMean);

/// <summary>
/// The case KPIs of one period: volume, first reply and full resolution time, both first-contact resolution figures,
/// reopen rate, SLA attainment, CSAT and its response rate, the backlog now, and the breakdowns by region, team,
/// category, channel and priority.
/// </summary>
public sealed record CaseFigures(
    DateTimeOffset From, DateTimeOffset To, int Opened, int Solved, DurationStat FirstReply, DurationStat Resolution,
    Rate OneTouch, Rate NoFollowUp, Rate Reopened, Rate FirstReplySla, Rate ResolutionSla, Rate Csat, Rate SurveyResponse,
    int Backlog, double? BacklogMedianAgeHours, double? BacklogOldestHours, IReadOnlyDictionary<string, IReadOnlyList<CaseGroup>> Breakdowns,
    Rate ToldFirst);

/// <summary>
/// Case KPIs over cases opened in a period (merged duplicates left out: they are counted on the case they joined),
/// computed by grouped queries in the database, never by reading every case. The definitions are on the metrics page.
/// </summary>
public sealed class CaseMetricsService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    /// <summary>The no-follow-up window: the advertiser did not write again for this long after the first answer.</summary>
    public static readonly TimeSpan FollowUpWindow = TimeSpan.FromDays(7);

    public static readonly IReadOnlyList<string> Dimensions = ["region", "team", "category", "channel", "priority"];

    private sealed record GroupRow(string Region, int? TeamId, string Category, string Channel, string Priority, long Opened, long Solved, long Replied,
        double? FirstReplyMinutes, long OneTouch, long Reopened, long FrEligible, long FrMet, long ResEligible, long ResMet);

    private sealed record CountRow(long Decided, long Kept);

    public async Task<CaseFigures> FiguresAsync(DateTimeOffset from, DateTimeOffset to, CaseFilter filter, CancellationToken cancellationToken = default)
    {
        MetricsService.Check(from, to);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        int? teamId = filter.Team is { } slug ? await db.Teams.Where(t => t.Slug == slug).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken) ?? -1 : null;
        var now = clock.GetUtcNow();

        var sql = new MetricsSql(db);
        var where = Where(sql, from, to, filter, teamId);
        var groups = await sql.Query<GroupRow>($"""
            SELECT c."Region", c."TeamId", c."Category", c."Channel", c."Priority",
              COUNT(*) AS "Opened",
              SUM(CASE WHEN c."SolvedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "Solved",
              SUM(CASE WHEN c."FirstRepliedAt" IS NOT NULL THEN 1 ELSE 0 END) AS "Replied",
              SUM(CASE WHEN c."FirstRepliedAt" IS NOT NULL THEN {MetricsSql.Real(sql.Minutes("c.\"FirstRepliedAt\"", "c.\"CreatedAt\""))} END) AS "FirstReplyMinutes",
              SUM(CASE WHEN c."SolvedAt" IS NOT NULL AND c."PublicReplies" <= 1 AND c."ReopenCount" = 0 THEN 1 ELSE 0 END) AS "OneTouch",
              SUM(CASE WHEN c."SolvedAt" IS NOT NULL AND c."ReopenCount" > 0 THEN 1 ELSE 0 END) AS "Reopened",
              SUM(CASE WHEN c."FirstReplyDueAt" IS NOT NULL AND (c."FirstRepliedAt" IS NOT NULL OR {sql.IsTrue("c.\"FirstReplyBreached\"")}) THEN 1 ELSE 0 END) AS "FrEligible",
              SUM(CASE WHEN c."FirstReplyDueAt" IS NOT NULL AND c."FirstRepliedAt" IS NOT NULL AND NOT ({sql.IsTrue("c.\"FirstReplyBreached\"")}) THEN 1 ELSE 0 END) AS "FrMet",
              SUM(CASE WHEN c."ResolutionDueAt" IS NOT NULL AND (c."SolvedAt" IS NOT NULL OR {sql.IsTrue("c.\"ResolutionBreached\"")}) THEN 1 ELSE 0 END) AS "ResEligible",
              SUM(CASE WHEN c."ResolutionDueAt" IS NOT NULL AND c."SolvedAt" IS NOT NULL AND NOT ({sql.IsTrue("c.\"ResolutionBreached\"")}) THEN 1 ELSE 0 END) AS "ResMet"
            FROM "Cases" AS c WHERE {where}
            GROUP BY c."Region", c."TeamId", c."Category", c."Channel", c."Priority"
            """).ToListAsync(cancellationToken);

        var opened = (int)groups.Sum(g => g.Opened);
        var solved = (int)groups.Sum(g => g.Solved);
        var replied = (int)groups.Sum(g => g.Replied);
        var firstReply = new DurationStat(replied, Mean(groups.Sum(g => g.FirstReplyMinutes ?? 0), replied),
            await PercentileAsync(db, from, to, filter, teamId, "FirstRepliedAt", replied, 0.5, cancellationToken),
            await PercentileAsync(db, from, to, filter, teamId, "FirstRepliedAt", replied, 0.9, cancellationToken));
        var resolution = new DurationStat(solved, await MeanAsync(db, from, to, filter, teamId, "SolvedAt", cancellationToken),
            await PercentileAsync(db, from, to, filter, teamId, "SolvedAt", solved, 0.5, cancellationToken),
            await PercentileAsync(db, from, to, filter, teamId, "SolvedAt", solved, 0.9, cancellationToken));

        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var breakdowns = new Dictionary<string, IReadOnlyList<CaseGroup>>
        {
            ["region"] = Breakdown(groups, g => g.Region),
            ["team"] = Breakdown(groups, g => g.TeamId is { } id && teams.TryGetValue(id, out var s) ? s : "none"),
            ["category"] = Breakdown(groups, g => g.Category),
            ["channel"] = Breakdown(groups, g => g.Channel),
            ["priority"] = Breakdown(groups, g => g.Priority),
        };
        var (backlog, medianAge, oldest) = await BacklogAsync(db, filter, teamId, now, cancellationToken);
        return new CaseFigures(from, to, opened, solved, firstReply, resolution,
            new Rate((int)groups.Sum(g => g.OneTouch), solved),
            await NoFollowUpAsync(db, from, to, filter, teamId, now, cancellationToken),
            new Rate((int)groups.Sum(g => g.Reopened), solved),
            new Rate((int)groups.Sum(g => g.FrMet), (int)groups.Sum(g => g.FrEligible)),
            new Rate((int)groups.Sum(g => g.ResMet), (int)groups.Sum(g => g.ResEligible)),
            await CsatAsync(db, from, to, filter, teamId, answered: true, cancellationToken),
            await CsatAsync(db, from, to, filter, teamId, answered: false, cancellationToken),
            backlog, medianAge, oldest, breakdowns,
            await ToldFirstAsync(db, from, to, filter.Region, cancellationToken));
    }

    /// <summary>
    /// Advertisers told before they asked: proactive notices that reached an advertiser in the period (Met), of those
    /// plus the advertisers who asked first — whose first case linked to an incident was opened in the period before any
    /// notice about it reached them (Of). By the advertiser's region only: notices go to advertisers, not to a team.
    /// </summary>
    private static async Task<Rate> ToldFirstAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, RegionCode? region, CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var inRegion = region is { } r ? $"AND a.\"Region\" = {sql.P(r.ToString())}" : "";
        var row = (await sql.Query<CountRow>($"""
            SELECT
              (SELECT COUNT(*) FROM "ProactiveRecipients" AS p JOIN "Advertisers" AS a ON a."Id" = p."AdvertiserId"
                WHERE p."NotifiedAt" >= {sql.At(from)} AND p."NotifiedAt" < {sql.At(to)} {inRegion}) AS "Kept",
              (SELECT COUNT(*) FROM (
                  SELECT l."IncidentNumber", c."AdvertiserId", MIN(c."CreatedAt") AS "FirstAt"
                  FROM "CaseIncidents" AS l JOIN "Cases" AS c ON c."Number" = l."CaseNumber"
                  WHERE c."MergedIntoNumber" IS NULL
                  GROUP BY l."IncidentNumber", c."AdvertiserId") AS f
                JOIN "Advertisers" AS a ON a."Id" = f."AdvertiserId"
                WHERE f."FirstAt" >= {sql.At(from)} AND f."FirstAt" < {sql.At(to)} {inRegion}
                  AND NOT EXISTS (SELECT 1 FROM "ProactiveRecipients" AS p
                    WHERE p."IncidentNumber" = f."IncidentNumber" AND p."AdvertiserId" = f."AdvertiserId" AND p."NotifiedAt" <= f."FirstAt")) AS "Decided"
            """).ToListAsync(cancellationToken)).Single();
        return new Rate((int)row.Kept, (int)(row.Kept + row.Decided));
    }

    private static List<CaseGroup> Breakdown(List<GroupRow> rows, Func<GroupRow, string> key) =>
        [.. rows.GroupBy(key).Select(g =>
        {
            var solved = (int)g.Sum(r => r.Solved);
            var replied = (int)g.Sum(r => r.Replied);
            return new CaseGroup(g.Key, (int)g.Sum(r => r.Opened), solved, new Rate((int)g.Sum(r => r.OneTouch), solved),
                new Rate((int)g.Sum(r => r.FrMet), (int)g.Sum(r => r.FrEligible)), new Rate((int)g.Sum(r => r.ResMet), (int)g.Sum(r => r.ResEligible)),
                new Rate((int)g.Sum(r => r.Reopened), solved), Mean(g.Sum(r => r.FirstReplyMinutes ?? 0), replied));
        }).OrderByDescending(g => g.Opened).ThenBy(g => g.Key, StringComparer.Ordinal)];

    /// <summary>
    /// First answers whose week has passed (decided): kept when the advertiser wrote nothing more on the case, and opened
    /// no follow-up of it, within the week after the team's first public reply.
    /// </summary>
    private static async Task<Rate> NoFollowUpAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, CaseFilter filter, int? teamId, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var where = Where(sql, from, to, filter, teamId);
        var window = FollowUpWindow.Ticks;
        var decidedBy = sql.At(now - FollowUpWindow);
        var windowEnd = db.Database.IsNpgsql() ? $"c.\"FirstRepliedAt\" + {sql.P(FollowUpWindow)}" : $"c.\"FirstRepliedAt\" + {sql.P(window)}";
        var row = (await sql.Query<CountRow>($"""
            SELECT COUNT(*) AS "Decided",
              COALESCE(SUM(CASE WHEN NOT EXISTS (SELECT 1 FROM "CaseMessages" AS m WHERE m."CaseNumber" = c."Number" AND m."Kind" = 'Advertiser'
                      AND m."At" > c."FirstRepliedAt" AND m."At" <= {windowEnd})
                    AND NOT EXISTS (SELECT 1 FROM "Cases" AS f WHERE f."FollowUpOfNumber" = c."Number" AND f."CreatedAt" <= {windowEnd})
                  THEN 1 ELSE 0 END), 0) AS "Kept"
            FROM "Cases" AS c WHERE {where} AND c."FirstRepliedAt" IS NOT NULL AND c."FirstRepliedAt" <= {decidedBy}
            """).ToListAsync(cancellationToken)).Single();
        return new Rate((int)row.Kept, (int)row.Decided);
    }

    /// <summary>CSAT (answered: good of answered surveys, answered in the period) or the response rate (answered of surveys sent in the period).</summary>
    private static async Task<Rate> CsatAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, CaseFilter filter, int? teamId, bool answered,
        CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var column = answered ? "AnsweredAt" : "SentAt";
        var filters = Filters(sql, filter, teamId);
        var row = (await sql.Query<CountRow>($"""
            SELECT COUNT(*) AS "Decided",
              COALESCE(SUM(CASE WHEN {(answered ? "s.\"Score\" >= 4" : "s.\"AnsweredAt\" IS NOT NULL")} THEN 1 ELSE 0 END), 0) AS "Kept"
            FROM "CaseSurveys" AS s JOIN "Cases" AS c ON c."Number" = s."CaseNumber"
            WHERE s."{column}" >= {sql.At(from)} AND s."{column}" < {sql.At(to)} {filters}
            """).ToListAsync(cancellationToken)).Single();
        return new Rate((int)row.Kept, (int)row.Decided);
    }

    private sealed record BacklogRow(long Open, double? OldestHours);

    /// <summary>Cases open now (neither solved nor closed), with the median and oldest age in hours.</summary>
    private static async Task<(int Open, double? Median, double? Oldest)> BacklogAsync(PortalDbContext db, CaseFilter filter, int? teamId, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var filters = Filters(sql, filter, teamId);
        var nowAt = sql.At(now);
        var open = "c.\"Status\" NOT IN ('Solved', 'Closed')";
        var row = (await sql.Query<BacklogRow>($"""
            SELECT COUNT(*) AS "Open", MAX({MetricsSql.Real(sql.Minutes(nowAt, "c.\"CreatedAt\""))}) / 60.0 AS "OldestHours"
            FROM "Cases" AS c WHERE {open} {filters}
            """).ToListAsync(cancellationToken)).Single();
        if (row.Open == 0)
        {
            return (0, null, null);
        }
        var median = new MetricsSql(db);
        var medianFilters = Filters(median, filter, teamId);
        var age = MetricsSql.Real(median.Minutes(median.At(now), "c.\"CreatedAt\""));
        var offset = median.P(ReportingCalendar.RankIndex((int)row.Open, 0.5));
        var value = await median.Query<double>($"""SELECT {age} / 60.0 AS "Value" FROM "Cases" AS c WHERE {open} {medianFilters} ORDER BY 1 LIMIT 1 OFFSET {offset}""").ToListAsync(cancellationToken);
        return ((int)row.Open, value.Count == 0 ? null : Math.Round(value[0], 1), row.OldestHours is { } o ? Math.Round(o, 1) : null);
    }

    private static async Task<double?> PercentileAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, CaseFilter filter, int? teamId,
        string column, int count, double p, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return null;
        }
        var sql = new MetricsSql(db);
        var value = sql.Minutes($"c.\"{column}\"", "c.\"CreatedAt\"");
        var where = Where(sql, from, to, filter, teamId);
        var offset = sql.P(ReportingCalendar.RankIndex(count, p));
        var result = await sql.Query<double>($"""SELECT {MetricsSql.Real(value)} AS "Value" FROM "Cases" AS c WHERE {where} AND c."{column}" IS NOT NULL ORDER BY 1 LIMIT 1 OFFSET {offset}""")
            .ToListAsync(cancellationToken);
        return result.Count == 0 ? null : Math.Round(result[0], 1);
    }

    private static async Task<double?> MeanAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, CaseFilter filter, int? teamId, string column, CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var where = Where(sql, from, to, filter, teamId);
        var result = await sql.Query<double?>($"""SELECT AVG({MetricsSql.Real(sql.Minutes($"c.\"{column}\"", "c.\"CreatedAt\""))}) AS "Value" FROM "Cases" AS c WHERE {where} AND c."{column}" IS NOT NULL""")
            .ToListAsync(cancellationToken);
        return result.Count == 0 || result[0] is null ? null : Math.Round(result[0]!.Value, 1);
    }

    private static string Where(MetricsSql sql, DateTimeOffset from, DateTimeOffset to, CaseFilter filter, int? teamId) =>
        $"""c."CreatedAt" >= {sql.At(from)} AND c."CreatedAt" < {sql.At(to)} {Filters(sql, filter, teamId)}""";

    private static string Filters(MetricsSql sql, CaseFilter filter, int? teamId)
    {
        var parts = new List<string> { "AND c.\"MergedIntoNumber\" IS NULL" };
        if (filter.Region is { } region)
        {
            parts.Add($"AND c.\"Region\" = {sql.P(region.ToString())}");
        }
        if (teamId is { } team)
        {
            parts.Add($"AND c.\"TeamId\" = {sql.P(team)}");
        }
        if (filter.Category is { } category)
        {
            parts.Add($"AND c.\"Category\" = {sql.P(category)}");
        }
        if (filter.Channel is { } channel)
        {
            parts.Add($"AND c.\"Channel\" = {sql.P(channel.ToString())}");
        }
        if (filter.Priority is { } priority)
        {
            parts.Add($"AND c.\"Priority\" = {sql.P(priority.ToString())}");
        }
        if (filter.AssigneeId is { } person)
        {
            parts.Add($"AND c.\"AssigneeId\" = {sql.P(person)}");
        }
        return string.Join(' ', parts);
    }

    private static double? Mean(double total, int count) => count == 0 ? null : Math.Round(total / count, 1);
}
