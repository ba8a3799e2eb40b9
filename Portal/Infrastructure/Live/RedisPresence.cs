using System.Text.Json;
using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

/// <summary>
/// Presence across nodes. This node's viewers live in its own <see cref="InMemoryPresence"/>; whenever the viewers of
/// an incident change here, and every few seconds for all of them, it publishes who looks at it from this node, and it
/// merges what the other nodes publish. Reads stay in memory. A node that stops publishing (it died, or lost Redis)
/// drops out of everyone's view after <see cref="Expiry"/>.
/// </summary>
public sealed class RedisPresence(InMemoryPresence local, RedisBus bus, TimeProvider clock, ILogger<RedisPresence> logger, string channel) : IPresence, IHostedService, IDisposable
{
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(15);

    /// <summary>The presence of one space (incidents, cases) over its own Redis channel.</summary>
    public static RedisPresence Create(IServiceProvider services, InMemoryPresence local, string channel) =>
        new(local, services.GetRequiredService<RedisBus>(), services.GetRequiredService<TimeProvider>(), services.GetRequiredService<ILogger<RedisPresence>>(), channel);

    private readonly Lock _lock = new();
    private readonly Dictionary<(string Node, long Number), (IReadOnlyList<Viewer> Viewers, DateTimeOffset Until)> _remote = [];
    private ITimer? _timer;

    public event Action<long>? Changed;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        local.Changed += OnLocalChanged;
        await bus.SubscribeAsync(channel, ReceiveAsync);
        _timer = clock.CreateTimer(_ => _ = BeatAsync(), null, Heartbeat, Heartbeat);
    }

    public IDisposable Join(long number, string handle, string name) => local.Join(number, handle, name);

    public void Typing(long number, string handle) => local.Typing(number, handle);

    public IReadOnlyList<Viewer> Viewers(long number)
    {
        var mine = local.Viewers(number);
        var now = clock.GetUtcNow();
        List<Viewer> theirs;
        lock (_lock)
        {
            theirs = [.. _remote.Where(r => r.Key.Number == number && r.Value.Until > now).SelectMany(r => r.Value.Viewers)];
        }
        return theirs.Count == 0
            ? mine
            : [.. mine.Concat(theirs).GroupBy(v => v.Handle).Select(g => g.First() with { Typing = g.Any(v => v.Typing) }).OrderBy(v => v.Name, StringComparer.Ordinal)];
    }

    public IReadOnlyDictionary<long, int> Counts(IEnumerable<long> numbers) =>
        numbers.Distinct().Select(n => (n, Viewers(n).Count)).Where(x => x.Count > 0).ToDictionary(x => x.n, x => x.Count);

    private void OnLocalChanged(long number)
    {
        Changed?.Invoke(number);
        _ = PublishAsync(number);
    }

    private Task PublishAsync(long number) =>
        bus.PublishAsync(channel, JsonSerializer.Serialize(new Snapshot(bus.Node, number, local.Viewers(number))));

    /// <summary>Publishes everything this node sees (so new nodes learn it and others keep it alive), and forgets silent nodes.</summary>
    private async Task BeatAsync()
    {
        try
        {
            foreach (var number in local.Numbers())
            {
                await PublishAsync(number);
            }
            var now = clock.GetUtcNow();
            List<long> expired;
            lock (_lock)
            {
                var stale = _remote.Where(r => r.Value.Until <= now).Select(r => r.Key).ToList();
                stale.ForEach(k => _remote.Remove(k));
                expired = [.. stale.Select(k => k.Number).Distinct()];
            }
            expired.ForEach(n => Changed?.Invoke(n));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Publishing presence failed");
        }
    }

    private Task ReceiveAsync(string message)
    {
        Snapshot? snapshot;
        try
        {
            snapshot = JsonSerializer.Deserialize<Snapshot>(message);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "A presence message from Redis could not be read");
            return Task.CompletedTask;
        }
        if (snapshot is null || snapshot.Node == bus.Node)
        {
            return Task.CompletedTask;
        }
        lock (_lock)
        {
            if (snapshot.Viewers.Count == 0)
            {
                _remote.Remove((snapshot.Node, snapshot.Number));
            }
            else
            {
                _remote[(snapshot.Node, snapshot.Number)] = (snapshot.Viewers, clock.GetUtcNow() + Expiry);
            }
        }
        Changed?.Invoke(snapshot.Number);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        local.Changed -= OnLocalChanged;
        _timer?.Dispose();
        return Task.CompletedTask;
    }

    public void Dispose() => _timer?.Dispose();

    private sealed record Snapshot(string Node, long Number, IReadOnlyList<Viewer> Viewers);
}
