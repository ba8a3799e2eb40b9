using System.Collections.Concurrent;
using StackExchange.Redis;

namespace Portal.Infrastructure.Live;

/// <summary>
/// This node's connection to Redis, shared by the live feed and presence: publish to and listen on named channels.
/// Starts (and keeps running) with Redis down, and says when messages may have been missed (<see cref="Missed"/>).
/// </summary>
/// <remarks>
/// Redis pub/sub delivers to whoever is subscribed at that moment, so around an outage messages get lost in two ways:
/// this node was away (anything published meanwhile never reached it), or another node was away (what it published
/// meanwhile was dropped, even though this node was connected). So when this node's subscriptions are live again
/// (proven by hearing its own probe on every channel, not merely by the socket reconnecting) it raises
/// <see cref="Missed"/> for itself and announces on <see cref="ControlChannel"/> that it is back, and every other node
/// raises <see cref="Missed"/> too.
/// </remarks>
public sealed class RedisBus(LiveOptions options, ILogger<RedisBus> logger) : IAsyncDisposable
{
    /// <summary>The bus's own channel: nodes announce there that they are back.</summary>
    public const string ControlChannel = "portal:nodes";

    private const string ProbePrefix = "probe:";
    private const string BackPrefix = "back:";
    private static readonly TimeSpan ProbeEvery = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan ProbePoll = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan ProbeFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan ConfirmWithin = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan WatchEvery = TimeSpan.FromSeconds(2);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    // Every subscribed channel, with the probe nonce last heard on it from this node.
    private readonly ConcurrentDictionary<string, string> _heard = new();
    private ConnectionMultiplexer? _redis;
    private int _rejoining;
    private int _live;

    /// <summary>This node's id on the bus.</summary>
    public string Node { get; } = Guid.NewGuid().ToString("N");

    /// <summary>True while this node's subscriptions are known to be live (from start, or since it rejoined after a loss).</summary>
    public bool Connected => _redis?.IsConnected == true && Volatile.Read(ref _live) == 1;

    /// <summary>
    /// Raised when messages may have been missed: this node's subscriptions are live again after a loss, or another
    /// node announced it is back after one. Whoever shows what the messages carry should re-read.
    /// </summary>
    public event Action? Missed;

    public async Task ConnectAsync()
    {
        await _connecting.WaitAsync();
        try
        {
            if (_redis is not null)
            {
                return;
            }
            var configuration = ConfigurationOptions.Parse(options.Redis!);
            configuration.AbortOnConnectFail = false;
            configuration.ConnectRetry = 1;
            configuration.ConnectTimeout = 2000;
            configuration.ReconnectRetryPolicy = new LinearRetry(500);
            // Operators (and tests) tell the nodes apart in CLIENT LIST.
            configuration.ClientName ??= $"portal-{Node}";
            var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
            redis.ConnectionFailed += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref _live, 0) == 1)
                {
                    logger.LogWarning("Lost Redis ({Failure}); other nodes' live changes and presence pause until it is back", e.FailureType);
                }
            };
            redis.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Subscription)
                {
                    _ = RejoinAsync();
                }
            };
            // Started while Redis is away, this node is not live yet: what it changes until it is there is lost to the
            // others, as after a loss. The watch below rejoins as soon as it can.
            Volatile.Write(ref _live, redis.IsConnected ? 1 : 0);
            if (!redis.IsConnected)
            {
                logger.LogWarning("Redis is not reachable; this node serves on its own and joins the other nodes' live changes when it is");
            }
            _ = WatchAsync();
            _redis = redis;
            await ListenAsync(ControlChannel, OnControlAsync);
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>
    /// Calls <paramref name="receive"/> with what other nodes publish on the channel. Returns at once, also while Redis
    /// is away: the client keeps the subscription and makes it on the server whenever the connection is (re)made, so
    /// a node started during an outage serves its own pages and joins the feed when Redis is back.
    /// </summary>
    public async Task SubscribeAsync(string channel, Func<string, Task> receive)
    {
        await ConnectAsync();
        await ListenAsync(channel, receive);
        // With Redis there, the subscription is made before this returns: what is published after is heard.
        if (_redis!.IsConnected && !await ProbeAsync([channel], ConfirmWithin))
        {
            logger.LogWarning("Redis did not confirm the subscription to {Channel} within {Seconds} s; it is made when the connection is", channel, ConfirmWithin.TotalSeconds);
        }
    }

    private async Task ListenAsync(string channel, Func<string, Task> receive)
    {
        _heard.TryAdd(channel, "");
        // A queue, not a handler: the client hands a queue's messages over one at a time, in the order published.
        var queue = await _redis!.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), CommandFlags.FireAndForget);
        queue.OnMessage(message =>
        {
            var text = message.Message.ToString();
            if (text.StartsWith(ProbePrefix, StringComparison.Ordinal))
            {
                // Probes are the bus's own; this node's tell it the channel is live again, other nodes' mean nothing.
                if (text.AsSpan(ProbePrefix.Length).StartsWith(Node + ":", StringComparison.Ordinal))
                {
                    _heard[channel] = text[(ProbePrefix.Length + Node.Length + 1)..];
                }
                return Task.CompletedTask;
            }
            return receive(text);
        });
    }

    private Task OnControlAsync(string message)
    {
        if (message.StartsWith(BackPrefix, StringComparison.Ordinal) && message[BackPrefix.Length..] != Node)
        {
            logger.LogInformation("Node {Node} is back on Redis; re-reading what it may have changed meanwhile", message[BackPrefix.Length..]);
            Missed?.Invoke();
        }
        return Task.CompletedTask;
    }

    /// <summary>
    /// Rejoins whenever Redis is reachable but this node is not live. The client's connection events alone are not
    /// enough: a restore can be reported before the failure it ends, and a first connection is not a restore.
    /// </summary>
    private async Task WatchAsync()
    {
        using var timer = new PeriodicTimer(WatchEvery);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token))
            {
                if (Volatile.Read(ref _live) == 0 && _redis?.IsConnected == true)
                {
                    await RejoinAsync();
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>After a loss: waits until every subscription hears this node's probe, then re-reads and says it is back.</summary>
    private async Task RejoinAsync()
    {
        if (Interlocked.Exchange(ref _rejoining, 1) == 1)
        {
            return;
        }
        try
        {
            if (!await ProbeAsync([.. _heard.Keys], ProbeFor))
            {
                // Gone again, or not answering: the watch tries again while the connection is up.
                logger.LogWarning("Reconnected to Redis, but this node's subscriptions did not answer within {Seconds} s", ProbeFor.TotalSeconds);
                return;
            }
            logger.LogInformation("Reached Redis again");
            Volatile.Write(ref _live, 1);
            Missed?.Invoke();
            await PublishAsync(ControlChannel, BackPrefix + Node);
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            Volatile.Write(ref _rejoining, 0);
        }
    }

    /// <summary>Publishes probes on the channels until this node hears its latest on every one (true), or time is up.</summary>
    private async Task<bool> ProbeAsync(IReadOnlyCollection<string> channels, TimeSpan within)
    {
        var until = DateTime.UtcNow + within;
        while (DateTime.UtcNow < until)
        {
            var nonce = Guid.NewGuid().ToString("N");
            foreach (var channel in channels)
            {
                await PublishAsync(channel, $"{ProbePrefix}{Node}:{nonce}");
            }
            for (var waited = TimeSpan.Zero; waited < ProbeEvery; waited += ProbePoll)
            {
                await Task.Delay(ProbePoll, _stopping.Token);
                if (channels.All(channel => _heard.TryGetValue(channel, out var heard) && heard == nonce))
                {
                    return true;
                }
            }
        }
        return false;
    }

    /// <summary>Publishes when connected; while Redis is away the message is dropped (the other nodes re-read when it is back).</summary>
    public async Task PublishAsync(string channel, string message)
    {
        if (_redis is not { IsConnected: true } redis)
        {
            return;
        }
        try
        {
            await redis.GetSubscriber().PublishAsync(RedisChannel.Literal(channel), message, CommandFlags.FireAndForget);
        }
        catch (RedisException ex)
        {
            logger.LogDebug(ex, "Publishing to Redis failed");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync();
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        _connecting.Dispose();
        _stopping.Dispose();
    }
}
