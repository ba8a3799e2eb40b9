using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Infrastructure.Live;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Tests.Support;

namespace Portal.Tests.ScaleOut;

/// <summary>Two nodes' live feeds on one real Redis: events cross nodes once, and a Redis outage pauses only that.</summary>
public sealed class RedisLiveFeedTests : IAsyncDisposable
{
    private readonly RedisServer _redis = new();
    private readonly List<RedisBus> _buses = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var bus in _buses)
        {
            await bus.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    private async Task<RedisLiveFeed> NodeAsync()
    {
        var bus = new RedisBus(new LiveOptions { Redis = _redis.ConnectionString }, NullLogger<RedisBus>.Instance);
        _buses.Add(bus);
        var node = new RedisLiveFeed(new InMemoryLiveFeed(NullLogger<InMemoryLiveFeed>.Instance), bus, NullLogger<RedisLiveFeed>.Instance);
        await node.StartAsync(Ct);
        return node;
    }

    private static IncidentChanged Change(long number, int version) =>
        new(number, version, TimelineEventKind.Created, $"Incident {number}", IncidentStatus.Triggered, Severity.SEV2, null, null, RegionCode.EU, null, DateTimeOffset.UtcNow);

    private static (List<long> Seen, IDisposable Subscription, Func<int> Resyncs) Listen(RedisLiveFeed feed)
    {
        var seen = new List<long>();
        var resyncs = 0;
        var subscription = feed.Subscribe(c =>
        {
            lock (seen)
            {
                seen.Add(c.Number);
            }
            return ValueTask.CompletedTask;
        }, () =>
        {
            Interlocked.Increment(ref resyncs);
            return ValueTask.CompletedTask;
        });
        return (seen, subscription, () => Volatile.Read(ref resyncs));
    }

    private static int Count(List<long> seen, long number)
    {
        lock (seen)
        {
            return seen.Count(n => n == number);
        }
    }

    [Fact]
    public async Task AnEventPublishedOnOneNodeReachesTheOtherOnceAndItsOwnOnce()
    {
        await _redis.StartAsync();
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var (onA, subA, _) = Listen(a);
        var (onB, subB, _) = Listen(b);
        var notices = new List<string>();
        using var noticesOnA = a.SubscribeNotices(n =>
        {
            lock (notices)
            {
                notices.Add(n.Topic);
            }
            return ValueTask.CompletedTask;
        });

        await b.PublishAsync(Change(1, 1), Ct);
        await b.PublishAsync(new LiveNotice("person:7", "page", "Paged"), Ct);

        await Eventually.TrueAsync(() => Count(onA, 1) == 1);
        await Eventually.TrueAsync(() => { lock (notices) { return notices.Contains("person:7"); } });
        // A later change is the sentinel: once A has it, any echo of the first would have arrived before it.
        await b.PublishAsync(Change(2, 1), Ct);
        await Eventually.TrueAsync(() => Count(onA, 2) == 1 && Count(onB, 2) == 1);
        Assert.Equal(1, Count(onA, 1));
        Assert.Equal(1, Count(onB, 1));   // delivered locally at once, and not again when Redis echoes it back
        subA.Dispose();
        subB.Dispose();
    }

    [Fact]
    public async Task WithRedisDownANodeKeepsItsOwnPagesLiveAndOthersResyncWhenItReturns()
    {
        await _redis.StartAsync();
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var (onA, subA, resyncsOnA) = Listen(a);
        var (onB, subB, _) = Listen(b);
        Assert.Equal(HealthStatus.Healthy, (await new LiveFeedHealthCheck(_buses[0]).CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        await _redis.StopAsync();
        await Eventually.TrueAsync(() => !b.Connected);
        await b.PublishAsync(Change(2, 1), Ct);   // no exception: the change is committed; only other nodes miss it
        await Eventually.TrueAsync(() => Count(onB, 2) == 1);
        Assert.Equal(0, Count(onA, 2));
        Assert.Equal(HealthStatus.Degraded, (await new LiveFeedHealthCheck(_buses[0]).CheckHealthAsync(new HealthCheckContext(), Ct)).Status);

        await _redis.StartAsync();
        // Back: every subscriber on the other node is told to re-read what it missed, and events flow again.
        await Eventually.TrueAsync(() => a.Connected && b.Connected && resyncsOnA() >= 1, seconds: 20);
        // The client can report a restore before the failure it ends (seen on a loaded CI machine): a node may lose its
        // connection once more right after, drop what it publishes meanwhile and have the others re-read, by design.
        // Flow is back when a change B publishes reaches A; each try is a new change, sent once A has settled.
        long next = 3;
        var sinceLastTry = System.Diagnostics.Stopwatch.StartNew();
        await Eventually.TrueAsync(async () =>
        {
            if (Enumerable.Range(3, (int)(next - 3)).Any(n => Count(onA, n) == 1))
            {
                return true;
            }
            if (a.Connected && b.Connected && (next == 3 || sinceLastTry.Elapsed > TimeSpan.FromMilliseconds(500)))
            {
                await b.PublishAsync(Change(next++, 1), Ct);
                sinceLastTry.Restart();
            }
            return false;
        }, seconds: 30);
        subA.Dispose();
        subB.Dispose();
    }

    [Fact]
    public async Task WhenOnlyOneNodeLosesRedisTheOthersReReadWhatItChangedMeanwhile()
    {
        await _redis.StartAsync();
        var (a, b) = (await NodeAsync(), await NodeAsync());
        var (onA, subA, resyncsOnA) = Listen(a);
        var (_, subB, resyncsOnB) = Listen(b);

        // Redis drops node B's connections only (a network blip on B's side). What B publishes until it is back is
        // lost to A, which never lost its own connection; when B is back, A is told to re-read.
        var killed = await KillConnectionsAsync(_buses[1].Node);
        Assert.True(killed > 0, "node B had no connections to kill");
        await Eventually.TrueAsync(() => resyncsOnB() >= 1 && resyncsOnA() >= 1, seconds: 20);

        // And once B says it is back, its subscriptions are live: what it publishes now reaches A.
        await b.PublishAsync(Change(8, 1), Ct);
        await Eventually.TrueAsync(() => Count(onA, 8) == 1);
        subA.Dispose();
        subB.Dispose();
    }

    /// <summary>Closes, on the server, every connection of the node with this bus id; returns how many.</summary>
    private async Task<int> KillConnectionsAsync(string node)
    {
        await using var admin = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"{_redis.ConnectionString},allowAdmin=true");
        var server = admin.GetServer(admin.GetEndPoints()[0]);
        var theirs = (await server.ClientListAsync()).Where(c => c.Name == $"portal-{node}").ToList();
        foreach (var client in theirs)
        {
            await server.ClientKillAsync(client.Id, skipMe: true);
        }
        return theirs.Count;
    }

    [Fact]
    public async Task ANodeThatStartsWhileRedisIsDownStartsAtOnceAndJoinsTheFeedWhenRedisComes()
    {
        // Redis is not running yet: the node must start (a node restarted during an outage serves its own pages).
        var started = System.Diagnostics.Stopwatch.StartNew();
        var a = await NodeAsync();
        Assert.True(started.Elapsed < TimeSpan.FromSeconds(3), $"starting with Redis down took {started.Elapsed}");
        Assert.False(a.Connected);
        var (onA, subA, _) = Listen(a);
        await a.PublishAsync(Change(4, 1), Ct);
        await Eventually.TrueAsync(() => Count(onA, 4) == 1);

        // A second node, also started during the outage, has pages open meanwhile.
        var b = await NodeAsync();
        var (_, subB, resyncsOnB) = Listen(b);
        Assert.False(b.Connected);

        await _redis.StartAsync();
        await Eventually.TrueAsync(() => a.Connected && b.Connected, seconds: 20);
        // What A changed while it had no Redis (change 4) never reached B: once both are there, B has re-read (on A's
        // announcement, or on its own return if A was back before B was listening: either way after change 4).
        await Eventually.TrueAsync(() => resyncsOnB() >= 1, seconds: 20);
        // Its subscription was made while Redis was away; it holds once Redis is there.
        await Eventually.TrueAsync(async () =>
        {
            await b.PublishAsync(Change(5, 1), Ct);
            return Count(onA, 5) >= 1;
        }, seconds: 20);
        subA.Dispose();
        subB.Dispose();
    }
}
