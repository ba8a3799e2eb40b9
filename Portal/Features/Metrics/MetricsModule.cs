using Portal.Shared.Admin;

namespace Portal.Features.Metrics;

/// <summary>What the dashboard API answers: the period's figures and its weekly trend.</summary>
public sealed record MetricsAnswer(Figures Figures, IReadOnlyList<TrendPoint> Weekly);

public static partial class MetricsModule
{
    public static void AddMetricsModule(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        if (!TimeZones.IsValid(options.ReportingZone))
        {
            throw new InvalidOperationException($"Metrics:ReportingZone '{options.ReportingZone}' is not an IANA time zone (e.g. Europe/Dublin).");
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<MetricsService>();
        builder.Services.AddScoped<ReviewPackService>();
    }
}
