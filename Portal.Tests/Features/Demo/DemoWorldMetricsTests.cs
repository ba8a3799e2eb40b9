using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Metrics;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Demo;

/// <summary>
/// The demo world is a newcomer's first look: every figure card of its last 28 days shows something plausible (no "—",
/// no zero, no 0% or 100% where real teams never sit), and the WBR's 13-week trend starts from a full week.
/// </summary>
public sealed class DemoWorldMetricsTests : IAsyncLifetime
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["Demo:History"] = "true" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask InitializeAsync()
    {
        _portal.AnonymousClient().Dispose();
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task EveryFigureCardOfTheLast28DaysIsPlausible()
    {
        using var scope = _portal.Services.CreateScope();
        var metrics = scope.ServiceProvider.GetRequiredService<MetricsService>();
        var now = _portal.Clock.GetUtcNow();
        var f = await metrics.FiguresAsync(now.AddDays(-28), now, new MetricsFilter(), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"Demo figures, last 28 days: {f.Incidents} incidents, MTTA {f.Mtta.Mean} min, MTTR {f.Mttr.Mean} min, "
            + $"ack SLA {f.Acknowledge.Percent}%, mitigate SLA {f.Mitigate.Percent}%, breaches {f.AcknowledgeBreaches + f.MitigateBreaches}, recurrence {f.RecurrenceRate}% "
            + $"({f.RecurredAfterFix} after the fix), RCAs on time {f.RcaOnTime.Met}/{f.RcaOnTime.Of}, actions on time {f.ActionsOnTime.Met}/{f.ActionsOnTime.Of} "
            + $"({f.ActionsOverdue} overdue), pages {f.Pages} ({f.OffHoursPages} off-hours), {f.AlertsPerIncident} alerts per alerted incident ({f.AlertsJoinedOpenIncident} joined), "
            + $"{f.Advertisers} advertisers, ${f.RevenueUsd:N0}");

        // Incidents, MTTA, MTTR, customer impact.
        Assert.InRange(f.Incidents, 60, 400);
        Assert.InRange(f.Mtta.Mean ?? 0, 1, 120);
        Assert.InRange(f.Mttr.Mean ?? 0, 10, 1_000);
        Assert.True(f.Advertisers > 0 && f.RevenueUsd > 0, $"impact {f.Advertisers} advertisers, ${f.RevenueUsd}");
        // SLA attainment and breaches: mostly met, some missed.
        Assert.InRange(f.Acknowledge.Percent ?? 0, 50, 99.9);
        Assert.InRange(f.Mitigate.Percent ?? 0, 30, 99.9);
        Assert.True(f.AcknowledgeBreaches + f.MitigateBreaches > 0);
        // Recurrence, some of it after the fix.
        Assert.InRange(f.RecurrenceRate ?? 0, 5, 65);
        Assert.True(f.RecurredAfterFix > 0, "nothing recurred after a fix");
        // RCAs and action items: a realistic mix of on time and late, and some overdue now.
        Assert.True(f.RcaOnTime.Of >= 4, $"only {f.RcaOnTime.Of} RCAs due in the period");
        Assert.InRange(f.RcaOnTime.Percent ?? 0, 40, 99.9);
        Assert.True(f.ActionsOnTime.Of >= 4, $"only {f.ActionsOnTime.Of} action items due in the period");
        Assert.InRange(f.ActionsOnTime.Percent ?? 0, 30, 99.9);
        Assert.True(f.ActionsOverdue > 0);
        // Pages and alert noise.
        Assert.True(f.Pages > 0 && f.OffHoursPages > 0, $"{f.Pages} pages, {f.OffHoursPages} off-hours");
        Assert.InRange(f.AlertsPerIncident ?? 0, 1.01, 10);
        Assert.True(f.AlertsJoinedOpenIncident > 0, "no alert joined an open incident");
    }

    [Fact]
    public async Task TheDemoCasesFiguresAreAlive()
    {
        using var scope = _portal.Services.CreateScope();
        var now = _portal.Clock.GetUtcNow();
        var f = await scope.ServiceProvider.GetRequiredService<CaseMetricsService>().FiguresAsync(now.AddDays(-28), now, new CaseFilter(), Ct);
        TestContext.Current.TestOutputHelper?.WriteLine($"Demo cases, last 28 days: {f.Opened} opened, CSAT {f.Csat.Percent}% of {f.Csat.Of}, one-touch {f.OneTouch.Percent}%, "
            + $"no follow-up {f.NoFollowUp.Percent}%, told first {f.ToldFirst.Met} of {f.ToldFirst.Of}");
        Assert.InRange(f.Opened, 100, 5_000);
        Assert.InRange(f.Csat.Percent ?? 0, 40, 99.9);
        Assert.InRange(f.OneTouch.Percent ?? 0, 10, 95);
        Assert.InRange(f.NoFollowUp.Percent ?? 0, 10, 99.9);
        // Some advertisers were told of incidents before they asked, and some asked first.
        Assert.True(f.ToldFirst.Met > 0 && f.ToldFirst.Of > f.ToldFirst.Met, $"told first {f.ToldFirst.Met} of {f.ToldFirst.Of}");
    }

    [Fact]
    public async Task TheWbrsThirteenWeekTrendStartsFromAFullWeek()
    {
        using var scope = _portal.Services.CreateScope();
        var wbr = await scope.ServiceProvider.GetRequiredService<ReviewPackService>().WbrAsync(null, Ct);

        Assert.Equal(13, wbr.Trend.Count);
        Assert.All(wbr.Trend, week => Assert.True(week.Incidents >= 10, $"{week.Name} has {week.Incidents} incidents"));
        Assert.NotNull(wbr.Trend[0].MttaMean);
        Assert.NotNull(wbr.Trend[0].Acknowledge.Percent);
    }
}
