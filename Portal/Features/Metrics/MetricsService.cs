using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Features.OnCall;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Metrics;
using Portal.Shared.Rca;

namespace Portal.Features.Metrics;

/// <summary>The <c>Metrics</c> section.</summary>
public sealed class MetricsOptions
{
    /// <summary>IANA zone whose midnights and Mondays bound days, weeks and months in reports (default UTC).</summary>
    public string ReportingZone { get; set; } = "UTC";
}

/// <summary>Which incidents a figure is about: any of region, team (slug), service (slug), severities.</summary>
public sealed record MetricsFilter(RegionCode? Region = null, string? Team = null, string? Service = null, IReadOnlyList<Severity>? Severities = null);

/// <summary>A duration's mean, median and 90th percentile (nearest rank) in minutes, over <see cref="Count"/> incidents.</summary>
public sealed record DurationStat(int Count, double? Mean, double? P50, double? P90);

/// <summary>How many of the decided cases met the goal.</summary>
public sealed record Rate(int Met, int Of)
{
    public double? Percent => Of == 0 ? null : Math.Round(100.0 * Met / Of, 1);
}

public sealed record RegionFigures(RegionCode Region, int Incidents, int Sev1, double? MttaMean, double? MttrMean, Rate Acknowledge, Rate Mitigate, int Breaches,
    long Advertisers, double RevenueUsd);

public sealed record ServiceFigures(string Slug, string Name, int Incidents, long Advertisers, double RevenueUsd);

/// <summary>Every figure of one period, computed in the database.</summary>
public sealed record Figures(
    DateTimeOffset From, DateTimeOffset To, int Incidents, IReadOnlyDictionary<Severity, int> BySeverity,
    DurationStat Mtta, DurationStat Mttr, Rate Acknowledge, Rate Mitigate, int AcknowledgeBreaches, int MitigateBreaches,
    int Recurring, double? RecurrenceRate, int RecurredAfterFix, Rate RcaOnTime, Rate ActionsOnTime, int ActionsOverdue,
    int Pages, int OffHoursPages, int Shifts, double? PagesPerShift,
    int Alerts, int AlertEvents, int AlertedIncidents, double? AlertsPerIncident, int AlertsJoinedOpenIncident,
    long Advertisers, double RevenueUsd, IReadOnlyList<ServiceFigures> TopByIncidents, IReadOnlyList<ServiceFigures> TopByImpact,
    IReadOnlyList<RegionFigures> ByRegion);

/// <summary>One bucket (a week or a month) of a trend: the figures one grouped query gives.</summary>
public sealed record TrendPoint(string Name, DateTimeOffset From, DateTimeOffset To, int Incidents, IReadOnlyDictionary<Severity, int> BySeverity,
    double? MttaMean, double? MttrMean, Rate Acknowledge, Rate Mitigate, int Breaches, long Advertisers, double RevenueUsd,
    IReadOnlyDictionary<RegionCode, int> ByRegion);

/// <summary>
/// Operational metrics for any period and filter: counts, MTTA/MTTR (mean, p50, p90), SLA attainment, breaches,
/// recurrence, RCA and action-item timeliness, on-call pages, alert noise, top services and customer impact. Incident
/// figures are aggregate queries (grouped sums and counts, percentiles by ordered offset), never a read of every row.
/// </summary>
public sealed class MetricsService(IDbContextFactory<PortalDbContext> factory, OnCallService oncall, MetricsOptions options, TimeProvider clock)
{
    public const int MaxDays = 400;

    public DateTimeZone Zone { get; } = TimeZones.GetOrUtc(options.ReportingZone);

    public async Task<Figures> FiguresAsync(DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, CancellationToken cancellationToken = default)
    {
        Check(from, to);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = await IdsAsync(db, filter, cancellationToken);
        var groups = await GroupsAsync(db, [from, to], filter, ids, cancellationToken);
        var now = clock.GetUtcNow();

        var acknowledged = (int)groups.Sum(g => g.Acknowledged);
        var resolved = (int)groups.Sum(g => g.Resolved);
        var mtta = new DurationStat(acknowledged, Mean(groups.Sum(g => g.AckMinutes ?? 0), acknowledged),
            await PercentileAsync(db, from, to, filter, ids, "AcknowledgedAt", acknowledged, 0.5, cancellationToken),
            await PercentileAsync(db, from, to, filter, ids, "AcknowledgedAt", acknowledged, 0.9, cancellationToken));
        var mttr = new DurationStat(resolved, Mean(groups.Sum(g => g.ResolveMinutes ?? 0), resolved),
            await PercentileAsync(db, from, to, filter, ids, "ResolvedAt", resolved, 0.5, cancellationToken),
            await PercentileAsync(db, from, to, filter, ids, "ResolvedAt", resolved, 0.9, cancellationToken));
        var incidents = (int)groups.Sum(g => g.Incidents);

        var recurrence = await RecurrenceAsync(db, from, to, filter, ids, cancellationToken);
        var rcas = await RcaOnTimeAsync(db, from, to, filter, ids, now, cancellationToken);
        var (actionsOnTime, overdue) = await ActionsAsync(db, from, to, filter, ids, now, cancellationToken);
        var (pages, offHours, shifts) = await PagesAsync(db, from, to, filter, ids, cancellationToken);
        var noise = await NoiseAsync(db, from, to, filter, ids, cancellationToken);
        var services = await ServicesAsync(db, from, to, filter, ids, cancellationToken);

        return new Figures(from, to, incidents, BySeverity(groups), mtta, mttr,
            new Rate((int)groups.Sum(g => g.AckMet), (int)groups.Sum(g => g.AckEligible)), new Rate((int)groups.Sum(g => g.MitMet), (int)groups.Sum(g => g.MitEligible)),
            (int)groups.Sum(g => g.AckBreaches), (int)groups.Sum(g => g.MitBreaches),
            (int)recurrence.Recurring, incidents == 0 ? null : Math.Round(100.0 * recurrence.Recurring / incidents, 1), (int)(recurrence.AfterFix ?? 0),
            rcas, actionsOnTime, overdue, pages, offHours, shifts, shifts == 0 ? null : Math.Round((double)pages / shifts, 2),
            (int)noise.Alerts, (int)noise.Events, (int)noise.Incidents, noise.Incidents == 0 ? null : Math.Round((double)noise.Alerts / noise.Incidents, 2), (int)(noise.Joined ?? 0),
            groups.Sum(g => g.Advertisers), Math.Round(groups.Sum(g => g.Revenue), 2),
            [.. services.OrderByDescending(s => s.Incidents).ThenBy(s => s.Name).Take(5)],
            [.. services.Where(s => s.RevenueUsd > 0 || s.Advertisers > 0).OrderByDescending(s => s.RevenueUsd).ThenByDescending(s => s.Advertisers).Take(5)],
            [.. groups.GroupBy(g => g.Region).Select(g => Region(Enum.Parse<RegionCode>(g.Key), [.. g])).OrderBy(r => r.Region)]);
    }

    /// <summary>The figures of consecutive periods (weeks or months), oldest first, in one query.</summary>
    public async Task<IReadOnlyList<TrendPoint>> TrendAsync(IReadOnlyList<ReportingPeriod> periods, MetricsFilter filter, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = await IdsAsync(db, filter, cancellationToken);
        var rows = (await TrendRowsAsync(db, periods, filter, ids, cancellationToken)).ToDictionary(r => r.Bucket);
        return [.. periods.Select((p, i) =>
        {
            var r = rows[i];
            return new TrendPoint(p.Name, p.Start, p.End, (int)r.Incidents, r.BySeverity(),
                Mean(r.AckMinutes ?? 0, (int)r.Acknowledged), Mean(r.ResolveMinutes ?? 0, (int)r.Resolved),
                new Rate((int)r.AckMet, (int)r.AckEligible), new Rate((int)r.MitMet, (int)r.MitEligible),
                (int)(r.AckBreaches + r.MitBreaches), r.Advertisers, Math.Round(r.Revenue, 2), r.ByRegion());
        })];
    }

    internal static void Check(DateTimeOffset from, DateTimeOffset to)
    {
        if (to <= from)
        {
            throw new ValidationException("to", "The period must end after it starts.");
        }
        if (to - from > TimeSpan.FromDays(MaxDays))
        {
            throw new ValidationException("to", $"Ask for at most {MaxDays} days at a time.");
        }
    }

    private static RegionFigures Region(RegionCode region, IReadOnlyList<GroupRow> rows)
    {
        var ack = rows.Sum(g => g.Acknowledged);
        var res = rows.Sum(g => g.Resolved);
        return new RegionFigures(region, (int)rows.Sum(g => g.Incidents), (int)rows.Where(g => g.Severity == (int)Severity.SEV1).Sum(g => g.Incidents),
            Mean(rows.Sum(g => g.AckMinutes ?? 0), (int)ack), Mean(rows.Sum(g => g.ResolveMinutes ?? 0), (int)res),
            new Rate((int)rows.Sum(g => g.AckMet), (int)rows.Sum(g => g.AckEligible)), new Rate((int)rows.Sum(g => g.MitMet), (int)rows.Sum(g => g.MitEligible)),
            (int)rows.Sum(g => g.AckBreaches + g.MitBreaches), rows.Sum(g => g.Advertisers), Math.Round(rows.Sum(g => g.Revenue), 2));
    }

    private static Dictionary<Severity, int> BySeverity(IEnumerable<GroupRow> rows) =>
        rows.GroupBy(g => (Severity)g.Severity).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => (int)g.Sum(x => x.Incidents));

    private static double? Mean(double total, int count) => count == 0 ? null : Math.Round(total / count, 1);

    /// <summary>The team and service ids of the filter's slugs; an unknown slug is a 400.</summary>
    private static async Task<(int? Team, int? Service)> IdsAsync(PortalDbContext db, MetricsFilter filter, CancellationToken cancellationToken)
    {
        int? team = null, service = null;
        if (!string.IsNullOrWhiteSpace(filter.Team))
        {
            team = await db.Teams.Where(t => t.Slug == filter.Team.Trim().ToLower()).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("team", $"There is no team \"{filter.Team}\".");
        }
        if (!string.IsNullOrWhiteSpace(filter.Service))
        {
            service = await db.Services.Where(s => s.Slug == filter.Service.Trim().ToLower()).Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("service", $"There is no service \"{filter.Service}\".");
        }
        return (team, service);
    }

    /// <summary>The WHERE conditions on incidents (alias i) for the filter, with or without the period.</summary>
    private static string Where(MetricsSql sql, DateTimeOffset? from, DateTimeOffset? to, MetricsFilter filter, (int? Team, int? Service) ids)
    {
        var conditions = new List<string>();
        if (from is { } f && to is { } t)
        {
            conditions.Add($"i.\"TriggeredAt\" >= {sql.At(f)} AND i.\"TriggeredAt\" < {sql.At(t)}");
        }
        if (filter.Region is { } region)
        {
            conditions.Add($"i.\"Region\" = {sql.P(region.ToString())}");
        }
        if (ids.Team is { } team)
        {
            conditions.Add($"i.\"TeamId\" = {sql.P(team)}");
        }
        if (ids.Service is { } service)
        {
            conditions.Add($"i.\"ServiceId\" = {sql.P(service)}");
        }
        if (filter.Severities is { Count: > 0 } severities)
        {
            conditions.Add($"i.\"Severity\" IN ({string.Join(", ", severities.Select(s => (int)s))})");
        }
        return conditions.Count == 0 ? "1 = 1" : string.Join(" AND ", conditions);
    }

    private static bool Filtered(MetricsFilter filter) =>
        filter.Region is not null || !string.IsNullOrWhiteSpace(filter.Team) || !string.IsNullOrWhiteSpace(filter.Service) || filter.Severities is { Count: > 0 };

    private static async Task<List<GroupRow>> GroupsAsync(PortalDbContext db, List<DateTimeOffset> boundaries, MetricsFilter filter, (int? Team, int? Service) ids,
        CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var aggregates = Aggregates(sql, await db.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken));
        var bucket = sql.Bucket("i.\"TriggeredAt\"", boundaries);
        var query = $"""
            SELECT {bucket} AS "Bucket", i."Severity" AS "Severity", i."Region" AS "Region", {aggregates}
            FROM "Incidents" AS i
            WHERE {Where(sql, boundaries[0], boundaries[^1], filter, ids)}
            GROUP BY 1, 2, 3
            """;
        return await sql.Query<GroupRow>(query).ToListAsync(cancellationToken);
    }

    /// <summary>
    /// One row a period: an aggregate over each period's range of the metrics index, joined by UNION ALL, with the
    /// severities and regions as conditional counts. Not one GROUP BY over the whole range: SQLite has no hash
    /// aggregation and sorted every incident of the year first (the MBR's 12-month trend at 1M incidents: 0.9 s).
    /// </summary>
    private static async Task<List<TrendRow>> TrendRowsAsync(PortalDbContext db, IReadOnlyList<ReportingPeriod> periods, MetricsFilter filter,
        (int? Team, int? Service) ids, CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var aggregates = Aggregates(sql, await db.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken));
        var counts = string.Join(", ", TrendRow.Severities.Select(v => $"COALESCE(SUM(CASE WHEN i.\"Severity\" = {(int)v} THEN 1 ELSE 0 END), 0) AS \"{v}\"")
            .Concat(TrendRow.Regions.Select(r => $"COALESCE(SUM(CASE WHEN i.\"Region\" = '{r}' THEN 1 ELSE 0 END), 0) AS \"{r}\"")));
        var query = string.Join("\nUNION ALL\n", periods.Select((p, i) => $"""
            SELECT CAST({i} AS BIGINT) AS "Bucket", {aggregates}, {counts}
            FROM "Incidents" AS i
            WHERE {Where(sql, p.Start, p.End, filter, ids)}
            """));
        return await sql.Query<TrendRow>(query).ToListAsync(cancellationToken);
    }

    /// <summary>The aggregate columns of <see cref="GroupRow"/> and <see cref="TrendRow"/> over incidents (alias i).</summary>
    private static string Aggregates(MetricsSql sql, IReadOnlyList<SlaPolicy> targets)
    {
        string With(Func<SlaPolicy, int?> target)
        {
            var severities = targets.Where(t => target(t) is not null).Select(t => (int)t.Severity).ToList();
            return severities.Count == 0 ? "1 = 0" : $"i.\"Severity\" IN ({string.Join(", ", severities)})";
        }
        var ackBreached = sql.IsTrue("i.\"AcknowledgeBreached\"");
        var mitBreached = sql.IsTrue("i.\"MitigateBreached\"");
        const string ackStopped = "(i.\"AcknowledgedAt\" IS NOT NULL OR i.\"MitigatedAt\" IS NOT NULL OR i.\"ResolvedAt\" IS NOT NULL)";
        const string mitStopped = "(i.\"MitigatedAt\" IS NOT NULL OR i.\"ResolvedAt\" IS NOT NULL)";
        var (ackTarget, mitTarget) = (With(t => t.AcknowledgeMinutes), With(t => t.MitigateMinutes));
        // COALESCE: an empty period is one row of a trend, where SUM is NULL.
        return $"""
            COUNT(*) AS "Incidents",
              COUNT(i."AcknowledgedAt") AS "Acknowledged",
              {MetricsSql.Real($"SUM({sql.Minutes("i.\"AcknowledgedAt\"", "i.\"TriggeredAt\"")})")} AS "AckMinutes",
              COUNT(i."ResolvedAt") AS "Resolved",
              {MetricsSql.Real($"SUM({sql.Minutes("i.\"ResolvedAt\"", "i.\"TriggeredAt\"")})")} AS "ResolveMinutes",
              COALESCE(SUM(CASE WHEN {ackTarget} AND ({ackStopped} OR {ackBreached}) THEN 1 ELSE 0 END), 0) AS "AckEligible",
              COALESCE(SUM(CASE WHEN {ackTarget} AND {ackStopped} AND NOT ({ackBreached}) THEN 1 ELSE 0 END), 0) AS "AckMet",
              COALESCE(SUM(CASE WHEN {mitTarget} AND ({mitStopped} OR {mitBreached}) THEN 1 ELSE 0 END), 0) AS "MitEligible",
              COALESCE(SUM(CASE WHEN {mitTarget} AND {mitStopped} AND NOT ({mitBreached}) THEN 1 ELSE 0 END), 0) AS "MitMet",
              COALESCE(SUM(CASE WHEN {ackBreached} THEN 1 ELSE 0 END), 0) AS "AckBreaches",
              COALESCE(SUM(CASE WHEN {mitBreached} THEN 1 ELSE 0 END), 0) AS "MitBreaches",
              CAST(COALESCE(SUM({sql.Advertisers("i")}), 0) AS BIGINT) AS "Advertisers",
              {MetricsSql.Real("COALESCE(SUM(COALESCE(i.\"RevenueAtRiskUsd\", 0)), 0)")} AS "Revenue"
            """;
    }

    /// <summary>The nearest-rank percentile of trigger → <paramref name="column"/> in minutes: one ordered, offset read.</summary>
    private static async Task<double?> PercentileAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, (int? Team, int? Service) ids,
        string column, int count, double p, CancellationToken cancellationToken)
    {
        if (count == 0)
        {
            return null;
        }
        var sql = new MetricsSql(db);
        var value = sql.Minutes($"i.\"{column}\"", "i.\"TriggeredAt\"");
        var where = Where(sql, from, to, filter, ids);
        var offset = sql.P(ReportingCalendar.RankIndex(count, p));
        var query = $"""SELECT {MetricsSql.Real(value)} AS "Value" FROM "Incidents" AS i WHERE {where} AND i."{column}" IS NOT NULL ORDER BY 1 LIMIT 1 OFFSET {offset}""";
        var result = await sql.Query<double>(query).ToListAsync(cancellationToken);
        return result.Count == 0 ? null : Math.Round(result[0], 1);
    }

    private static async Task<RecurrenceRow> RecurrenceAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, (int? Team, int? Service) ids,
        CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var where = Where(sql, from, to, filter, ids);
        var query = $"""
            SELECT COUNT(*) AS "Recurring", SUM(CASE WHEN {sql.IsTrue("f.\"RecurredAfterFix\"")} THEN 1 ELSE 0 END) AS "AfterFix"
            FROM "Incidents" AS i JOIN "FamilyMembers" AS f ON f."IncidentNumber" = i."Number"
            WHERE {where} AND EXISTS (SELECT 1 FROM "FamilyMembers" AS e WHERE e."FamilyId" = f."FamilyId" AND e."IncidentNumber" < i."Number")
            """;
        return (await sql.Query<RecurrenceRow>(query).ToListAsync(cancellationToken)).Single();
    }

    /// <summary>RCAs due in the period that are decided (published, or past due): published by their due time.</summary>
    private static async Task<Rate> RcaOnTimeAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, (int? Team, int? Service) ids,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var scope = Filtered(filter)
            ? $"AND EXISTS (SELECT 1 FROM \"RcaIncidents\" AS ri JOIN \"Incidents\" AS i ON i.\"Number\" = ri.\"IncidentNumber\" WHERE ri.\"RcaId\" = r.\"Id\" AND {Where(sql, null, null, filter, ids)})"
            : "";
        var query = $"""
            SELECT COUNT(*) AS "Of", SUM(CASE WHEN r."PublishedAt" IS NOT NULL AND r."PublishedAt" <= r."DueAt" THEN 1 ELSE 0 END) AS "Met"
            FROM "Rcas" AS r
            WHERE r."DueAt" >= {sql.At(from)} AND r."DueAt" < {sql.At(to)} AND (r."PublishedAt" IS NOT NULL OR r."DueAt" < {sql.At(now)}) {scope}
            """;
        var row = (await sql.Query<RateRow>(query).ToListAsync(cancellationToken)).Single();
        return new Rate((int)(row.Met ?? 0), (int)row.Of);
    }

    /// <summary>Action items due in the period whose due day has ended or that are closed: closed by the end of the due day (UTC). And overdue now.</summary>
    private static async Task<(Rate OnTime, int Overdue)> ActionsAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, (int? Team, int? Service) ids,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var (first, last) = (DateOnly.FromDateTime(from.UtcDateTime), DateOnly.FromDateTime(to.UtcDateTime));
        var sql = new MetricsSql(db);
        var scope = Filtered(filter)
            ? $"AND EXISTS (SELECT 1 FROM \"RcaIncidents\" AS ri JOIN \"Incidents\" AS i ON i.\"Number\" = ri.\"IncidentNumber\" WHERE ri.\"RcaId\" = a.\"RcaId\" AND {Where(sql, null, null, filter, ids)})"
            : "";
        var query = $"""
            SELECT COUNT(*) AS "Of", SUM(CASE WHEN a."ClosedAt" IS NOT NULL AND a."ClosedAt" < {sql.EndOfDay("a.\"DueDate\"")} THEN 1 ELSE 0 END) AS "Met"
            FROM "ActionItems" AS a
            WHERE a."DueDate" >= {sql.P(first)} AND a."DueDate" < {sql.P(last)} AND (a."ClosedAt" IS NOT NULL OR a."DueDate" < {sql.P(today)}) {scope}
            """;
        var row = (await sql.Query<RateRow>(query).ToListAsync(cancellationToken)).Single();
        var overdue = new MetricsSql(db);
        var overdueScope = Filtered(filter)
            ? $"AND EXISTS (SELECT 1 FROM \"RcaIncidents\" AS ri JOIN \"Incidents\" AS i ON i.\"Number\" = ri.\"IncidentNumber\" WHERE ri.\"RcaId\" = a.\"RcaId\" AND {Where(overdue, null, null, filter, ids)})"
            : "";
        var count = await overdue.Query<CountRow>($"""
            SELECT COUNT(*) AS "Count" FROM "ActionItems" AS a WHERE a."Status" = {overdue.P(nameof(ActionStatus.Open))} AND a."DueDate" < {overdue.P(today)} {overdueScope}
            """).ToListAsync(cancellationToken);
        return (new Rate((int)(row.Met ?? 0), (int)row.Of), (int)count.Single().Count);
    }

    /// <summary>
    /// Pages of the period (about incidents the filter keeps, when it keeps some): counted, and placed in each paged
    /// person's zone to tell off-hours ones; on-call shifts from the schedules (the team's, when filtered by team).
    /// </summary>
    private async Task<(int Pages, int OffHours, int Shifts)> PagesAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter,
        (int? Team, int? Service) ids, CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var scope = Filtered(filter)
            ? $"AND EXISTS (SELECT 1 FROM \"Incidents\" AS i WHERE i.\"Number\" = n.\"IncidentNumber\" AND {Where(sql, null, null, filter, ids)})"
            : "";
        var query = $"""
            SELECT p."TimeZone" AS "Zone", {sql.EpochSeconds("n.\"CreatedAt\"")} AS "Epoch"
            FROM "Notifications" AS n JOIN "People" AS p ON p."Id" = n."PersonId"
            WHERE n."Kind" = {sql.P(nameof(Shared.OnCall.NotificationKind.Page))} AND n."CreatedAt" >= {sql.At(from)} AND n."CreatedAt" < {sql.At(to)} {scope}
            """;
        var pages = await sql.Query<PageRow>(query).ToListAsync(cancellationToken);
        var offHours = pages.Count(p => Shared.OnCall.OffHours.IsOffHours(Instant.FromUnixTimeTicks((long)Math.Round(p.Epoch * 10_000_000)), TimeZones.GetOrUtc(p.Zone)));
        var schedules = await db.Schedules.AsNoTracking().Where(s => ids.Team == null || s.TeamId == ids.Team).Select(s => s.Id).ToListAsync(cancellationToken);
        var shifts = 0;
        foreach (var id in schedules)
        {
            shifts += (await oncall.ShiftsAsync(id, from, to, cancellationToken)).Shifts.Count;
        }
        return (pages.Count, offHours, shifts);
    }

    /// <summary>Alerts first seen in the period: how many, how many events, how many incidents they belong to, and how many joined an incident already open.</summary>
    private static async Task<NoiseRow> NoiseAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, (int? Team, int? Service) ids,
        CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var query = $"""
            SELECT COUNT(*) AS "Alerts", COALESCE(SUM(a."Count"), 0) AS "Events", COUNT(DISTINCT a."IncidentNumber") AS "Incidents",
              SUM(CASE WHEN a."FirstSeenAt" > i."TriggeredAt" THEN 1 ELSE 0 END) AS "Joined"
            FROM "Alerts" AS a JOIN "Incidents" AS i ON i."Number" = a."IncidentNumber"
            WHERE a."FirstSeenAt" >= {sql.At(from)} AND a."FirstSeenAt" < {sql.At(to)} AND {Where(sql, null, null, filter, ids)}
            """;
        return (await sql.Query<NoiseRow>(query).ToListAsync(cancellationToken)).Single();
    }

    private static async Task<List<ServiceFigures>> ServicesAsync(PortalDbContext db, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, (int? Team, int? Service) ids,
        CancellationToken cancellationToken)
    {
        var sql = new MetricsSql(db);
        var query = $"""
            SELECT i."ServiceId" AS "ServiceId", COUNT(*) AS "Incidents", CAST(SUM({sql.Advertisers("i")}) AS BIGINT) AS "Advertisers",
              {MetricsSql.Real("SUM(COALESCE(i.\"RevenueAtRiskUsd\", 0))")} AS "Revenue"
            FROM "Incidents" AS i
            WHERE {Where(sql, from, to, filter, ids)} AND i."ServiceId" IS NOT NULL
            GROUP BY i."ServiceId"
            """;
        var rows = await sql.Query<ServiceRow>(query).ToListAsync(cancellationToken);
        var names = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => (s.Slug, s.Name), cancellationToken);
        return [.. rows.Where(r => names.ContainsKey(r.ServiceId))
            .Select(r => new ServiceFigures(names[r.ServiceId].Slug, names[r.ServiceId].Name, (int)r.Incidents, r.Advertisers, Math.Round(r.Revenue, 2)))];
    }

    private sealed record GroupRow(long Bucket, int Severity, string Region, long Incidents, long Acknowledged, double? AckMinutes, long Resolved, double? ResolveMinutes,
        long AckEligible, long AckMet, long MitEligible, long MitMet, long AckBreaches, long MitBreaches, long Advertisers, double Revenue);

    /// <summary>A trend's period: the aggregates of <see cref="GroupRow"/>, and a count for each severity and region.</summary>
    private sealed record TrendRow(long Bucket, long Incidents, long Acknowledged, double? AckMinutes, long Resolved, double? ResolveMinutes,
        long AckEligible, long AckMet, long MitEligible, long MitMet, long AckBreaches, long MitBreaches, long Advertisers, double Revenue,
        long SEV1, long SEV2, long SEV3, long SEV4, long SEV5, long US, long EU, long JP, long MX, long AU)
    {
        public static readonly Severity[] Severities = Enum.GetValues<Severity>();
        public static readonly RegionCode[] Regions = Enum.GetValues<RegionCode>();

        /// <summary>The counts by severity that occurred, as grouped rows would give them (a new severity needs its column here).</summary>
        public Dictionary<Severity, int> BySeverity() => Occurred(Severities, v => v switch
        {
            Severity.SEV1 => SEV1, Severity.SEV2 => SEV2, Severity.SEV3 => SEV3, Severity.SEV4 => SEV4, Severity.SEV5 => SEV5,
            _ => throw new InvalidOperationException($"The trend has no column for {v}."),
        });

        public Dictionary<RegionCode, int> ByRegion() => Occurred(Regions, r => r switch
        {
            RegionCode.US => US, RegionCode.EU => EU, RegionCode.JP => JP, RegionCode.MX => MX, RegionCode.AU => AU,
            _ => throw new InvalidOperationException($"The trend has no column for {r}."),
        });

        private static Dictionary<T, int> Occurred<T>(T[] keys, Func<T, long> count) where T : notnull =>
            keys.Where(k => count(k) > 0).ToDictionary(k => k, k => (int)count(k));
    }

    private sealed record RecurrenceRow(long Recurring, long? AfterFix);

    private sealed record RateRow(long Of, long? Met);

    private sealed record CountRow(long Count);

    private sealed record PageRow(string Zone, double Epoch);

    private sealed record NoiseRow(long Alerts, long Events, long Incidents, long? Joined);

    private sealed record ServiceRow(int ServiceId, long Incidents, long Advertisers, double Revenue);
}
