using Portal.Features.Incidents;

namespace Portal.Features.Cases;

/// <summary>Advertiser support cases: the queue, conversations, case SLAs.</summary>
public static partial class CasesModule
{
    public static void AddCasesModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddCasesServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddCasesServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("Cases").Get<CaseOptions>() ?? new CaseOptions());
        services.AddScoped<CaseService>();
        services.AddScoped<CaseQueries>();
        services.AddScoped<CaseSlaMonitor>();
        services.AddScoped<AdvertiserCaseService>();
        services.AddScoped<SupportIntake>();
        services.AddSingleton<CaseLinks>();
        services.AddScoped<CaseMailSender>();
        services.AddScoped<CaseMailReader>();
        services.AddSingleton<CaseMailSignal>();
        services.AddHostedService<CaseMailProcessor>();
        services.AddScoped<CaseIncidentService>();
        services.AddIncidentPanel<IncidentCasesPanel>(20);
        services.AddScoped<ProactiveNoticeService>();
        services.AddScoped<AdvertiserHistoryService>();
        services.AddIncidentPanel<ProactiveNoticePanel>(21);
        services.AddSingleton(configuration.GetSection("Cases:Quality").Get<QualityOptions>() ?? new QualityOptions());
        services.AddScoped<QualityService>();
        services.AddScoped<CaseSettingsService>();
        services.AddSingleton<QualitySignal>();
        services.AddHostedService<QualitySampler>();
        services.AddSingleton<CaseSlaSignal>();
        services.AddHostedService<CaseSlaProcessor>();
        return services;
    }
}
