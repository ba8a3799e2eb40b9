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
    private ImmutableArray<Subscriber<IncidentChanged>> _subscribers = [];
    private ImmutableArray<Subscriber<LiveNotice>> _noticeSubscribers = [];
    private ImmutableArray<Subscriber<CaseChanged>> _caseSubscribers = [];

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
        var subscriber = new Subscriber<IncidentChanged>(s => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(s)), onChange, onOverflow, logger);
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(subscriber));
        return subscriber;
    }

    /// <summary>Tells every subscriber that it may have missed events and should re-read (its overflow handler runs).</summary>
    public void Resync()
    {
        foreach (var subscriber in _subscribers)
        {
            subscriber.Resync();
        }
        foreach (var subscriber in _caseSubscribers)
        {
            subscriber.Resync();
        }
    }

    public ValueTask PublishAsync(CaseChanged change, CancellationToken cancellationToken = default)
    {
        foreach (var subscriber in _caseSubscribers)
        {
            subscriber.Offer(change);
        }
        return ValueTask.CompletedTask;
    }

    public IDisposable SubscribeCases(Func<CaseChanged, ValueTask> onChange, Func<ValueTask>? onOverflow = null)
    {
        var subscriber = new Subscriber<CaseChanged>(s => ImmutableInterlocked.Update(ref _caseSubscribers, list => list.Remove(s)), onChange, onOverflow, logger);
        ImmutableInterlocked.Update(ref _caseSubscribers, list => list.Add(subscriber));
        return subscriber;
    }

    public ValueTask PublishAsync(LiveNotice notice, CancellationToken cancellationToken = default)
    {
        foreach (var subscriber in _noticeSubscribers)
        {
            subscriber.Offer(notice);
        }
        return ValueTask.CompletedTask;
    }

    public IDisposable SubscribeNotices(Func<LiveNotice, ValueTask> onNotice)
    {
        var subscriber = new Subscriber<LiveNotice>(s => ImmutableInterlocked.Update(ref _noticeSubscribers, list => list.Remove(s)), onNotice, null, logger);
        ImmutableInterlocked.Update(ref _noticeSubscribers, list => list.Add(subscriber));
        return subscriber;
    }

    private sealed class Subscriber<T> : IDisposable
    {
        private readonly Channel<T> _queue = Channel.CreateBounded<T>(
            new BoundedChannelOptions(QueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });
        private readonly Action<Subscriber<T>> _remove;
        private readonly Func<T, ValueTask> _onChange;
        private readonly Func<ValueTask>? _onOverflow;
        private readonly ILogger _logger;
        private readonly CancellationTokenSource _stop = new();
        private volatile bool _overflowed;

        public Subscriber(Action<Subscriber<T>> remove, Func<T, ValueTask> onChange, Func<ValueTask>? onOverflow, ILogger logger)
        {
            (_remove, _onChange, _onOverflow, _logger) = (remove, onChange, onOverflow, logger);
            _ = Task.Run(ReadAsync);
        }

        public void Resync()
        {
            _overflowed = true;
            // Wakes the reader; it drains the queue (this placeholder with it) and calls the overflow handler.
            _queue.Writer.TryWrite(default!);
        }

        public void Offer(T change)
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
            _remove(this);
            _stop.Cancel();
            _queue.Writer.TryComplete();
            _stop.Dispose();
        }
    }
}
