
using Portal.Features.Incidents;

namespace Portal.Features.Alerts;

/// <summary>
/// Alert ingestion: integrations (keys, targets, mappings). The ingestion endpoints (<c>/v2/enqueue</c>, Alertmanager,
/// CloudWatch via SNS) and the batch writer build on these.
/// </summary>
public static partial class AlertsModule
{
    public static void AddAlertsModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddAlertsServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddAlertsServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IntegrationService>();
        services.AddScoped<AlertService>();
        services.AddIncidentPanel<IncidentAlerts>(10);
        services.AddSingleton(configuration.GetSection("Alerts").Get<AlertIngestionOptions>() ?? new AlertIngestionOptions());
        services.AddSingleton<IngestionRateLimiter>();
        services.AddMemoryCache();
        services.AddHttpClient(SnsGateway.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        services.AddSingleton<SnsGateway>();
        services.AddSingleton<AlertIngestion>();
        services.AddHostedService(sp => sp.GetRequiredService<AlertIngestion>());
        return services;
    }
}
