using System.Collections.Concurrent;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.SignalR;
using Portal.Infrastructure.Auth;
using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

/// <summary>What outside clients receive as <c>incidentChanged</c>. Enums are strings, the same in JSON and MessagePack.</summary>
public sealed record IncidentChangedMessage(
    long Number, string Key, int Version, string Kind, string Title, string Status, string Severity,
    string? Service, string? Team, string Region, string? Assignee, DateTimeOffset UpdatedAt)
{
    public static IncidentChangedMessage From(IncidentChanged c) => new(
        c.Number, Shared.Incidents.IncidentNumber.Format(c.Number), c.Version, c.Kind.ToString(), c.Title, c.Status.ToString(), c.Severity.ToString(),
        c.Service, c.Team, c.Region.ToString(), c.Assignee, c.UpdatedAt);
}

/// <summary>What outside clients receive as <c>caseChanged</c>.</summary>
public sealed record CaseChangedMessage(
    long Number, string Key, int Version, string Kind, string Subject, string Status, string Priority, string Region, string? Team,
    string? Assignee, DateTimeOffset UpdatedAt)
{
    public static CaseChangedMessage From(CaseChanged c) => new(
        c.Number, Shared.Cases.CaseNumber.Format(c.Number), c.Version, c.Kind.ToString(), c.Subject, c.Status.ToString(), c.Priority.ToString(),
        c.Region.ToString(), c.Team, c.Assignee, c.UpdatedAt);
}

/// <summary>
/// The live hub for wallboards, bots and scripts (<c>/hubs/live</c>): the sign-in cookie or a bearer token
/// (<c>access_token</c> for WebSockets). Clients call <c>Subscribe(topic)</c> and <c>Unsubscribe(topic)</c>.
/// </summary>
[Authorize(Policy = PortalPolicies.Engineer)]
public sealed class LiveHub(LiveSubscriptions subscriptions) : Hub
{
    public const string ChangedMethod = "incidentChanged";
    public const string CaseChangedMethod = "caseChanged";

    /// <summary>Sent to every client when this node may have missed events (for example after a Redis outage): re-read what you show.</summary>
    public const string ResyncMethod = "resync";

    public Task Subscribe(string topic)
    {
        var normalized = LiveTopics.Normalize(topic, out var error) ?? throw new HubException(error);
        subscriptions.Add(Context.ConnectionId, normalized);
        return Task.CompletedTask;
    }

    public Task Unsubscribe(string topic)
    {
        if (LiveTopics.Normalize(topic, out _) is { } normalized)
        {
            subscriptions.Remove(Context.ConnectionId, normalized);
        }
        return Task.CompletedTask;
    }

    public override Task OnDisconnectedAsync(Exception? exception)
    {
        subscriptions.RemoveConnection(Context.ConnectionId);
        return base.OnDisconnectedAsync(exception);
    }
}

/// <summary>Which of this node's hub connections listen to which topics.</summary>
public sealed class LiveSubscriptions
{
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byTopic = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, byte>> _byConnection = new(StringComparer.Ordinal);

    public void Add(string connectionId, string topic)
    {
        _byTopic.GetOrAdd(topic, _ => new(StringComparer.Ordinal))[connectionId] = 0;
        _byConnection.GetOrAdd(connectionId, _ => new(StringComparer.Ordinal))[topic] = 0;
    }

    public void Remove(string connectionId, string topic)
    {
        if (_byTopic.TryGetValue(topic, out var connections))
        {
            connections.TryRemove(connectionId, out _);
        }
        if (_byConnection.TryGetValue(connectionId, out var topics))
        {
            topics.TryRemove(topic, out _);
        }
    }

    public void RemoveConnection(string connectionId)
    {
        if (_byConnection.TryRemove(connectionId, out var topics))
        {
            foreach (var topic in topics.Keys)
            {
                Remove(connectionId, topic);
            }
        }
    }

    /// <summary>Each connection subscribed to any of the topics, once.</summary>
    public IReadOnlyList<string> ConnectionsFor(IReadOnlyList<string> topics)
    {
        var result = new HashSet<string>(StringComparer.Ordinal);
        foreach (var topic in topics)
        {
            if (_byTopic.TryGetValue(topic, out var connections))
            {
                // Enumerating takes no lock (Keys would take them all, on every change).
                foreach (var connection in connections)
                {
                    result.Add(connection.Key);
                }
            }
        }
        return [.. result];
    }
}

/// <summary>
/// Forwards this node's live feed to its hub connections: each change serialised once, then offered to the outbox of
/// each connection that listens (<see cref="LiveOutboxes"/>), so no client's pace holds up the feed or another client.
/// </summary>
public sealed class LiveHubBridge(ILiveFeed feed, LiveSubscriptions subscriptions, LiveOutboxes outboxes) : IHostedService
{
    private IDisposable? _subscription;
    private IDisposable? _cases;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _subscription = feed.Subscribe(change =>
        {
            var connections = subscriptions.ConnectionsFor(LiveTopics.For(change));
            if (connections.Count > 0)
            {
                outboxes.Send(connections, LiveOutboxes.Message(LiveHub.ChangedMethod, IncidentChangedMessage.From(change)));
            }
            return ValueTask.CompletedTask;
        },
        // Events may have been missed (a slow bridge, or Redis back after an outage): clients should re-read.
        () =>
        {
            outboxes.ResyncAll();
            return ValueTask.CompletedTask;
        });
        _cases = feed.SubscribeCases(change =>
        {
            var connections = subscriptions.ConnectionsFor(LiveTopics.For(change));
            if (connections.Count > 0)
            {
                outboxes.Send(connections, LiveOutboxes.Message(LiveHub.CaseChangedMethod, CaseChangedMessage.From(change)));
            }
            return ValueTask.CompletedTask;
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _subscription?.Dispose();
        _cases?.Dispose();
        return Task.CompletedTask;
    }
}
