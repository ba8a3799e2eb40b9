using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Live;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.ScaleOut;

/// <summary>
/// Two portal nodes (two hosts in this process, each with its own services, processors and live feed) on one real
/// PostgreSQL and one real Redis: they behave as one portal.
/// </summary>
public sealed class TwoNodeTests(PostgresServer postgres) : IClassFixture<PostgresServer>, IAsyncLifetime
{
    private readonly RedisServer _redis = new();
    private PortalFactory _a = default!;
    private PortalFactory _b = default!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _redis.StartAsync();
        var database = await postgres.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Live:Redis"] = _redis.ConnectionString };
        // A starts first and migrates and seeds; B then finds the database ready, as a second node would.
        _a = new PortalFactory(postgres: database, settings: settings);
        _a.AnonymousClient().Dispose();
        _b = new PortalFactory(postgres: database, settings: settings);
        _b.AnonymousClient().Dispose();
    }

    public async ValueTask DisposeAsync()
    {
        await _b.DisposeAsync();
        await _a.DisposeAsync();
        await _redis.DisposeAsync();
    }

    /// <summary>Signs in on node A and returns the cookie header, as a browser would hold it.</summary>
    private async Task<string> SignInOnAAsync(string handle)
    {
        using var a = _a.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        var signIn = await a.GetAsync(Url($"/account/demo?as={handle}"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        return string.Join("; ", signIn.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
    }

    /// <summary>A live-hub client on node A, signed in there as <paramref name="handle"/> (not started yet).</summary>
    private async Task<HubConnection> HubOnAAsync(string handle)
    {
        var cookie = await SignInOnAAsync(handle);
        return new HubConnectionBuilder().WithUrl(new Uri(_a.Server.BaseAddress, "hubs/live"), o =>
        {
            o.HttpMessageHandlerFactory = _ => _a.Server.CreateHandler();
            o.Transports = HttpTransportType.LongPolling;
            o.Headers["Cookie"] = cookie;
        }).Build();
    }

    [Fact]
    public async Task ASignInOnNodeAIsASignInOnNodeB()
    {
        var cookie = await SignInOnAAsync("grace.coleman");
        using var b = _b.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var request = new HttpRequestMessage(HttpMethod.Get, Url("/api/me"));
        request.Headers.Add("Cookie", cookie);
        var me = await b.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal("grace.coleman", (await me.JsonAsync()).GetProperty("handle").GetString());
        await using var db = await _a.Db.CreateDbContextAsync(Ct);
        Assert.NotEmpty(await db.DataProtectionKeys.ToListAsync(Ct));
    }

    [Fact]
    public async Task AnAlertIngestedOnNodeBReachesAHubClientOnNodeAAndPagesOnceWithBothNodesEscalating()
    {
        await using var hub = await HubOnAAsync("grace.coleman");
        var received = new ConcurrentQueue<IncidentChangedMessage>();
        hub.On<IncidentChangedMessage>(LiveHub.ChangedMethod, received.Enqueue);
        await hub.StartAsync(Ct);
        await hub.InvokeAsync("Subscribe", "incidents", Ct);

        using var monitor = _b.AnonymousClient();
        var sent = await monitor.PostAsJsonAsync(Url("/v2/enqueue"), new
        {
            routing_key = DemoWorld.MonitorKey, event_action = "trigger", dedup_key = "two-nodes-1",
            payload = new { summary = "Payments gateway timeouts seen from node B", source = "payments-monitor", severity = "critical" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);

        await Eventually.TrueAsync(() => received.Any(m => m.Kind == "Created" && m.Title == "Payments gateway timeouts seen from node B"));
        var number = received.First(m => m.Kind == "Created").Number;

        // The demo's policy for payments pages level 1 at once and level 2 fifteen minutes later. Both nodes run the
        // escalation processor; each level pages once.
        await Eventually.TrueAsync(() => PagedEntries(number) == 1, seconds: 20);
        foreach (var node in new[] { _a, _b })
        {
            node.Clock.Advance(TimeSpan.FromMinutes(16));
        }
        await Eventually.TrueAsync(() => PagedEntries(number) == 2, seconds: 20);
        await Task.Delay(1000, Ct);
        Assert.Equal(2, PagedEntries(number));
        await using var db = await _a.Db.CreateDbContextAsync(Ct);
        var pages = await db.Notifications.Where(n => n.IncidentNumber == number && n.Kind == NotificationKind.Page).Select(n => new { n.PersonId, n.Body }).ToListAsync(Ct);
        Assert.NotEmpty(pages);
        Assert.Equal(pages.Count, pages.Distinct().Count());
    }

    [Fact]
    public async Task PresenceCrossesNodesAndARedisOutageOnlyPausesLiveUpdates()
    {
        var presenceA = _a.Services.GetRequiredService<IPresence>();
        var presenceB = _b.Services.GetRequiredService<IPresence>();
        using (presenceB.Join(4242, "grace.coleman", "Grace Coleman"))
        {
            await Eventually.TrueAsync(() => presenceA.Viewers(4242).Any(v => v.Handle == "grace.coleman"));
            Assert.Equal(1, presenceA.Counts([4242])[4242]);
        }
        await Eventually.TrueAsync(() => presenceA.Viewers(4242).Count == 0);

        await using var hub = await HubOnAAsync("grace.coleman");
        var resyncs = 0;
        hub.On(LiveHub.ResyncMethod, () => Interlocked.Increment(ref resyncs));
        await hub.StartAsync(Ct);

        // Redis down: both nodes still serve and write, and say they are degraded, not down.
        await _redis.StopAsync();
        using var anonymousA = _a.AnonymousClient();
        await Eventually.TrueAsync(() => ReadyText(anonymousA).Contains("Degraded", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.OK, (await anonymousA.GetAsync(Url("/health/ready"), Ct)).StatusCode);
        using var b = _b.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });
        using var create = new HttpRequestMessage(HttpMethod.Post, Url("/api/incidents")) { Content = JsonContent.Create(new { title = "Written on B while Redis is away", severity = "SEV3" }) };
        create.Headers.Add("Cookie", await SignInOnAAsync("grace.coleman"));
        Assert.Equal(HttpStatusCode.Created, (await b.SendAsync(create, Ct)).StatusCode);

        // Redis back: node A's hub clients are told to re-read what they missed.
        await _redis.StartAsync();
        await Eventually.TrueAsync(() => Volatile.Read(ref resyncs) >= 1, seconds: 20);
        await Eventually.TrueAsync(() => !ReadyText(anonymousA).Contains("Degraded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ANodeStartedWhileRedisIsDownServesAndJoinsTheLiveFeedWhenRedisReturns()
    {
        await _redis.StopAsync();
        // A third node starts (a restart during the outage): it serves, degraded, instead of failing to start.
        await using var c = new PortalFactory(postgres: _a.ConnectionString, settings: new Dictionary<string, string?> { ["Live:Redis"] = _redis.ConnectionString });
        using var anonymousC = c.AnonymousClient();
        var ready = await anonymousC.GetAsync(Url("/health/ready"), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        Assert.Contains("Degraded", await ready.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        await _redis.StartAsync();
        // Every node is back on Redis (its subscriptions answer again): now what node B commits reaches C's subscribers.
        using var anonymousA = _a.AnonymousClient();
        using var anonymousB = _b.AnonymousClient();
        foreach (var node in new[] { anonymousA, anonymousB, anonymousC })
        {
            await Eventually.TrueAsync(() => !ReadyText(node).Contains("Degraded", StringComparison.Ordinal), seconds: 20);
        }
        var seen = new ConcurrentQueue<string>();
        using var subscription = c.Services.GetRequiredService<ILiveFeed>().Subscribe(change =>
        {
            seen.Enqueue(change.Title);
            return ValueTask.CompletedTask;
        });
        using var monitor = _b.AnonymousClient();
        var sent = await monitor.PostAsJsonAsync(Url("/v2/enqueue"), new
        {
            routing_key = DemoWorld.MonitorKey, event_action = "trigger", dedup_key = "started-during-outage",
            payload = new { summary = "Ledger export stuck, seen from node B", source = "payments-monitor", severity = "critical" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        await Eventually.TrueAsync(() => seen.Contains("Ledger export stuck, seen from node B"), seconds: 20);
    }

    private static string ReadyText(HttpClient client) => client.GetStringAsync(Url("/health/ready")).GetAwaiter().GetResult();

    private int PagedEntries(long number)
    {
        using var db = _a.Db.CreateDbContext();
        return db.Timeline.Count(e => e.IncidentNumber == number && e.Kind == TimelineEventKind.Paged);
    }
}
