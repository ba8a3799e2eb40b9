using Bunit;
using Portal.Features.Metrics;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Metrics;

public class MetricsComponentsTests : ComponentTestContext
{
    private static readonly DateTimeOffset From = new(2026, 10, 23, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static Figures Some(int incidents) => new(
        From, To, incidents, incidents == 0 ? new Dictionary<Severity, int>() : new Dictionary<Severity, int> { [Severity.SEV1] = 1, [Severity.SEV3] = incidents - 1 },
        new DurationStat(incidents, incidents == 0 ? null : 12.5, incidents == 0 ? null : 10, incidents == 0 ? null : 30),
        new DurationStat(incidents, incidents == 0 ? null : 250, incidents == 0 ? null : 200, incidents == 0 ? null : 600),
        new Rate(incidents, incidents), new Rate(0, 0), 2, 1, 0, incidents == 0 ? null : 0, 0, new Rate(1, 2), new Rate(0, 0), 3, 7, 4, 5, 1.4, 0, 0, 0, null, 0,
        120, 5400.5,
        incidents == 0 ? [] : [new ServiceFigures("payments", "Payments", incidents, 120, 5400.5)], [],
        incidents == 0 ? [] : [new RegionFigures(RegionCode.EU, incidents, 1, 12.5, 250, new Rate(incidents, incidents), new Rate(0, 0), 3, 120, 5400.5)]);

    private static IReadOnlyList<TrendPoint> Weeks(int incidents) =>
    [
        new("2026-W44", From, From.AddDays(7), incidents / 2, new Dictionary<Severity, int> { [Severity.SEV3] = incidents / 2 }, 10, 200, new Rate(1, 1), new Rate(0, 0), 1, 0, 0,
            new Dictionary<RegionCode, int>()),
        new("2026-W45", From.AddDays(7), From.AddDays(14), incidents - incidents / 2, new Dictionary<Severity, int> { [Severity.SEV1] = 1 }, 15, 300, new Rate(1, 2), new Rate(0, 0), 2, 120, 5400.5,
            new Dictionary<RegionCode, int>()),
    ];

    [Fact]
    public async Task TheDashboardShowsEveryFigureWithChartsAndDrillsDownToTheIncidents()
    {
        await SignInAsync(p => p.Role == Portal.Shared.Team.PortalRole.Manager);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<MetricsPage>(p => p.Add(x => x.Answer, new MetricsAnswer(Some(9), Weeks(9))));

        Assert.Contains("9", page.Find("[data-testid=metric-incidents]").TextContent, StringComparison.Ordinal);
        Assert.Contains("SEV1 1 · SEV3 8", page.Find("[data-testid=metric-incidents]").TextContent, StringComparison.Ordinal);
        Assert.Contains("12.5 min", page.Find("[data-testid=metric-mtta]").TextContent, StringComparison.Ordinal);
        Assert.Contains("p90 10 h", page.Find("[data-testid=metric-mttr]").TextContent, StringComparison.Ordinal);
        Assert.Contains("3 overdue now", page.Find("[data-testid=metric-actions]").TextContent, StringComparison.Ordinal);
        foreach (var chart in new[] { "chart-severity", "chart-times", "chart-sla" })
        {
            Assert.NotEmpty(page.FindAll($"[data-testid={chart}] svg"));
        }
        // Every figure opens the incidents behind it: the queue, every status, triggered in the period.
        Assert.Equal("/incidents?status=all&from=2026-10-23T09:00:00Z&to=2026-11-20T09:00:00Z", page.Find("[data-testid=drill-incidents]").GetAttribute("href"));
        Assert.EndsWith("&breached=true", page.Find("[data-testid=drill-breaches]").GetAttribute("href"), StringComparison.Ordinal);
        Assert.Contains(page.FindAll("[data-testid=metrics-regions] a"), a => a.GetAttribute("href")!.EndsWith("&region=EU", StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=metrics-empty]"));
    }

    [Fact]
    public async Task AnEmptyPeriodSaysSoAndDrawsNoCharts()
    {
        await SignInAsync(p => p.Role == Portal.Shared.Team.PortalRole.Manager);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<MetricsPage>(p => p.Add(x => x.Answer, new MetricsAnswer(Some(0), Weeks(0))));

        Assert.Contains("No incidents were triggered", page.Find("[data-testid=metrics-empty]").TextContent, StringComparison.Ordinal);
        Assert.Empty(page.FindAll("[data-testid=metrics-charts]"));
        Assert.Contains("—", page.Find("[data-testid=metric-mtta]").TextContent, StringComparison.Ordinal);
        Assert.NotEmpty(page.FindAll("[data-testid=metrics-rules]"));
    }

    [Fact]
    public async Task TheDashboardLoadsItsOwnFiguresFromTheDatabase()
    {
        await SignInAsync(p => p.Role == Portal.Shared.Team.PortalRole.Manager);
        Render<MudBlazor.MudPopoverProvider>();
        var page = Render<MetricsPage>();

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=metric-incidents]")));
        // The seeded world without history has no incidents.
        Assert.NotEmpty(page.FindAll("[data-testid=metrics-empty]"));
        Assert.Empty(page.FindAll("[data-testid=metrics-error]"));
    }
}
