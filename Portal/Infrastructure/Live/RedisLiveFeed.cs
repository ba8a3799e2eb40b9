using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

/// <summary>The <c>Live</c> section.</summary>
public sealed class LiveOptions
{
    /// <summary>A Redis connection string ("redis:6379"); set, the live feed and presence cross nodes through Redis pub/sub.</summary>
    public string? Redis { get; set; }
}

/// <summary>
/// The live feed across nodes. Every event is delivered to this node's own subscribers at once (so a node keeps its
/// pages live whatever Redis does) and published on one Redis channel; each node delivers what other nodes publish to
/// its own circuits and hub clients. Events published while a node could not reach Redis are lost to the others, so
/// when that node is back (<see cref="RedisBus.Missed"/>) every subscriber on every node is told to re-read.
/// </summary>
public sealed class RedisLiveFeed(InMemoryLiveFeed local, RedisBus bus, ILogger<RedisLiveFeed> logger) : ILiveFeed, IHostedService
{
    private const string Channel = "portal:live";

    /// <summary>True while this node can publish to and hear from the other nodes.</summary>
    public bool Connected => bus.Connected;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        bus.Missed += local.Resync;
        await bus.SubscribeAsync(Channel, ReceiveAsync);
    }

    public async ValueTask PublishAsync(IncidentChanged change, CancellationToken cancellationToken = default)
    {
        await local.PublishAsync(change, cancellationToken);
        await bus.PublishAsync(Channel, JsonSerializer.Serialize(new Envelope(bus.Node, change, null, null)));
    }

    public async ValueTask PublishAsync(LiveNotice notice, CancellationToken cancellationToken = default)
    {
        await local.PublishAsync(notice, cancellationToken);
        await bus.PublishAsync(Channel, JsonSerializer.Serialize(new Envelope(bus.Node, null, notice, null)));
    }

    public async ValueTask PublishAsync(CaseChanged change, CancellationToken cancellationToken = default)
    {
        await local.PublishAsync(change, cancellationToken);
        await bus.PublishAsync(Channel, JsonSerializer.Serialize(new Envelope(bus.Node, null, null, change)));
    }

    public IDisposable SubscribeCases(Func<CaseChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null) => local.SubscribeCases(onChange, onOverflow);

    public IDisposable Subscribe(Func<IncidentChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null) => local.Subscribe(onChange, onOverflow);

    public IDisposable SubscribeNotices(Func<LiveNotice, ValueTask> onNotice) => local.SubscribeNotices(onNotice);

    private async Task ReceiveAsync(string message)
    {
        Envelope? envelope;
        try
        {
            envelope = JsonSerializer.Deserialize<Envelope>(message);
        }
        catch (JsonException ex)
        {
            logger.LogWarning(ex, "A live event from Redis could not be read");
            return;
        }
        if (envelope is null || envelope.Node == bus.Node)
        {
            return;
        }
        if (envelope.Change is { } change)
        {
            await local.PublishAsync(change);
        }
        if (envelope.Case is { } caseChange)
        {
            await local.PublishAsync(caseChange);
        }
        if (envelope.Notice is { } notice)
        {
            await local.PublishAsync(notice);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        bus.Missed -= local.Resync;
        return Task.CompletedTask;
    }

    private sealed record Envelope(string Node, IncidentChanged? Change, LiveNotice? Notice, CaseChanged? Case);
}

/// <summary>Ready, but degraded, while the node cannot reach Redis: it serves and writes; only cross-node live updates pause.</summary>
public sealed class LiveFeedHealthCheck(RedisBus bus) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(bus.Connected
            ? HealthCheckResult.Healthy("Redis reachable: live updates cross nodes.")
            : HealthCheckResult.Degraded("Redis unreachable: this node serves and writes, but other nodes' changes do not reach its pages until it is back."));
}
