using Portal.Shared.Live;

namespace Portal.Features.Incidents;

/// <summary>
/// The live-update loop of a page: live hints that concern it (or lost ones, after an overflow) mark it dirty, and
/// one timer calls the page back every <see cref="Tick"/>, telling it whether anything changed. A storm of changes
/// becomes a few re-reads and renders a second, and the database stays the source of truth. Incident pages use the
/// constructor; case pages <see cref="ForCases"/>.
/// </summary>
public sealed class LiveRefresh : IDisposable
{
    public static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    private readonly IDisposable _subscription;
    private readonly ITimer _timer;
    private int _dirty;
    private long _received;

    /// <summary>How many live hints this page has been handed (tests wait on it instead of on time).</summary>
    public long Received => Interlocked.Read(ref _received);

    /// <param name="feed">The node's live feed.</param>
    /// <param name="clock">The clock that drives the ticks.</param>
    /// <param name="concerns">Whether a change may concern the page; when unsure, say yes.</param>
    /// <param name="onTick">Called every tick with whether something changed since the last one.</param>
    /// <param name="dispatch">Runs the callback on the page's renderer (the component's InvokeAsync).</param>
    public LiveRefresh(ILiveFeed feed, TimeProvider clock, Func<IncidentChanged, bool> concerns, Func<bool, Task> onTick, Func<Func<Task>, Task> dispatch)
        : this(clock, onTick, dispatch, (hint, overflow) => feed.Subscribe(change => hint(concerns(change)), overflow))
    {
    }

    private LiveRefresh(TimeProvider clock, Func<bool, Task> onTick, Func<Func<Task>, Task> dispatch,
        Func<Func<bool, ValueTask>, Func<ValueTask>, IDisposable> subscribe)
    {
        _subscription = subscribe(concerns =>
        {
            Interlocked.Increment(ref _received);
            if (concerns)
            {
                MarkDirty();
            }
            return ValueTask.CompletedTask;
        }, () =>
        {
            MarkDirty();
            return ValueTask.CompletedTask;
        });
        _timer = clock.CreateTimer(_ => _ = dispatch(() => onTick(Interlocked.Exchange(ref _dirty, 0) == 1)), null, Tick, Tick);
    }

    /// <summary>The same loop over case hints.</summary>
    public static LiveRefresh ForCases(ILiveFeed feed, TimeProvider clock, Func<CaseChanged, bool> concerns, Func<bool, Task> onTick, Func<Func<Task>, Task> dispatch) =>
        new(clock, onTick, dispatch, (hint, overflow) => feed.SubscribeCases(change => hint(concerns(change)), overflow));

    private void MarkDirty() => Interlocked.Exchange(ref _dirty, 1);

    public void Dispose()
    {
        _timer.Dispose();
        _subscription.Dispose();
    }
}
