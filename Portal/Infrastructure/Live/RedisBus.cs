using StackExchange.Redis;

namespace Portal.Infrastructure.Live;

/// <summary>
/// This node's connection to Redis, shared by the live feed and presence: publish to and listen on named channels,
/// skipping this node's own messages. Starts (and keeps running) with Redis down, and says when it is back.
/// </summary>
public sealed class RedisBus(LiveOptions options, ILogger<RedisBus> logger) : IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;
    private int _lost;

    /// <summary>This node's id on the bus.</summary>
    public string Node { get; } = Guid.NewGuid().ToString("N");

    public bool Connected => _redis?.IsConnected == true;

    /// <summary>Raised when the connection comes back after a loss: anything published meanwhile was missed.</summary>
    public event Action? Restored;

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
                    logger.LogInformation("Reached Redis again");
                    Restored?.Invoke();
                }
            };
            _redis = redis;
        }
        finally
        {
            _connecting.Release();
        }
    }

    /// <summary>
    /// Calls <paramref name="receive"/> with what other nodes publish on the channel. Returns at once, also while Redis
    /// is away: the client keeps the subscription and makes it on the server whenever the connection is (re)made, so
    /// a node restarted during an outage starts serving and joins the feed when Redis is back.
    /// </summary>
    public async Task SubscribeAsync(string channel, Func<string, Task> receive)
    {
        await ConnectAsync();
        // A queue, not a handler: the client hands a queue's messages over one at a time, in the order published.
        var queue = await _redis!.GetSubscriber().SubscribeAsync(RedisChannel.Literal(channel), CommandFlags.FireAndForget);
        queue.OnMessage(message => receive(message.Message.ToString()));
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
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
