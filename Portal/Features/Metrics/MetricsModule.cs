namespace Portal.Features.Metrics;

public static class MetricsModule
{
    public static void AddMetricsModule(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Metrics").Get<MetricsOptions>() ?? new MetricsOptions();
        if (!Shared.Admin.TimeZones.IsValid(options.ReportingZone))
        {
            throw new InvalidOperationException($"Metrics:ReportingZone '{options.ReportingZone}' is not an IANA time zone (e.g. Europe/Dublin).");
        }
        builder.Services.AddSingleton(options);
        builder.Services.AddScoped<MetricsService>();
    }

    public static void MapMetricsModule(this WebApplication app)
    {
    }
}
