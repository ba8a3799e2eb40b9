
namespace Portal.Features.Team;

public static partial class TeamModule
{
    public static void AddTeamModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddTeamServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddTeamServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<OperationalRecordService>();
        services.AddScoped<OneOnOneService>();
        services.AddScoped<PlanService>();
        services.AddScoped<ReviewService>();
        services.AddScoped<ReviewCycleService>();
        services.AddScoped<PeerFeedbackService>();
        services.AddScoped<OnboardingService>();
        services.AddScoped<TeamHealthService>();
        return services;
    }
}
