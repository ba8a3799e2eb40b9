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
