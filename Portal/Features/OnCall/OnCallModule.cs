
namespace Portal.Features.OnCall;

public static partial class OnCallModule
{
    public static void AddOnCallModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<OnCallService>();
        builder.Services.AddScoped<OverrideService>();
        builder.Services.AddScoped<EscalationService>();
        builder.Services.AddScoped<EscalationPolicyService>();
        builder.Services.AddScoped<SwapService>();
        builder.Services.AddScoped<CalendarFeedService>();
        builder.Services.AddScoped<OnCallLoadService>();
        builder.Services.AddScoped<HandoffService>();
        builder.Services.AddSingleton<EscalationSignal>();
        builder.Services.AddSingleton<Incidents.IIncidentOpened, EscalationStarter>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Escalation").Get<EscalationOptions>() ?? new EscalationOptions());
        builder.Services.AddHostedService<EscalationProcessor>();
    }
}
