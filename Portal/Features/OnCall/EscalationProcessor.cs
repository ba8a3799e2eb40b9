using Portal.Background;

namespace Portal.Features.OnCall;

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
