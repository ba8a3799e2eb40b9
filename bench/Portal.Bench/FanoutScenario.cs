using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Live;
using Portal.Shared.Live;

namespace Portal.Bench;

/// <summary>
/// Live fan-out: N hub clients (WebSockets) subscribed to "incidents" (<c>fanout</c>) or to "cases" (<c>case-fanout</c>,
/// the case queue's live updates) on one node; each change is committed through the REST API (a new incident, a new
/// case), and every client records commit → receipt (its clock minus the change's committed UpdatedAt; same machine,
/// same clock). UpdatedAt is taken before the commit, so the figure includes the commit itself. The baseline, in the same
/// run: a bare SignalR hub broadcasting the same message to as many clients. Budgets (issue 23, the same for both): one
/// change at a time, p99 at most 1.5 × the bare hub's and under 50 ms; 50 changes/s, p99 under 250 ms. Both processes
/// share this machine's cores: the clients' own work is in the figure too.
/// </summary>
internal static class FanoutScenario
{
    private const string Token = "bench-fanout-token-000000000000";
    private static readonly TimeSpan OneAtATimeBudget = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SustainedBudget = TimeSpan.FromMilliseconds(250);

    /// <summary>What is changed, and what the hub clients hear of it.</summary>
    private sealed record Feed(string Noun, string Topic, string Method, Func<HttpClient, string, Task> Create, Func<string, object> BareMessage)
    {
        public void Listen(HubConnection connection, Latencies latencies)
        {
            if (Method == LiveHub.CaseChangedMethod)
            {
                connection.On<CaseChangedMessage>(Method, m => latencies.Add((DateTimeOffset.UtcNow - m.UpdatedAt).TotalMilliseconds));
            }
            else
            {
                connection.On<IncidentChangedMessage>(Method, m => latencies.Add((DateTimeOffset.UtcNow - m.UpdatedAt).TotalMilliseconds));
            }
        }
    }

    private static readonly Feed Incidents = new("change", LiveTopics.AllIncidents, LiveHub.ChangedMethod, CreateAsync, title => new IncidentChangedMessage(
        1, "INC-1", 1, "Created", title, "Triggered", "SEV4", null, "billing-support-us", "US", null, DateTimeOffset.UtcNow));

    private static readonly Feed Cases = new("case change", LiveTopics.AllCases, LiveHub.CaseChangedMethod, CreateCaseAsync, title => new CaseChangedMessage(
        1, "CASE-1", 1, "Created", title, "New", "P3", "US", "billing-support-us", null, DateTimeOffset.UtcNow));

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Incidents);

    public static Task<int> CasesAsync(string[] args) => RunAsync(args, Cases);

    private static async Task<int> RunAsync(string[] args, Feed feed)
    {
        var clients = args.Length > 0 && int.TryParse(args[0], out var c) ? c : 1000;
        var sustainedSeconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 10;
        var messagePack = args.Length > 2 && args[2].Equals("messagepack", StringComparison.OrdinalIgnoreCase);
        await using var host = PortalHost.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["Demo__History"] = "false",
            ["RateLimits__ApiPerMinute"] = "1000000",
            ["Provisioning__ApiTokens__0__Token"] = Token,
            ["Provisioning__ApiTokens__0__User"] = "grace.coleman@portal.example",
        });
        await host.WaitUntilReadyAsync(Stopwatch.StartNew());

        var latencies = new Latencies();
        var connecting = Stopwatch.StartNew();
        var connections = await ConnectAsync(clients, new Uri(host.BaseUrl, "hubs/live"), Token, messagePack, latencies, feed);
        Console.WriteLine($"fanout: {clients} hub clients ({(messagePack ? "MessagePack" : "JSON")}) connected and subscribed to \"{feed.Topic}\" in {connecting.Elapsed.TotalSeconds:0.0} s");

        using var http = new HttpClient { BaseAddress = host.BaseUrl };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        var (single, sustained, commit) = await MeasureAsync(clients, sustainedSeconds, latencies, title => feed.Create(http, title));
        await Task.WhenAll(connections.Select(x => x.DisposeAsync().AsTask()));

        // The baseline, in the same run: a bare SignalR hub in this process broadcasting the same message to as many clients.
        await using var bare = await BareHub.StartAsync();
        var bareLatencies = new Latencies();
        var bareConnections = await ConnectAsync(clients, bare.Url, null, messagePack, bareLatencies, feed);
        Console.WriteLine("bare SignalR hub, same clients, same message:");
        var (bareSingle, bareSustained, _) = await MeasureAsync(clients, sustainedSeconds, bareLatencies, title => bare.BroadcastAsync(feed.Method, feed.BareMessage(title)));
        await Task.WhenAll(bareConnections.Select(x => x.DisposeAsync().AsTask()));

        Verdicts.AtMost($"commit → {clients:N0} hub clients, one {feed.Noun} at a time, p99 (× bare hub)", single, bareSingle, 1.5, "ms");
        Verdicts.Under($"commit → {clients:N0} hub clients, one {feed.Noun} at a time, p99", single, OneAtATimeBudget.TotalMilliseconds, "ms");
        Verdicts.Under($"commit → {clients:N0} hub clients, 50 {feed.Noun}s/s, p99", sustained, SustainedBudget.TotalMilliseconds, "ms");
        Verdicts.Measured($"bare hub → {clients:N0} clients, 50 broadcasts/s, p99", bareSustained, "ms");
        // Most of the figure at 50/s is here: the commit's own wait on a machine the clients share.
        Verdicts.Measured($"the API call that commits, 50 {feed.Noun}s/s, p99", commit, "ms");
        return 0;
    }

    /// <summary>A warm-up (not measured: tiered JIT on both sides finishes), 30 single changes 200 ms apart, then 50 changes/s; the p99 of each.</summary>
    private static async Task<(double Single, double Sustained, double SustainedCall)> MeasureAsync(int clients, int seconds, Latencies latencies, Func<string, Task> change)
    {
        await AtFiftyPerSecondAsync(250, "warm-up", change);
        await latencies.WaitForAsync(250 * clients);
        latencies.Reset();

        const int singles = 30;
        for (var i = 0; i < singles; i++)
        {
            await change($"single {i}");
            await Task.Delay(200);
        }
        await latencies.WaitForAsync(singles * clients);
        var single = latencies.Report("one change at a time", singles * clients);

        latencies.Reset();
        var changes = 50 * seconds;
        var call = await AtFiftyPerSecondAsync(changes, "sustained", change);
        await latencies.WaitForAsync(changes * clients);
        return (single, latencies.Report($"sustained 50 changes/s for {seconds} s", changes * clients), call);
    }

    private static async Task<List<HubConnection>> ConnectAsync(int clients, Uri url, string? token, bool messagePack, Latencies latencies, Feed feed)
    {
        var connections = new List<HubConnection>();
        foreach (var batch in Enumerable.Range(0, clients).Chunk(50))
        {
            connections.AddRange(await Task.WhenAll(batch.Select(async _ =>
            {
                var connection = new HubConnectionBuilder()
                    .WithUrl(url, o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                        if (token is not null)
                        {
                            o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                        }
                    })
                    .AddProtocol(messagePack)
                    .Build();
                feed.Listen(connection, latencies);
                await connection.StartAsync();
                if (token is not null)
                {
                    await connection.InvokeAsync("Subscribe", feed.Topic);
                }
                return connection;
            })));
        }
        return connections;
    }

    internal static Task SendAtFiftyPerSecondAsync(HttpClient http, int changes, string title) => AtFiftyPerSecondAsync(changes, title, t => CreateAsync(http, t));

    /// <summary>Makes the changes, 50 a second; prints how long each call took (for the portal, the API call that commits) and returns its p99.</summary>
    private static async Task<double> AtFiftyPerSecondAsync(int changes, string title, Func<string, Task> change)
    {
        var calls = new Latencies();
        var sent = new List<Task>();
        using (var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(20)))
        {
            for (var i = 0; i < changes && await timer.WaitForNextTickAsync(); i++)
            {
                sent.Add(Timed($"{title} {i}"));
            }
        }
        await Task.WhenAll(sent);
        return calls.Report($"{title}, the calls", changes);

        async Task Timed(string name)
        {
            var watch = Stopwatch.StartNew();
            await change(name);
            calls.Add(watch.Elapsed.TotalMilliseconds);
        }
    }

    private static IHubConnectionBuilder AddProtocol(this IHubConnectionBuilder builder, bool messagePack) =>
        messagePack ? builder.AddMessagePackProtocol() : builder;

    internal static async Task CreateAsync(HttpClient http, string title)
    {
        using var response = await http.PostAsJsonAsync("api/incidents", new { title, severity = "SEV4" });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>A new case for one of the demo's advertisers (the demo world seeds them even without its history).</summary>
    private static async Task CreateCaseAsync(HttpClient http, string title)
    {
        var advertiser = Portal.Shared.Demo.DemoAdvertisers.Generate()[title.Length % Portal.Shared.Demo.DemoAdvertisers.Count].AccountId;
        using var response = await http.PostAsJsonAsync("api/cases", new { advertiser, subject = title, body = "Our invoice total does not match the campaign's spend." });
        response.EnsureSuccessStatusCode();
    }

    internal sealed class Latencies
    {
        private readonly List<double> _values = [];

        public void Add(double ms)
        {
            lock (_values)
            {
                _values.Add(ms);
            }
        }

        public void Reset()
        {
            lock (_values)
            {
                _values.Clear();
            }
        }

        public async Task WaitForAsync(int expected)
        {
            var deadline = Stopwatch.StartNew();
            while (Count < expected && deadline.Elapsed < TimeSpan.FromSeconds(30))
            {
                await Task.Delay(50);
            }
        }

        private int Count
        {
            get
            {
                lock (_values)
                {
                    return _values.Count;
                }
            }
        }

        public double Report(string name, int expected)
        {
            double[] sorted;
            lock (_values)
            {
                sorted = [.. _values.Order()];
            }
            double At(double q) => sorted.Length == 0 ? double.NaN : sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * q))];
            Console.WriteLine($"{name,-34} delivered {sorted.Length:N0}/{expected:N0}   p50 {At(0.5),6:0.0} ms   p99 {At(0.99),6:0.0} ms   max {At(1),7:0.0} ms");
            return At(0.99);
        }
    }
}

/// <summary>The fan-out baseline: Kestrel with a bare SignalR hub, and nothing else, broadcasting from this process.</summary>
internal sealed class BareHub : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IHubContext<Hub> _hub;

    private BareHub(WebApplication app, Uri url) => (_app, Url, _hub) = (app, url, app.Services.GetRequiredService<IHubContext<Hub>>());

    public Uri Url { get; }

    public static async Task<BareHub> StartAsync()
    {
        var (builder, root) = PortalHost.BareBuilder();
        builder.Services.AddSignalR().AddMessagePackProtocol();
        var app = builder.Build();
        app.UseWebSockets();
        app.MapHub<Hub>("/hub");
        await app.StartAsync();
        return new BareHub(app, new Uri(root, "hub"));
    }

    /// <summary>The message the portal sends for the change (made with this moment as its UpdatedAt).</summary>
    public Task BroadcastAsync(string method, object message) => _hub.Clients.All.SendAsync(method, message);

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>A hub with no methods: clients only listen.</summary>
    internal sealed class Hub : Microsoft.AspNetCore.SignalR.Hub;
}
