
namespace Portal.Features.Team;

public static partial class TeamModule
{
    public static void AddTeamModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<OperationalRecordService>();
        builder.Services.AddScoped<OneOnOneService>();
        builder.Services.AddScoped<PlanService>();
        builder.Services.AddScoped<ReviewService>();
        builder.Services.AddScoped<ReviewCycleService>();
        builder.Services.AddScoped<PeerFeedbackService>();
        builder.Services.AddScoped<OnboardingService>();
        builder.Services.AddScoped<TeamHealthService>();
    }
}
