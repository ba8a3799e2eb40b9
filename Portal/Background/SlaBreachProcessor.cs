using Portal.Features.Incidents;

namespace Portal.Background;

/// <summary>The <c>Sla</c> section.</summary>
public sealed class SlaProcessorOptions
{
    /// <summary>How often open incidents are checked for SLA clocks that ran out.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(15);
}

/// <summary>
/// Records SLA breaches as they happen, outside any user's circuit. Safe on several nodes: each breach is claimed
/// through the incident's version, so it is recorded once.
/// </summary>
public sealed class SlaBreachProcessor(IServiceScopeFactory scopes, TimeProvider clock, SlaProcessorOptions options, ILogger<SlaBreachProcessor> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var scope = scopes.CreateAsyncScope();
                var recorded = await scope.ServiceProvider.GetRequiredService<IncidentService>().RecordBreachesAsync(stoppingToken);
                if (recorded > 0)
                {
                    logger.LogInformation("Recorded {Count} SLA breach(es)", recorded);
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // A database hiccup must not stop the processor; the next scan tries again.
                logger.LogWarning(ex, "SLA scan failed; retrying in {Interval}", options.ScanInterval);
            }
            try
            {
                await Task.Delay(options.ScanInterval, clock, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
