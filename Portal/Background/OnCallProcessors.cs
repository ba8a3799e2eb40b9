using Portal.Features.OnCall;

namespace Portal.Background;

/// <summary>The <c>Escalation</c> section.</summary>
public sealed class EscalationOptions
{
    /// <summary>How often due escalation steps are looked for when nothing wakes the processor.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(5);
}

/// <summary>
/// Takes due escalation steps outside any user's circuit. Safe on several nodes: each step is claimed through the
/// escalation's version.
/// </summary>
public sealed class EscalationProcessor(IServiceScopeFactory scopes, EscalationSignal signal, TimeProvider clock, EscalationOptions options, ILogger<EscalationProcessor> logger)
    : PollingProcessor(signal, clock, options.ScanInterval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<EscalationService>().ProcessDueAsync(cancellationToken);
    }
}

/// <summary>Sends outbound notifications (webhooks, Slack, Teams, email) outside any user's circuit.</summary>
public sealed class DeliveryDispatcher(IServiceScopeFactory scopes, DeliverySignal signal, TimeProvider clock, NotificationOptions options, ILogger<DeliveryDispatcher> logger)
    : PollingProcessor(signal, clock, options.ScanInterval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        return await scope.ServiceProvider.GetRequiredService<DeliveryService>().DeliverDueAsync(cancellationToken);
    }
}

/// <summary>Runs a unit of work when woken or every interval; a failure is logged and the next round tries again.</summary>
public abstract class PollingProcessor(ProcessorSignal signal, TimeProvider clock, TimeSpan interval, ILogger logger) : BackgroundService
{
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
