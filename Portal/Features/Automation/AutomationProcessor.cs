using Portal.Background;

namespace Portal.Features.Automation;

/// <summary>Runs automation's rounds on every node: self-healing starts, workflow rules fire, then runs are expired, lost, dispatched and verified.</summary>
public sealed class AutomationProcessor(IServiceScopeFactory scopes, AutomationSignal signal, TimeProvider clock, AutomationOptions options,
    HealingService healing, ILogger<AutomationProcessor> logger)
    : PollingProcessor(signal, clock, options.Interval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var (started, refused) = await healing.StartAsync(cancellationToken);
        await using var scope = scopes.CreateAsyncScope();
        started += await scope.ServiceProvider.GetRequiredService<WorkflowRuleEngine>().ProcessAsync(cancellationToken);
        var runs = scope.ServiceProvider.GetRequiredService<RunProcessing>();
        foreach (var run in refused)
        {
            await runs.PageIfRefusedAsync(run, cancellationToken);
        }
        return started + await runs.RunOnceAsync(cancellationToken);
    }
}
