
using Portal.Features.Incidents;

namespace Portal.Features.OnCall;

public static partial class OnCallModule
{
    public static void AddOnCallModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddOnCallServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddOnCallServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OnCallService>();
        services.AddScoped<OverrideService>();
        services.AddScoped<EscalationService>();
        services.AddIncidentPanel<EscalationPanel>(40);
        services.AddScoped<EscalationPolicyService>();
        services.AddScoped<SwapService>();
        services.AddScoped<CalendarFeedService>();
        services.AddScoped<OnCallLoadService>();
        services.AddScoped<HandoffService>();
        services.AddSingleton<EscalationSignal>();
        services.AddSingleton<Incidents.IIncidentOpened, EscalationStarter>();
        services.AddSingleton(configuration.GetSection("Escalation").Get<EscalationOptions>() ?? new EscalationOptions());
        services.AddHostedService<EscalationProcessor>();
        return services;
    }
}
