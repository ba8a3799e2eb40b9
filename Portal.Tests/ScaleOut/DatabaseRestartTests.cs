using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Demo;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.ScaleOut;

/// <summary>PostgreSQL restarted under an ingestion load: 503 with Retry-After while it is down, never 202 without a commit.</summary>
public sealed class DatabaseRestartTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryAcceptedAlertIsInTheDatabaseAfterARestartUnderLoad()
    {
        await using var postgres = new PostgresServer();
        await postgres.InitializeAsync();
        await using var portal = new PortalFactory(postgres: await postgres.CreateDatabaseAsync());
        // While the server is down (and while pooled connections find out it restarted) the driver's errors are logged;
        // that is the outage, not a fault. Anything else logged as an error still fails the test.
        portal.Log.Expect(e => e.StartsWith("[Microsoft.EntityFrameworkCore.", StringComparison.Ordinal) || e.Contains("Npgsql", StringComparison.Ordinal));
        using var monitor = portal.AnonymousClient();

        var accepted = new ConcurrentBag<string>();
        var unavailable = new ConcurrentBag<string?>();
        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        using var stop = new CancellationTokenSource();
        var sent = 0;
        async Task SendAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var key = $"restart-{Interlocked.Increment(ref sent)}";
                var response = await monitor.PostAsJsonAsync(Url("/v2/enqueue"), new
                {
                    routing_key = DemoWorld.MonitorKey, event_action = "trigger", dedup_key = key,
                    payload = new { summary = $"Load {key}", source = "load", severity = "warning" },
                }, Ct);
                statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    accepted.Add(key);
                }
                else if (response.StatusCode == HttpStatusCode.ServiceUnavailable)
                {
                    unavailable.Add(response.Headers.RetryAfter?.ToString());
                    await Task.Delay(50, Ct);
                }
            }
        }
        var senders = Enumerable.Range(0, 4).Select(_ => Task.Run(SendAsync, Ct)).ToList();

        // Under load (alerts accepted and still arriving) when the server goes; a busy machine takes longer to get there.
        await Eventually.TrueAsync(() => accepted.Count >= 25, seconds: 30);
        await postgres.StopAsync();
        // The outage lasts until the nodes have felt it: a sender is told to come back later.
        await Eventually.TrueAsync(() => !unavailable.IsEmpty, seconds: 30);
        await postgres.StartAsync();
        // The nodes recover by themselves: accepted alerts resume.
        var before = accepted.Count;
        await Eventually.TrueAsync(() => accepted.Count > before + 20, seconds: 30);
        await stop.CancelAsync();
        await Task.WhenAll(senders);

        Assert.NotEmpty(unavailable);
        Assert.All(unavailable, retryAfter => Assert.False(string.IsNullOrEmpty(retryAfter)));
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var stored = (await db.Alerts.Where(a => a.DedupKey.StartsWith("restart-")).Select(a => a.DedupKey).ToListAsync(Ct)).ToHashSet();
        Assert.DoesNotContain(accepted, k => !stored.Contains(k));
        Assert.True(accepted.Count > 45, $"only {accepted.Count} accepted; statuses: {string.Join(", ", statuses)}");
    }
}
