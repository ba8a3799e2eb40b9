using Microsoft.EntityFrameworkCore;
using Portal.Shared.Automation;
using Portal.Tests.Support;

namespace Portal.Tests.ScaleOut;

/// <summary>
/// Two portal nodes on one real PostgreSQL, both taking automation rounds at the same moments: every run is dispatched
/// and sent once, and a firing starts one self-healing run however many nodes see it.
/// </summary>
public sealed class AutomationTwoNodeTests(PostgresServer postgres) : IClassFixture<PostgresServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TwoNodesDispatchEachRunOnceAndStartOneHealPerFiring()
    {
        await using var h = await AutomationHarness.StartAsync(postgres: await postgres.CreateDatabaseAsync());
        await using var b = h.SecondNode();
        await h.SaveAsync("restart-renderer", h.Restart(maxConcurrent: 20, maxPerHour: 50, verify: "None"));
        var ids = new List<long>();
        for (var i = 0; i < 12; i++)
        {
            var (_, run) = await h.RequestAsync(AutomationHarness.Engineer.Handle, new { action = "restart-renderer", dryRun = false, inputs = new { region = "EU" } });
            ids.Add(run.GetProperty("id").GetInt64());
        }
        await h.HealingRuleAsync("restart-renderer");
        await h.AlertAsync("trigger");

        // Both nodes, several rounds each, at once.
        await Task.WhenAll(Enumerable.Range(0, 3).SelectMany(_ => new[] { h.ProcessAsync(), h.ProcessAsync(b) }));

        var runs = await h.RunsAsync();
        Assert.Equal(13, runs.Count);
        Assert.All(runs, r => Assert.Equal(RunState.Succeeded, r.State));
        Assert.Single(runs, r => r.Trigger == RunTrigger.SelfHealing);
        // The billing service saw each run once: one request per idempotency key, thirteen in all.
        var sent = h.Billing.Requests.ToList();
        Assert.Equal(13, sent.Count);
        Assert.Equal(runs.Select(r => r.IdempotencyKey).Order(), sent.Select(s => s.IdempotencyKey!).Order());
        await using var db = await h.Portal.Db.CreateDbContextAsync(Ct);
        var dispatched = await db.AuditEntries.Where(a => a.Action == "automation.run.dispatched").Select(a => a.Target).ToListAsync(Ct);
        Assert.Equal(13, dispatched.Count);
        Assert.Equal(13, dispatched.Distinct().Count());
    }
}
