using System.Collections.Concurrent;
using System.Threading.Channels;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace Portal.Infrastructure.Live;

/// <summary>
/// This node's hub connections, each with its own bounded outbox and writer. A change is serialised once (a
/// <see cref="SerializedHubMessage"/> keeps one copy per protocol) and offered to each outbox without waiting, so a
/// client that reads slowly never holds up the others: its outbox fills, what does not fit is dropped, and once its
/// writer is through it is sent <c>resync</c> (re-read what you show), the same rule as after a Redis outage.
/// </summary>
public sealed class LiveOutboxes(ILogger<LiveOutboxes> logger)
{
    /// <summary>Messages a connection may have waiting before it is marked behind.</summary>
    public const int Limit = 256;

    private static readonly SerializedHubMessage Resync = Message(LiveHub.ResyncMethod);
    private readonly ConcurrentDictionary<string, Outbox> _outboxes = new(StringComparer.Ordinal);
    private long _overflows;

    private ILogger Logger { get; } = logger;

    /// <summary>How many times a connection's outbox overflowed since start (each time, that connection is sent a resync).</summary>
    public long Overflows => Interlocked.Read(ref _overflows);

    public static SerializedHubMessage Message(string method, params object?[] arguments) => new(new InvocationMessage(method, arguments));

    internal void Add(HubConnectionContext connection) => _outboxes[connection.ConnectionId] = new Outbox(this, connection);

    internal void Remove(string connectionId)
    {
        if (_outboxes.TryRemove(connectionId, out var outbox))
        {
            outbox.Dispose();
        }
    }

    /// <summary>Offers the message to each of these connections (those gone meanwhile are passed over); never waits.</summary>
    public void Send(IReadOnlyList<string> connectionIds, SerializedHubMessage message)
    {
        foreach (var id in connectionIds)
        {
            if (_outboxes.TryGetValue(id, out var outbox))
            {
                outbox.Offer(message);
            }
        }
    }

    /// <summary>Tells every connection to re-read.</summary>
    public void ResyncAll()
    {
        foreach (var outbox in _outboxes.Values)
        {
            outbox.Offer(Resync);
        }
    }

    private sealed class Outbox : IDisposable
    {
        private readonly Channel<SerializedHubMessage> _queue = Channel.CreateBounded<SerializedHubMessage>(
            new BoundedChannelOptions(Limit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private readonly LiveOutboxes _owner;
        private readonly HubConnectionContext _connection;
        private readonly CancellationTokenSource _stop = new();
        private volatile bool _behind;

        public Outbox(LiveOutboxes owner, HubConnectionContext connection)
        {
            (_owner, _connection) = (owner, connection);
            _ = Task.Run(WriteAsync);
        }

        public void Offer(SerializedHubMessage message)
        {
            if (!_queue.Writer.TryWrite(message) && !_behind)
            {
                _behind = true;
                Interlocked.Increment(ref _owner._overflows);
            }
        }

        private async Task WriteAsync()
        {
            try
            {
                await foreach (var message in _queue.Reader.ReadAllAsync(_stop.Token))
                {
                    if (_behind)
                    {
                        // What was dropped is unknown to the client: throw away what waits too, and tell it to re-read.
                        _behind = false;
                        while (_queue.Reader.TryRead(out _))
                        {
                        }
                        await _connection.WriteAsync(Resync, _stop.Token);
                        continue;
                    }
                    await _connection.WriteAsync(message, _stop.Token);
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (Exception ex)
            {
                _owner.Logger.LogDebug(ex, "Writing to hub connection {Connection} failed", _connection.ConnectionId);
            }
        }

        public void Dispose()
        {
            _queue.Writer.TryComplete();
            _stop.Cancel();
        }
    }
}

/// <summary>SignalR's own lifetime manager for the live hub, which also gives each connection an outbox.</summary>
public sealed class LiveHubLifetimeManager(ILogger<DefaultHubLifetimeManager<LiveHub>> logger, LiveOutboxes outboxes)
    : DefaultHubLifetimeManager<LiveHub>(logger)
{
    public override async Task OnConnectedAsync(HubConnectionContext connection)
    {
        await base.OnConnectedAsync(connection);
        outboxes.Add(connection);
    }

    public override Task OnDisconnectedAsync(HubConnectionContext connection)
    {
        outboxes.Remove(connection.ConnectionId);
        return base.OnDisconnectedAsync(connection);
    }
}
