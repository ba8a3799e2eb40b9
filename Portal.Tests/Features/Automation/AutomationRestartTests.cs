using Microsoft.EntityFrameworkCore;
using Portal.Shared.Automation;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Automation;

/// <summary>The portal restarting while a run is under way: the run is lost when its lease runs out, with the reason, never running forever.</summary>
public sealed class AutomationRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ARunUnderWayWhenThePortalStopsIsLostWithItsReasonAfterTheRestart()
    {
        await using var h = await AutomationHarness.StartAsync();
        await h.SaveAsync("restart-renderer", h.Restart(timeoutSeconds: 20));
        h.Billing.Mode = RendererMode.Slow;
        var (_, run) = await h.RequestAsync(AutomationHarness.Engineer.Handle, new { action = "restart-renderer", dryRun = false, inputs = new { region = "EU" } });
        var id = run.GetProperty("id").GetInt64();
        var processing = Task.Run(async () =>
        {
            try
            {
                await h.ProcessAsync();
            }
            catch (Exception e) when (e is ObjectDisposedException or OperationCanceledException or InvalidOperationException or DbUpdateException)
            {
                // The node stopped under its own round: what a crash leaves behind is the point of this test.
            }
        }, Ct);
        await Eventually.TrueAsync(async () => (await h.RunsAsync()).Single().State == RunState.Running);

        // The first node dies mid-round: whatever it says as it goes is expected.
        h.Portal.Log.Expect(_ => true);
        await using var restarted = await h.RestartAsync();
        await processing;
        await using (var db = await restarted.Db.CreateDbContextAsync(Ct))
        {
            Assert.Equal(RunState.Running, (await db.ActionRuns.SingleAsync(Ct)).State);
        }
        // Past the run's timeout and the lease margin, the restarted portal's round finds it: lost, with why.
        restarted.Clock.Advance(TimeSpan.FromSeconds(20) + Portal.Features.Automation.RunProcessing.LeaseMargin + TimeSpan.FromSeconds(1));
        await h.ProcessAsync(restarted);
        await using (var db = await restarted.Db.CreateDbContextAsync(Ct))
        {
            var lost = await db.ActionRuns.SingleAsync(Ct);
            Assert.Equal((RunState.Lost, id), (lost.State, lost.Id));
            Assert.Contains("stopped renewing its lease", lost.Reason, StringComparison.Ordinal);
            var audited = await db.AuditEntries.Where(a => a.Target == $"run {id} (restart-renderer)").Select(a => a.Action).ToListAsync(Ct);
            Assert.Equal(["automation.run.queued", "automation.run.dispatched", "automation.run.running", "automation.run.lost"], audited);
        }
    }
}
