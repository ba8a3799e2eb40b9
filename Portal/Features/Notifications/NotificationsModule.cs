using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Retry;
using Portal.Shared.OnCall;

namespace Portal.Features.Notifications;

/// <summary>
/// The notification centre (the bell, the notifications page), outbound channels and their deliveries. Every module
/// tells people things through <see cref="NotificationService.StageAsync"/>, inside its own change.
/// </summary>
public static partial class NotificationsModule
{
    public static void AddNotificationsModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddNotificationsServices(builder.Configuration);
        // Polly logs every try of a delivery, the last failed one as an error; a receiver that is down is not the
        // portal's error. DeliveryService logs one warning per failed delivery, and the delivery records it.
        builder.Logging.AddFilter("Polly", LogLevel.Critical);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddNotificationsServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<NotificationService>();
        services.AddScoped<DeliveryService>();
        services.AddSingleton<ChannelSender>();
        services.AddSingleton<DeliverySignal>();
        var notifications = configuration.GetSection("Notifications").Get<NotificationOptions>() ?? new NotificationOptions();
        services.AddSingleton(notifications);
        var rangeProblems = new List<string>();
        var outbound = OutboundAddresses.Parse(notifications.AllowedOutboundRanges.Where(r => !string.IsNullOrWhiteSpace(r)), rangeProblems);
        if (rangeProblems.Count > 0)
        {
            throw new InvalidOperationException("Notifications:AllowedOutboundRanges: " + string.Join(" ", rangeProblems));
        }
        services.AddSingleton(outbound);
        services.AddHostedService<DeliveryDispatcher>();

        // Outbound webhooks: each try has its own timeout; 5xx, 408, 429, timeouts and network errors are tried again
        // with exponential backoff; what is still failing after the last try is recorded as failed.
        services.AddTransient<AttemptCounter>();
        // Every connection goes only to addresses the outbound rules allow, and a redirect is not followed (it could point inward).
        var http = services.AddHttpClient(ChannelSender.HttpClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectCallback = OutboundGuard.Connect(outbound) });
        http.AddResilienceHandler("notifications-retry", pipeline => pipeline
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = Math.Max(0, notifications.MaxAttempts - 1), Delay = notifications.FirstRetryDelay,
                    BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                })
                .AddTimeout(notifications.AttemptTimeout));
        // Added after the resilience handler, so it sits inside it and sees every try.
        http.AddHttpMessageHandler<AttemptCounter>();
        services.AddResiliencePipeline(ChannelSender.SmtpPipeline, pipeline => pipeline
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, notifications.MaxAttempts - 1), Delay = notifications.FirstRetryDelay,
                BackoffType = DelayBackoffType.Exponential, UseJitter = true,
                ShouldHandle = new PredicateBuilder().Handle<Exception>(ex => ex is not OperationCanceledException),
            })
            .AddTimeout(notifications.AttemptTimeout));
        return services;
    }
}
