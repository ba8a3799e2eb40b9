using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.E2E;

/// <summary>
/// A portal process killed with SIGKILL in the middle of an alert load, then started again: every event it answered
/// 202 to is in the database, and no alert opened twice. (A process, not a browser: this project runs the portal as one.)
/// </summary>
public sealed class IngestionDurabilityTests
{
    private const string Key = "0a1b2c3d4e5f60718293a4b5c6d7e8f9";
    private const string Token = "durability-reader-token-0001";

    [Fact]
    public async Task EveryAcceptedEventSurvivesAKillAndNoneIsDuplicated()
    {
        await using var portal = await PortalProcess.StartAsync(new Dictionary<string, string>
        {
            ["Provisioning__Integrations__0__Name"] = "Load generator",
            ["Provisioning__Integrations__0__Kind"] = "events-v2",
            ["Provisioning__Integrations__0__Key"] = Key,
            ["Provisioning__ApiTokens__0__Token"] = Token,
            ["Provisioning__ApiTokens__0__User"] = Portal.Shared.Demo.DemoWorld.Generate().People[0].Email,
            ["Alerts__PerKeyPerSecond"] = "1000000",
            ["Alerts__PerKeyBurst"] = "1000000",
        });
        using var http = new HttpClient { BaseAddress = portal.BaseUrl, Timeout = TimeSpan.FromSeconds(10) };

        var accepted = new List<string>();
        var next = 0;
        using var stop = new CancellationTokenSource();
        async Task SendAsync()
        {
            while (!stop.IsCancellationRequested)
            {
                var dedupKey = $"durable-{Interlocked.Increment(ref next)}";
                try
                {
                    using var response = await http.PostAsJsonAsync(new Uri("v2/enqueue", UriKind.Relative), new
                    {
                        routing_key = Key,
                        event_action = "trigger",
                        dedup_key = dedupKey,
                        payload = new { summary = $"load {dedupKey}", source = "load-generator", severity = "warning" },
                    });
                    if (response.StatusCode == HttpStatusCode.Accepted)
                    {
                        lock (accepted)
                        {
                            accepted.Add(dedupKey);
                        }
                    }
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
                {
                    // The process is gone: an unanswered event may or may not be stored, and a sender would retry it.
                    await Task.Delay(20);
                }
            }
        }

        var senders = Enumerable.Range(0, 8).Select(_ => Task.Run(SendAsync)).ToList();
        while (Count(accepted) < 300)
        {
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
        await portal.KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(senders);
        var answered = Snapshot(accepted);

        await portal.RestartAsync();
        var stored = await StoredDedupKeysAsync(http);

        Assert.True(answered.Count >= 300, $"only {answered.Count} events were accepted before the kill");
        var lost = answered.Except(stored.Keys).ToList();
        Assert.True(lost.Count == 0, $"{lost.Count} of {answered.Count} accepted events were lost, e.g. {string.Join(", ", lost.Take(5))}");
        Assert.All(stored, s => Assert.Equal(1, s.Value));
    }

    private static int Count(List<string> list)
    {
        lock (list)
        {
            return list.Count;
        }
    }

    private static List<string> Snapshot(List<string> list)
    {
        lock (list)
        {
            return [.. list];
        }
    }

    /// <summary>
    /// Every stored alert of this test (its "durable-" keys: the demo history has alerts of its own, the same alert firing
    /// again weeks later) with how many alerts it has, read through the API page by page.
    /// </summary>
    private static async Task<Dictionary<string, int>> StoredDedupKeysAsync(HttpClient http)
    {
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        string? cursor = null;
        do
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"api/alerts?limit=500{(cursor is null ? "" : $"&cursor={cursor}")}", UriKind.Relative));
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            using var page = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            foreach (var alert in page.RootElement.GetProperty("items").EnumerateArray())
            {
                var key = alert.GetProperty("dedupKey").GetString()!;
                if (key.StartsWith("durable-", StringComparison.Ordinal))
                {
                    counts[key] = counts.GetValueOrDefault(key) + 1;
                }
            }
            cursor = page.RootElement.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        return counts;
    }
}
