namespace Portal.Background;

/// <summary>Runs a unit of work when woken or every interval; a failure is logged and the next round tries again.</summary>
public abstract class PollingProcessor(ProcessorSignal signal, TimeProvider clock, TimeSpan interval, ILogger logger) : BackgroundService
{
    /// <summary>The clock the rounds run by, for subclasses that stamp what they do.</summary>
    protected TimeProvider Clock => clock;

    protected abstract Task<int> RunOnceAsync(CancellationToken cancellationToken);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // Work found while running may be due at once (a level with nobody on call escalates immediately).
                while (await RunOnceAsync(stoppingToken) > 0 && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "{Processor} failed; retrying in {Interval}", GetType().Name, interval);
            }
            try
            {
                await signal.WaitAsync(interval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
