using System.Diagnostics;
using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Alerts;
using Portal.Shared.Live;

namespace Portal.Features.Alerts;

public sealed class AlertIngestionOptions
{
    /// <summary>Events waiting for the writer before senders are told 429.</summary>
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>The most events one transaction commits.</summary>
    public int MaxBatch { get; set; } = 500;

    /// <summary>
    /// How long the writer waits for more events after the first of a batch. Zero by default: events that arrive while
    /// a batch commits form the next one, so batches grow with the load by themselves, and a wait would only add latency
    /// (measured with <c>bench ingest</c>: 5 ms cost 40% of the throughput of repeated keys).
    /// </summary>
    public TimeSpan BatchWindow { get; set; } = TimeSpan.Zero;

    /// <summary>Events per second per integration key (token bucket), and the burst above it.</summary>
    public int PerKeyPerSecond { get; set; } = 100;

    public int PerKeyBurst { get; set; } = 1000;
}

/// <summary>The queue is full: the sender should retry shortly.</summary>
public sealed class IngestionBusyException() : Exception("The portal is taking in more events than it can write; retry shortly.");

/// <summary>The database did not take the batch: nothing of it was written.</summary>
public sealed class IngestionFailedException(Exception inner) : Exception("The events could not be stored; nothing was written. Retry shortly.", inner);

/// <summary>
/// The one writer per node: endpoints validate and hand events here; the writer commits them in batches, one
/// transaction each, and only then answers each sender. A full queue refuses at once (429); a failed batch fails
/// every event in it (503), so nothing is ever acknowledged without a commit.
/// </summary>
public sealed class AlertIngestion(
    IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, AlertIngestionOptions options, ILogger<AlertIngestion> logger,
    Features.OnCall.EscalationSignal escalations, IEnumerable<IPagingHold> holds)
    : BackgroundService
{
    private const int Attempts = 3;
    private readonly IReadOnlyList<IPagingHold> _holds = [.. holds];

    private sealed record Pending(Integration Integration, AlertEvent Event, TaskCompletionSource<AlertResult> Done);

    private readonly Channel<Pending> _queue = Channel.CreateBounded<Pending>(
        new BoundedChannelOptions(options.QueueCapacity) { SingleReader = true, FullMode = BoundedChannelFullMode.Wait });

    /// <summary>Queues the events and waits for their commit; the results are in the same order.</summary>
    public async Task<IReadOnlyList<AlertResult>> SubmitAsync(Integration integration, IReadOnlyList<AlertEvent> events, CancellationToken cancellationToken)
    {
        var pending = new List<Task<AlertResult>>(events.Count);
        foreach (var e in events)
        {
            var done = new TaskCompletionSource<AlertResult>(TaskCreationOptions.RunContinuationsAsynchronously);
            if (!_queue.Writer.TryWrite(new Pending(integration, e, done)))
            {
                // Those already queued are still written; the sender retries the whole request, and dedup keys make that safe.
                throw new IngestionBusyException();
            }
            pending.Add(done.Task);
        }
        return await Task.WhenAll(pending).WaitAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var batch = new List<Pending>(options.MaxBatch);
        while (await _queue.Reader.WaitToReadAsync(stoppingToken))
        {
            batch.Clear();
            var window = Stopwatch.StartNew();
            while (batch.Count < options.MaxBatch)
            {
                if (_queue.Reader.TryRead(out var next))
                {
                    batch.Add(next);
                }
                else if (window.Elapsed < options.BatchWindow && batch.Count > 0)
                {
                    await Task.Delay(1, stoppingToken);
                }
                else
                {
                    break;
                }
            }
            if (batch.Count > 0)
            {
                await WriteAsync(batch, stoppingToken);
            }
        }
    }

    private async Task WriteAsync(List<Pending> batch, CancellationToken stoppingToken)
    {
        IReadOnlyList<IncidentChanged> hints;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var started = Stopwatch.GetTimestamp();
                // A batch, once taken, is written to its end even while the node stops: its senders are waiting for the answer.
                (var results, hints) = await CommitAsync(batch, CancellationToken.None);
                logger.LogDebug("Committed {Count} alert event(s) in {Elapsed:0.0} ms", batch.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                for (var i = 0; i < batch.Count; i++)
                {
                    batch[i].Done.TrySetResult(results[i]);
                }
                break;
            }
            catch (DbUpdateException ex) when (attempt < Attempts)
            {
                // Someone else changed an incident of this batch, or another node opened the same alert first: nothing of
                // the batch was written; read again and re-apply.
                logger.LogDebug(ex, "Alert batch of {Count} collided on attempt {Attempt}; retrying", batch.Count, attempt);
            }
            catch (Exception ex)
            {
                logger.LogWarning(ex, "An alert batch of {Count} event(s) could not be stored", batch.Count);
                foreach (var pending in batch)
                {
                    pending.Done.TrySetException(new IngestionFailedException(ex));
                }
                return;
            }
        }
        try
        {
            foreach (var hint in hints)
            {
                await feed.PublishAsync(hint, stoppingToken);
            }
        }
        catch (OperationCanceledException)
        {
            // Shutting down: committed and answered; open pages re-read when they reconnect.
        }
        catch (Exception ex)
        {
            // Committed and answered; only the live hints are missing (pages re-read on their next change or reconnect).
            // Whatever the feed's transport throws must not stop the writer.
            logger.LogWarning(ex, "Live hints for an alert batch were not published");
        }
    }

    private async Task<(List<AlertResult>, IReadOnlyList<IncidentChanged>)> CommitAsync(List<Pending> batch, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var applier = new AlertApplier(db, clock.GetUtcNow(), _holds);
        await applier.PrefetchAsync(batch.Select(p => (p.Integration.Id, p.Event.DedupKey)), cancellationToken);
        foreach (var pending in batch)
        {
            await applier.ApplyAsync(pending.Integration, pending.Event, cancellationToken);
        }
        await SetInsert.SaveAsync(db, AlertApplier.NewRows, cancellationToken);
        var hints = await applier.HintsAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (applier.Escalating)
        {
            escalations.Wake();
        }
        return ([.. applier.Results], hints);
    }
}
