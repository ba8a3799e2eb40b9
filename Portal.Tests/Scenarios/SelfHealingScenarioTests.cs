using Microsoft.EntityFrameworkCore;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Tests.Support;

namespace Portal.Tests.Scenarios;

/// <summary>
/// Self-healing on a fake clock, against the fake billing service: the renderer wedges, its alert fires, the portal
/// restarts it and waits for the alert to resolve before anyone is paged; when that fails it rolls back and pages.
/// </summary>
public sealed class SelfHealingScenarioTests : IAsyncLifetime
{
    private AutomationHarness _h = default!;

    public async ValueTask InitializeAsync() => _h = await AutomationHarness.StartAsync();

    public async ValueTask DisposeAsync() => await _h.DisposeAsync();

    private async Task SetUpAsync(object restart)
    {
        await _h.PolicyAsync();
        await _h.SaveAsync("restore-renderer", _h.Restore());
        await _h.SaveAsync("restart-renderer", restart);
        await _h.HealingRuleAsync("restart-renderer");
    }

    [Fact]
    public async Task AnAlertHealsItselfAndTheIncidentResolvesWithNobodyPaged()
    {
        await SetUpAsync(_h.Restart());
        await _h.AlertAsync("trigger");
        var number = await _h.IncidentAsync();

        // The first page waits while the portal tries: hold, action timeout and verify window.
        var escalation = await _h.EscalationAsync(number);
        Assert.Equal(EscalationState.Active, escalation.State);
        Assert.Equal(PortalFactory.Start + TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(5) + TimeSpan.FromMinutes(5), escalation.NextAt);

        await _h.ProcessAsync();
        var run = Assert.Single(await _h.RunsAsync());
        Assert.Equal((RunState.Succeeded, RunTrigger.SelfHealing, Verification.Pending), (run.State, run.Trigger, run.Verification));
        Assert.Equal(1, _h.Billing.Restarts);
        Assert.Equal(RendererMode.Healthy, _h.Billing.Mode);
        var sent = Assert.Single(_h.Billing.Requests);
        Assert.Equal(run.IdempotencyKey, sent.IdempotencyKey);
        Assert.Contains($"\"incident\": \"{number}\"", sent.Body, StringComparison.Ordinal);
        // What came back is on the run, its credential redacted.
        Assert.Contains("HTTP 200", run.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", run.Output, StringComparison.Ordinal);

        // The monitor sees the renderer healthy again.
        await _h.AlertAsync("resolve");
        await _h.ProcessAsync();
        run = Assert.Single(await _h.RunsAsync());
        Assert.Equal(Verification.Verified, run.Verification);
        var incident = await _h.IncidentRowAsync(number);
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
        Assert.StartsWith("Remediated automatically", incident.ResolutionNote, StringComparison.Ordinal);
        var automation = (await _h.TimelineAsync(number)).Where(t => t.Kind == TimelineEventKind.Automation).Select(t => t.To).ToList();
        Assert.Equal(["queued", "dispatched", "running", "succeeded", "succeeded"], automation);
        Assert.Contains(await _h.TimelineAsync(number), t => t.Kind == TimelineEventKind.Automation && t.Text!.StartsWith("Remediated automatically", StringComparison.Ordinal));

        // The held page never goes out: the incident resolved before the hold ended.
        _h.Portal.Clock.Advance(TimeSpan.FromMinutes(30));
        await _h.EscalateAsync();
        Assert.Equal(0, await _h.PagesAsync());

        // The heal counts: on /automation's figures and as rows of the week's business review.
        using var manager = await _h.Portal.SignedInClientAsync(AutomationHarness.Manager.Handle);
        var figures = await (await manager.GetAsync(HttpExtensions.Url("/api/automation/metrics"), TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal((1, 1, 1), (figures.GetProperty("runs").GetInt32(), figures.GetProperty("heals").GetInt32(), figures.GetProperty("verified").GetInt32()));
        Assert.Equal(20.0 / 60, figures.GetProperty("toilHoursSaved").GetDouble(), 1);
        // MTTR healed is this incident's trigger → resolve; nothing else resolved, so there is no MTTR for people.
        await using (var db = _h.Portal.OpenContext())
        {
            var healed = await db.Incidents.SingleAsync(i => i.Number == number, TestContext.Current.CancellationToken);
            Assert.Equal((healed.ResolvedAt!.Value - healed.TriggeredAt).TotalMinutes, figures.GetProperty("healedMttrMinutes").GetDouble(), 3);
        }
        Assert.Equal(System.Text.Json.JsonValueKind.Null, figures.GetProperty("peopleMttrMinutes").ValueKind);
        var wbr = await (await manager.GetAsync(HttpExtensions.Url("/api/metrics/wbr?week=2026-W47"), TestContext.Current.CancellationToken)).JsonAsync();
        var healedRow = wbr.GetProperty("summary").EnumerateArray().Single(r => r.GetProperty("metric").GetString() == "Healed automatically");
        Assert.Equal(1, healedRow.GetProperty("current").GetDouble());
    }

    [Fact]
    public async Task AHealThatDoesNotVerifyRollsBackAndPagesWithWhatWasTried()
    {
        _h.Billing.Mode = RendererMode.StaysBroken;
        await SetUpAsync(_h.Restart(verify: "HttpCheck", rollback: "restore-renderer"));
        await _h.AlertAsync("trigger");
        var number = await _h.IncidentAsync();
        await _h.ProcessAsync();
        Assert.Equal(Verification.Pending, Assert.Single(await _h.RunsAsync()).Verification);
        Assert.Equal(0, await _h.PagesAsync());

        // The health check keeps failing; past the five-minute window the run is not verified.
        _h.Portal.Clock.Advance(TimeSpan.FromMinutes(6));
        await _h.ProcessAsync();
        var runs = await _h.RunsAsync();
        Assert.Equal(2, runs.Count);
        Assert.Equal((RunState.RolledBack, Verification.NotVerified), (runs[0].State, runs[0].Verification));
        Assert.Equal((RunState.Succeeded, runs[0].Id), (runs[1].State, runs[1].RollbackOf));
        Assert.Contains(_h.Billing.Requests, r => r.Path == "/renderer/restore" && r.Signed);

        // The hold ended: the escalation pages the on-call engineer now, and the timeline says what was tried.
        await Eventually.TrueAsync(async () => await _h.PagesAsync() == 1);
        var timeline = await _h.TimelineAsync(number);
        Assert.Contains(timeline, t => t.Kind == TimelineEventKind.Automation && t.Text!.Contains("Not verified within 5 min", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.Kind == TimelineEventKind.Automation && t.Text!.Contains("Self-healing did not fix it (tried restart-renderer", StringComparison.Ordinal)
            && t.Text.Contains("paging people now", StringComparison.Ordinal));
        Assert.Contains(timeline, t => t.Kind == TimelineEventKind.Paged);
        Assert.NotEqual(IncidentStatus.Resolved, (await _h.IncidentRowAsync(number)).Status);
    }

    [Fact]
    public async Task FlappingTripsTheCircuitBreakerAndAPersonIsPaged()
    {
        await SetUpAsync(_h.Restart(maxPerHour: 2));
        for (var firing = 1; firing <= 2; firing++)
        {
            _h.Billing.Mode = RendererMode.Broken;
            await _h.AlertAsync("trigger");
            await _h.ProcessAsync();
            await _h.AlertAsync("resolve");
            await _h.ProcessAsync();
            _h.Portal.Clock.Advance(TimeSpan.FromMinutes(5));
        }
        Assert.Equal(2, _h.Billing.Restarts);
        Assert.All(await _h.RunsAsync(), r => Assert.Equal(Verification.Verified, r.Verification));

        // A third firing within the hour: the breaker is open, nothing is sent, and the on-call engineer is paged.
        await _h.AlertAsync("trigger");
        var number = await _h.IncidentAsync();
        await _h.ProcessAsync();
        var third = (await _h.RunsAsync())[^1];
        Assert.Equal((RunState.Refused, Guardrail.CircuitBreaker), (third.State, third.RefusedBy));
        Assert.Contains("the breaker is open", third.Reason, StringComparison.Ordinal);
        Assert.Equal(2, _h.Billing.Restarts);
        await Eventually.TrueAsync(async () => await _h.PagesAsync() == 1);
        Assert.Contains(await _h.TimelineAsync(number), t => t.Kind == TimelineEventKind.Automation && t.Text!.Contains("circuit breaker", StringComparison.Ordinal));

        // An hour on, it heals by itself again.
        _h.Portal.Clock.Advance(TimeSpan.FromHours(1));
        await _h.AlertAsync("resolve");
        _h.Billing.Mode = RendererMode.Broken;
        await _h.AlertAsync("trigger");
        await _h.ProcessAsync();
        Assert.Equal(3, _h.Billing.Restarts);
    }

    [Fact]
    public async Task AFreezeWindowBlocksAnAutomaticRunAndPages()
    {
        await SetUpAsync(_h.Restart());
        using (var admin = await _h.Portal.SignedInClientAsync(AutomationHarness.Admin.Handle))
        {
            var freezes = new[] { new { name = "Month-end close", start = PortalFactory.Start.AddHours(-1), end = PortalFactory.Start.AddDays(1) } };
            Assert.Equal(System.Net.HttpStatusCode.OK, (await admin.PutJsonAsync("/api/automation/switches/freezes", freezes)).StatusCode);
        }
        await _h.AlertAsync("trigger");
        await _h.ProcessAsync();
        var run = Assert.Single(await _h.RunsAsync());
        Assert.Equal((RunState.Refused, Guardrail.FreezeWindow), (run.State, run.RefusedBy));
        Assert.Contains("Month-end close is on", run.Reason, StringComparison.Ordinal);
        Assert.Equal(0, _h.Billing.Restarts);
        await Eventually.TrueAsync(async () => await _h.PagesAsync() == 1);
    }
}
