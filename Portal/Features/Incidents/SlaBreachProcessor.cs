
using Portal.Background;

namespace Portal.Features.Incidents;

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
public sealed class SlaBreachProcessor(IServiceScopeFactory scopes, SlaSignal signal, TimeProvider clock, SlaProcessorOptions options, ILogger<SlaBreachProcessor> logger)
    : PollingProcessor(signal, clock, options.ScanInterval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorded = await scope.ServiceProvider.GetRequiredService<SlaBreachService>().RecordBreachesAsync(cancellationToken);
        if (recorded > 0)
        {
            logger.LogInformation("Recorded {Count} SLA breach(es)", recorded);
        }
        return recorded;
    }
}

/// <summary>Nothing wakes the SLA processor early today; it scans on its interval.</summary>
public sealed class SlaSignal : ProcessorSignal;
