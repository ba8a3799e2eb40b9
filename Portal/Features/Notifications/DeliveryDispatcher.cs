using Portal.Background;

namespace Portal.Features.Notifications;

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
