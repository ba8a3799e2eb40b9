
namespace Portal.Features.Alerts;

/// <summary>
/// Alert ingestion: integrations (keys, targets, mappings). The ingestion endpoints (<c>/v2/enqueue</c>, Alertmanager,
/// CloudWatch via SNS) and the batch writer build on these.
/// </summary>
public static partial class AlertsModule
{
    public static void AddAlertsModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IntegrationService>();
        builder.Services.AddScoped<AlertService>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Alerts").Get<AlertIngestionOptions>() ?? new AlertIngestionOptions());
        builder.Services.AddSingleton<IngestionRateLimiter>();
        builder.Services.AddMemoryCache();
        builder.Services.AddHttpClient(SnsGateway.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddSingleton<SnsGateway>();
        builder.Services.AddSingleton<AlertIngestion>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AlertIngestion>());
    }
}
