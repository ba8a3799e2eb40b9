using Portal.Shared.Admin;

namespace Portal.Features.Metrics;

/// <summary>What the dashboard API answers: the period's figures and its weekly trend.</summary>
public sealed record MetricsAnswer(Figures Figures, IReadOnlyList<TrendPoint> Weekly);

public static partial class MetricsModule
{
    public static void AddMetricsModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetricsServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddMetricsServices(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        if (!TimeZones.IsValid(options.ReportingZone))
        {
            throw new InvalidOperationException($"Metrics:ReportingZone '{options.ReportingZone}' is not an IANA time zone (e.g. Europe/Dublin).");
        }
        services.AddSingleton(options);
        services.AddScoped<MetricsService>();
        services.AddScoped<ReviewPackService>();
        services.AddScoped<CaseMetricsService>();
        return services;
    }
}
