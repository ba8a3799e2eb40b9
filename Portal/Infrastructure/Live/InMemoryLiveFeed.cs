using System.Collections.Immutable;
using System.Threading.Channels;
using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

/// <summary>
/// The live feed within one node. Each subscriber has its own bounded queue and reader, so a slow page never holds
/// up the publisher or other pages; one that overflows loses the backlog and is told to re-read.
/// </summary>
public sealed class InMemoryLiveFeed(ILogger<InMemoryLiveFeed> logger) : ILiveFeed
{
    public const int QueueLimit = 1024;
    private ImmutableArray<Subscriber> _subscribers = [];

    public int SubscriberCount => _subscribers.Length;

    public ValueTask PublishAsync(IncidentChanged change, CancellationToken cancellationToken = default)
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Offer(change);
        }
        return ValueTask.CompletedTask;
    }

    public IDisposable Subscribe(Func<IncidentChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null)
    {
        var subscriber = new Subscriber(this, onChange, onOverflow, logger);
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(subscriber));
        return subscriber;
    }

    private void Remove(Subscriber subscriber) => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(subscriber));

    private sealed class Subscriber : IDisposable
    {
        private readonly Channel<IncidentChanged> _queue = Channel.CreateBounded<IncidentChanged>(
            new BoundedChannelOptions(QueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private readonly InMemoryLiveFeed _feed;
        private readonly Func<IncidentChanged, ValueTask> _onChange;
        private readonly Func<ValueTask>? _onOverflow;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _stop = new();
        private volatile bool _overflowed;

        public Subscriber(InMemoryLiveFeed feed, Func<IncidentChanged, ValueTask> onChange, Func<ValueTask>? onOverflow, ILogger logger)
        {
            (_feed, _onChange, _onOverflow, _logger) = (feed, onChange, onOverflow, logger);
            _ = Task.Run(ReadAsync);
        }

        public void Offer(IncidentChanged change)
        {
            if (!_queue.Writer.TryWrite(change))
            {
                _overflowed = true;
            }
        }

        private async Task ReadAsync()
        {
            try
            {
                await foreach (var change in _queue.Reader.ReadAllAsync(_stop.Token))
                {
                    if (_overflowed)
                    {
                        _overflowed = false;
                        while (_queue.Reader.TryRead(out _))
                        {
                        }
                        await Safely(() => _onOverflow?.Invoke() ?? ValueTask.CompletedTask);
                        continue;
                    }
                    await Safely(() => _onChange(change));
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task Safely(Func<ValueTask> call)
        {
            try
            {
                await call();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // One broken subscriber must not stop its own stream, nor anyone else's.
                _logger.LogWarning(ex, "A live feed subscriber failed to handle an event");
            }
        }

        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 1)
            {
                return;
            }
            _feed.Remove(this);
            _stop.Cancel();
            _queue.Writer.TryComplete();
            _stop.Dispose();
        }
    }
}
