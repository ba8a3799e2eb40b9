namespace Portal.Background;

/// <summary>
/// Lets a change wake a processor on this node at once instead of at its next scan. Other nodes still find the work
/// at their own scan, so a lost wake-up only costs time.
/// </summary>
public abstract class ProcessorSignal : IDisposable
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    public void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // A wake-up is already pending; it covers every change before it.
        }
    }

    public void Dispose()
    {
        _wake.Dispose();
        GC.SuppressFinalize(this);
    }

    /// <summary>Returns when woken or when <paramref name="interval"/> has passed on <paramref name="clock"/>, whichever is first.</summary>
    public async Task WaitAsync(TimeSpan interval, TimeProvider clock, CancellationToken cancellationToken)
    {
        using var either = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var delay = Task.Delay(interval, clock, either.Token);
        var wake = _wake.WaitAsync(either.Token);
        await Task.WhenAny(delay, wake);
        await either.CancelAsync();
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            await Task.WhenAll(delay, wake);
        }
        catch (OperationCanceledException)
        {
            // The one that lost the race was cancelled; that is the point.
        }
    }
}
