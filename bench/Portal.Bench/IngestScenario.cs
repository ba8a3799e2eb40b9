using System.Diagnostics;
using System.Net;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Infrastructure.Live;

namespace Portal.Bench;

/// <summary>
/// Alert ingestion throughput: <c>POST /v2/enqueue</c> on a portal process (SQLite) under concurrent senders, with
/// unique dedup keys (every event a new alert and incident) and with repeated keys (every event counted on an open
/// alert); in the same run, a bare Kestrel endpoint that reads the same body and answers 202, as the baseline.
/// Budget (DESIGN.md): at least 25% of the bare endpoint's requests/s, with p99 under 50 ms.
/// </summary>
internal static class IngestScenario
{
    internal const string Key = "be7c8a9d0e1f2a3b4c5d6e7f8a9b0c1d";
    private static readonly TimeSpan P99Budget = TimeSpan.FromMilliseconds(50);

    /// <summary>Seconds of load before measuring.</summary>
    internal const int Warmup = 12;

    /// <summary>A portal with the demo people, no history, one events-v2 integration for payments, and no rate limit.</summary>
    internal static Dictionary<string, string> Settings() => new()
    {
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["Auth__Mode"] = "Demo",
        ["Demo__Seed"] = "true",
        ["Demo__History"] = "false",
        ["Provisioning__Integrations__0__Name"] = "bench",
        ["Provisioning__Integrations__0__Kind"] = "events-v2",
        ["Provisioning__Integrations__0__Key"] = Key,
        ["Provisioning__Integrations__0__Service"] = "payments",
        ["Alerts__PerKeyPerSecond"] = "10000000",
        ["Alerts__PerKeyBurst"] = "10000000",
        ["Provisioning__ApiTokens__0__Token"] = HubToken,
        ["Provisioning__ApiTokens__0__User"] = "grace.coleman@portal.example",
    };

    private const string HubToken = "bench-ingest-hub-token-0000000000";

    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
        var senders = args.Length > 1 && int.TryParse(args[1], out var c) ? c : 32;
        await using var host = PortalHost.Start(Settings());
        await host.WaitUntilReadyAsync(Stopwatch.StartNew());
        await using var bare = await BareEndpoint.StartAsync();
        Console.WriteLine($"ingest: {senders} concurrent senders, {seconds} s per run");

        var portalUrl = new Uri(host.BaseUrl, "v2/enqueue");
        // Throughput climbs for several seconds after start (tiered JIT, then dynamic PGO's second tier): warm both first.
        await LoadAsync(bare.Url, senders, Warmup, Unique("warm-bare"));
        await LoadAsync(portalUrl, senders, Warmup, Unique("warm-portal"));

        var baseline = await LoadAsync(bare.Url, senders, seconds, Unique("bare"));
        Report("bare Kestrel endpoint (202)", baseline);
        var unique = await LoadAsync(portalUrl, senders, seconds, Unique("unique"));
        Report("/v2/enqueue, unique dedup keys", unique);
        var repeated = await LoadAsync(portalUrl, senders, seconds, i => $"repeat-{i % 20}");
        Report("/v2/enqueue, 20 repeated keys", repeated);

        var visible = await VisibleAsync(host.BaseUrl);
        Verdicts.Under("ingestion, 202 → the incident on a hub client, 20 events/s, p99", visible, 250, "ms");
        foreach (var (name, run) in new[] { ("unique keys", unique), ("repeated keys", repeated) })
        {
            Verdicts.AtLeast($"ingestion, {name}, SQLite", run.PerSecond, baseline.PerSecond, 0.25, "/s", run.Failures == 0, $"{run.Failures} not 202");
            Verdicts.Under($"ingestion, {name}, SQLite, p99", run.P99, P99Budget.TotalMilliseconds, "ms");
        }
        return 0;
    }

    internal static Func<long, string> Unique(string prefix) => i => $"{prefix}-{i}";

    /// <summary>
    /// From each 202 to the new incident's hint reaching a hub client subscribed to every incident: 200 unique events,
    /// 20 a second. The p99 in ms (the hint may come first: the 202 waits for the commit and the hint follows it). A resync
    /// (the connection's outbox overflowed) is followed as a page follows it: the queue is read again, and what it shows
    /// counts as seen when that read returns.
    /// </summary>
    private static async Task<double> VisibleAsync(Uri portal)
    {
        var seen = new System.Collections.Concurrent.ConcurrentDictionary<string, long>();
        await using var hub = new HubConnectionBuilder()
            .WithUrl(new Uri(portal, "hubs/live"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(HubToken);
            })
            .Build();
        hub.On<IncidentChangedMessage>(LiveHub.ChangedMethod, m => seen.TryAdd(m.Title, Stopwatch.GetTimestamp()));
        // A page whose outbox overflowed is sent a resync and re-reads its queue: what that read returns is visible then.
        using var reader = new HttpClient();
        reader.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", HubToken);
        var resyncs = 0;
        hub.On(LiveHub.ResyncMethod, async () =>
        {
            Interlocked.Increment(ref resyncs);
            using var page = await reader.GetAsync(new Uri(portal, "api/incidents?q=visible-&limit=200"));
            using var json = System.Text.Json.JsonDocument.Parse(await page.Content.ReadAsStringAsync());
            var at = Stopwatch.GetTimestamp();
            foreach (var item in json.RootElement.GetProperty("items").EnumerateArray())
            {
                seen.TryAdd(item.GetProperty("title").GetString()!, at);
            }
        });
        await hub.StartAsync();
        await hub.InvokeAsync("Subscribe", "incidents");
        using var http = new HttpClient();
        var acknowledged = new Dictionary<string, long>();
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50)))
        {
            for (var i = 0; i < 200 && await timer.WaitForNextTickAsync(); i++)
            {
                var title = $"visible-{Guid.NewGuid():N}";
                var body = $$"""{"routing_key":"{{Key}}","event_action":"trigger","dedup_key":"{{title}}","payload":{"summary":"{{title}}","source":"bench","severity":"error"} }""";
                using var response = await http.PostAsync(new Uri(portal, "v2/enqueue"), new StringContent(body, Encoding.UTF8, "application/json"));
                acknowledged[title] = Stopwatch.GetTimestamp();
            }
        }
        var deadline = Stopwatch.StartNew();
        while (acknowledged.Keys.Any(t => !seen.ContainsKey(t)) && deadline.Elapsed < TimeSpan.FromSeconds(10))
        {
            await Task.Delay(20);
        }
        var delays = acknowledged.Select(a => seen.TryGetValue(a.Key, out var at) ? Math.Max(0, Stopwatch.GetElapsedTime(a.Value, at).TotalMilliseconds) : double.PositiveInfinity)
            .Order().ToArray();
        Console.WriteLine($"202 → hub client: {delays.Count(double.IsFinite)}/{delays.Length} seen ({resyncs} resyncs re-read)   p50 {delays[delays.Length / 2]:0.0} ms   p99 {delays[(int)(delays.Length * 0.99)]:0.0} ms");
        return delays[(int)(delays.Length * 0.99)];
    }

    internal sealed record Run(long Requests, long Failures, double Seconds, double P50, double P99)
    {
        public double PerSecond => Requests / Seconds;
    }

    internal static void Report(string name, Run run) =>
        Console.WriteLine($"{name,-34} {run.PerSecond,8:N0} req/s   p50 {run.P50,6:0.0} ms   p99 {run.P99,6:0.0} ms   non-202 {run.Failures}");

    private static Task<Run> LoadAsync(Uri url, int senders, int seconds, Func<long, string> dedupKey) => LoadAsync([url], senders, seconds, dedupKey);

    /// <summary>Senders post as fast as answers come, each to one of <paramref name="urls"/> in turn (sender n to url n mod count).</summary>
    internal static async Task<Run> LoadAsync(Uri[] urls, int senders, int seconds, Func<long, string> dedupKey)
    {
        using var http = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = senders }) { Timeout = TimeSpan.FromSeconds(30) };
        var latencies = new List<double>[senders];
        long sent = 0, failures = 0;
        var clock = Stopwatch.StartNew();
        var until = TimeSpan.FromSeconds(seconds);
        await Task.WhenAll(Enumerable.Range(0, senders).Select(async w =>
        {
            var mine = latencies[w] = [];
            while (clock.Elapsed < until)
            {
                var i = Interlocked.Increment(ref sent);
                var body = $$"""{"routing_key":"{{Key}}","event_action":"trigger","dedup_key":"{{dedupKey(i)}}","payload":{"summary":"Settlement lag above 15 minutes","source":"bench","severity":"error"} }""";
                using var content = new StringContent(body, Encoding.UTF8, "application/json");
                var started = Stopwatch.GetTimestamp();
                using var response = await http.PostAsync(urls[w % urls.Length], content);
                mine.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (response.StatusCode != HttpStatusCode.Accepted)
                {
                    Interlocked.Increment(ref failures);
                }
            }
        }));
        var elapsed = clock.Elapsed.TotalSeconds;
        var all = latencies.SelectMany(l => l).Order().ToArray();
        double At(double q) => all.Length == 0 ? double.NaN : all[Math.Min(all.Length - 1, (int)(all.Length * q))];
        return new Run(all.Length, failures, elapsed, At(0.5), At(0.99));
    }

    /// <summary>Kestrel with one endpoint that reads the body and answers 202: what HTTP alone costs here.</summary>
    internal sealed class BareEndpoint : IAsyncDisposable
    {
        private readonly WebApplication _app;

        private BareEndpoint(WebApplication app, Uri url) => (_app, Url) = (app, url);

        public Uri Url { get; }

        public static async Task<BareEndpoint> StartAsync()
        {
            var (builder, root) = PortalHost.BareBuilder();
            var app = builder.Build();
            app.MapPost("/v2/enqueue", async (HttpRequest request) =>
            {
                using var reader = new StreamReader(request.Body);
                await reader.ReadToEndAsync();
                return Results.Json(new { status = "success", message = "Event processed" }, statusCode: StatusCodes.Status202Accepted);
            });
            await app.StartAsync();
            return new BareEndpoint(app, new Uri(root, "v2/enqueue"));
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }
}

/// <summary>
/// How ingestion throughput climbs after start: unique keys in 2-second windows on a fresh portal, with any runtime
/// settings given as NAME=VALUE (for example DOTNET_TieredPGO=0, DOTNET_TieredCompilation=0, DOTNET_ReadyToRun=0).
/// </summary>
internal static class IngestCurveScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var windows = args.Length > 0 && int.TryParse(args[0], out var w) ? w : 12;
        var environment = IngestScenario.Settings();
        foreach (var setting in args.Skip(1).Where(a => a.Contains('=', StringComparison.Ordinal)))
        {
            environment[setting[..setting.IndexOf('=', StringComparison.Ordinal)]] = setting[(setting.IndexOf('=', StringComparison.Ordinal) + 1)..];
        }
        var started = Stopwatch.StartNew();
        await using var host = PortalHost.Start(environment);
        var ready = await host.WaitUntilReadyAsync(started);
        Console.WriteLine($"ingest-curve: ready in {ready.TotalSeconds:0.00} s; 32 senders, unique keys, 2 s windows ({string.Join(' ', args.Skip(1))})");
        var url = new Uri(host.BaseUrl, "v2/enqueue");
        for (var i = 0; i < windows; i++)
        {
            var run = await IngestScenario.LoadAsync([url], 32, 2, IngestScenario.Unique($"curve-{i}"));
            IngestScenario.Report($"{2 * i,2}-{2 * i + 2,2} s after ready", run);
        }
        return 0;
    }
}
