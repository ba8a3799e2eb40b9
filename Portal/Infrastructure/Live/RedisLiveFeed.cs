using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Shared.Live;
using StackExchange.Redis;

namespace Portal.Infrastructure.Live;

/// <summary>The <c>Live</c> section.</summary>
public sealed class LiveOptions
{
    /// <summary>A Redis connection string ("redis:6379"); set, the live feed crosses nodes through Redis pub/sub.</summary>
    public string? Redis { get; set; }
}

/// <summary>
/// The live feed across nodes. Every event is delivered to this node's own subscribers at once (so a node keeps its
/// pages live whatever Redis does) and published on one Redis channel; each node delivers what other nodes publish to
/// its own circuits and hub clients. Events published while Redis was unreachable are lost to the other nodes, so when
/// the connection comes back every subscriber here is told to re-read from the database.
/// </summary>
public sealed class RedisLiveFeed(InMemoryLiveFeed local, LiveOptions options, ILogger<RedisLiveFeed> logger) : ILiveFeed, IHostedService, IAsyncDisposable
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("portal:live");
    private readonly string _node = Guid.NewGuid().ToString("N");
    private ConnectionMultiplexer? _redis;
    private int _lostConnection;

    /// <summary>True while this node can publish to and hear from the other nodes.</summary>
    public bool Connected => _redis?.IsConnected == true;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var configuration = ConfigurationOptions.Parse(options.Redis!);
        // Start, and keep serving, with Redis down: it reconnects in the background.
        configuration.AbortOnConnectFail = false;
        configuration.ConnectRetry = 1;
        configuration.ConnectTimeout = 2000;
        configuration.ReconnectRetryPolicy = new LinearRetry(500);
        _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        _redis.ConnectionFailed += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref _lostConnection, 1) == 0)
            {
                logger.LogWarning("The live feed lost Redis ({Failure}); other nodes' changes pause until it is back", e.FailureType);
            }
        };
        _redis.ConnectionRestored += (_, e) =>
        {
            if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref _lostConnection, 0) == 1)
            {
                logger.LogInformation("The live feed reached Redis again; every open page re-reads");
                local.Resync();
            }
        };
        var queue = await _redis.GetSubscriber().SubscribeAsync(Channel);
        queue.OnMessage(message => ReceiveAsync(message.Message));
    }

    public async ValueTask PublishAsync(IncidentChanged change, CancellationToken cancellationToken = default)
    {
        await local.PublishAsync(change, cancellationToken);
        await SendAsync(new Envelope(_node, change, null));
    }

    public async ValueTask PublishAsync(LiveNotice notice, CancellationToken cancellationToken = default)
    {
        await local.PublishAsync(notice, cancellationToken);
        await SendAsync(new Envelope(_node, null, notice));
    }

    public IDisposable Subscribe(Func<IncidentChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null) => local.Subscribe(onChange, onOverflow);

    public IDisposable SubscribeNotices(Func<LiveNotice, ValueTask> onNotice) => local.SubscribeNotices(onNotice);

    private async Task SendAsync(Envelope envelope)
    {
        if (_redis is not { IsConnected: true } redis)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(Channel, JsonSerializer.Serialize(envelope), CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            // The change is committed and this node's pages have it; only the other nodes miss it, and re-read on reconnect.
            logger.LogDebug(ex, "Publishing a live event to Redis failed");
        }
    }

    private async Task ReceiveAsync(RedisValue message)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(message.ToString());
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "A live event from Redis could not be read");
            return;
        }
        if (envelope is null || envelope.Node == _node)
        {
            return;
        }
        if (envelope.Change is { } change)
        {
            await local.PublishAsync(change);
        }
        if (envelope.Notice is { } notice)
        {
            await local.PublishAsync(notice);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
    }

    private sealed record Envelope(string Node, IncidentChanged? Change, LiveNotice? Notice);
}

/// <summary>Ready, but degraded, while the feed cannot reach Redis: the node serves and writes; only cross-node live updates pause.</summary>
public sealed class LiveFeedHealthCheck(RedisLiveFeed feed) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(feed.Connected
            ? HealthCheckResult.Healthy("Redis reachable: live updates cross nodes.")
            : HealthCheckResult.Degraded("Redis unreachable: this node serves and writes, but other nodes' changes do not reach its pages until it is back."));
}
