using Portal.Background;

namespace Portal.Features.Rca;

/// <summary>Keeps recurrence families and action-item reminders current outside any user's circuit.</summary>
public sealed class RcaProcessor(IServiceScopeFactory scopes, RcaSignal signal, TimeProvider clock, ILogger<RcaProcessor> logger)
    : PollingProcessor(signal, clock, TimeSpan.FromMinutes(1), logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ActionItemService>().RemindAsync(cancellationToken);
        // Families are assigned in one pass; reporting 0 keeps the processor from looping on incidents without alerts.
        await scope.ServiceProvider.GetRequiredService<RecurrenceService>().AssignFamiliesAsync(null, cancellationToken);
        return 0;
    }
}

public sealed class RcaSignal : ProcessorSignal;
