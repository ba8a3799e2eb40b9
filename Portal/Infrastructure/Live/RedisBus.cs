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
    private static readonly TimeSpan ProbeFor = TimeSpan.FromSeconds(30);

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private readonly CancellationTokenSource _stopping = new();
    // Every subscribed channel, with the probe nonce last heard on it from this node.
    private readonly ConcurrentDictionary<string, string> _heard = new();
    private ConnectionMultiplexer? _redis;
    private int _lost;
    private int _rejoining;

    /// <summary>This node's id on the bus.</summary>
    public string Node { get; } = Guid.NewGuid().ToString("N");

    public bool Connected => _redis?.IsConnected == true;

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
                if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref _lost, 1) == 0)
                {
                    logger.LogWarning("Lost Redis ({Failure}); other nodes' live changes and presence pause until it is back", e.FailureType);
                }
            };
            redis.ConnectionRestored += (_, e) =>
            {
                if (e.ConnectionType == ConnectionType.Subscription && Interlocked.Exchange(ref _lost, 0) == 1)
                {
                    _ = RejoinAsync();
                }
            };
            // Started while Redis is away: what this node changes until it is there is lost to the others, as after a loss.
            if (!redis.IsConnected)
            {
                Interlocked.Exchange(ref _lost, 1);
            }
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

    /// <summary>After a loss: waits until every subscription hears this node's probe, then re-reads and says it is back.</summary>
    private async Task RejoinAsync()
    {
        if (Interlocked.Exchange(ref _rejoining, 1) == 1)
        {
            return;
        }
        try
        {
            var live = false;
            var until = DateTime.UtcNow + ProbeFor;
            while (!live && DateTime.UtcNow < until && !_stopping.IsCancellationRequested)
            {
                var nonce = Guid.NewGuid().ToString("N");
                foreach (var channel in _heard.Keys)
                {
                    await PublishAsync(channel, $"{ProbePrefix}{Node}:{nonce}");
                }
                await Task.Delay(ProbeEvery, _stopping.Token);
                live = _heard.Values.All(heard => heard == nonce);
            }
            if (live)
            {
                logger.LogInformation("Reached Redis again");
            }
            else
            {
                logger.LogWarning("Reconnected to Redis, but this node's subscriptions did not answer within {Seconds} s; re-reading anyway", ProbeFor.TotalSeconds);
            }
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
