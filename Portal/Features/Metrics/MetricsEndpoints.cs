using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Admin;

namespace Portal.Features.Metrics;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class MetricsModule
{
    public static void MapMetricsModule(this WebApplication app)
    {
        var api = app.MapApi("/api/metrics", PortalPolicies.Engineer, "Metrics");
        api.MapGet("", async (MetricsService metrics, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, string? region, string? team, string? service,
            string? severity, CancellationToken ct) =>
        {
            var (start, end, filter) = Query(clock, from, to, region, team, service, severity);
            return await AnswerAsync(metrics, start, end, filter, ct);
        }).WithSummary("Every figure for a period (default the last 28 days) and filter, with its weekly trend (ISO weeks in the reporting zone).");
        api.MapGet("/csv", async (MetricsService metrics, TimeProvider clock, string? table, DateTimeOffset? from, DateTimeOffset? to, string? region, string? team, string? service,
            string? severity, CancellationToken ct) =>
        {
            var (start, end, filter) = Query(clock, from, to, region, team, service, severity);
            var answer = await AnswerAsync(metrics, start, end, filter, ct);
            return MetricsExport.DashboardCsv(answer.Figures, answer.Weekly, table ?? "") is { } csv
                ? Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"metrics-{table}.csv")
                : Results.ValidationProblem(new Dictionary<string, string[]> { ["table"] = [$"Ask for one of: {string.Join(", ", MetricsExport.DashboardTables)}."] });
        }).WithSummary("A dashboard table as CSV: regions, services or trend.");
        api.MapGet("/cases", (CaseMetricsService cases, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, string? region, string? team, string? category,
            Shared.Cases.CaseChannel? channel, Shared.Cases.CasePriority? priority, CancellationToken ct) =>
        {
            var end = to ?? clock.GetUtcNow();
            return cases.FiguresAsync(from ?? end.AddDays(-28), end, new CaseFilter(Regions.ParseFilter(region), team, category, channel, priority), ct);
        }).WithSummary("Case KPIs for a period (default the last 28 days): volume, first reply and resolution times, one-touch and no-follow-up resolution, reopen rate, SLA attainment, CSAT and response rate, backlog, and breakdowns by region, team, category, channel and priority.");
        api.MapGet("/wbr", (ReviewPackService packs, string? week, CancellationToken ct) => packs.WbrAsync(week, ct))
            .WithSummary("The weekly business review of an ISO week (week=2026-W47; default the last complete week).");
        api.MapGet("/mbr", (ReviewPackService packs, string? month, CancellationToken ct) => packs.MbrAsync(month, ct))
            .WithSummary("The monthly business review of a month (month=2026-11; default the current month, to date).");
        foreach (var kind in new[] { "wbr", "mbr" })
        {
            api.MapGet($"/{kind}/markdown", async (ReviewPackService packs, string? week, string? month, CancellationToken ct) =>
            {
                var pack = kind == "wbr" ? await packs.WbrAsync(week, ct) : await packs.MbrAsync(month, ct);
                return Results.File(System.Text.Encoding.UTF8.GetBytes(MetricsExport.Markdown(pack)), "text/markdown; charset=utf-8", $"{kind}-{pack.Period.Name}.md");
            }).WithSummary($"The {kind.ToUpperInvariant()} as Markdown.");
            api.MapGet($"/{kind}/csv", async (ReviewPackService packs, string? week, string? month, string? table, CancellationToken ct) =>
            {
                var pack = kind == "wbr" ? await packs.WbrAsync(week, ct) : await packs.MbrAsync(month, ct);
                return MetricsExport.PackCsv(pack, table ?? "") is { } csv
                    ? Results.File(System.Text.Encoding.UTF8.GetBytes(csv), "text/csv; charset=utf-8", $"{kind}-{pack.Period.Name}-{table}.csv")
                    : Results.ValidationProblem(new Dictionary<string, string[]> { ["table"] = [$"Ask for one of: {string.Join(", ", MetricsExport.PackTables)}."] });
            }).WithSummary($"A table of the {kind.ToUpperInvariant()} as CSV: summary, regions, trend, sev1 or actions.");
        }
    }

    /// <summary>The dashboard's figures and the weekly trend of the ISO weeks the period touches.</summary>
    public static async Task<MetricsAnswer> AnswerAsync(MetricsService metrics, DateTimeOffset from, DateTimeOffset to, MetricsFilter filter, CancellationToken ct)
    {
        var figures = await metrics.FiguresAsync(from, to, filter, ct);
        var first = Shared.Metrics.ReportingCalendar.WeekOf(from, metrics.Zone);
        var last = Shared.Metrics.ReportingCalendar.WeekOf(to.AddTicks(-1), metrics.Zone);
        var weeks = new List<Shared.Metrics.ReportingPeriod> { first };
        while (weeks[^1].Name != last.Name && weeks.Count < 60)
        {
            weeks.Add(Shared.Metrics.ReportingCalendar.Shift(weeks[^1], 1, metrics.Zone));
        }
        return new MetricsAnswer(figures, await metrics.TrendAsync(weeks, filter, ct));
    }

    private static (DateTimeOffset From, DateTimeOffset To, MetricsFilter Filter) Query(TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, string? region, string? team,
        string? service, string? severity)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-28);
        RegionCode? code = null;
        if (!string.IsNullOrWhiteSpace(region))
        {
            code = Regions.TryParse(region, out var parsed) ? parsed : throw new ValidationException("region", Regions.NotARegion(region));
        }
        List<Severity>? severities = null;
        if (!string.IsNullOrWhiteSpace(severity))
        {
            severities = [];
            foreach (var word in severity.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                severities.Add(Enum.TryParse<Severity>(word, true, out var s) && Enum.IsDefined(s) && !int.TryParse(word, out _)
                    ? s : throw new ValidationException("severity", $"'{word}' is not a severity (SEV1 to SEV5)."));
            }
        }
        return (start, end, new MetricsFilter(code, team, service, severities));
    }
}
