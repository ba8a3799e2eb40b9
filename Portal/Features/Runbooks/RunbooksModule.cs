using Portal.Shared.Runbooks;
using Portal.Features.Incidents;

namespace Portal.Features.Runbooks;

public sealed record TickRequest(string? Incident, int Step, bool Done = true);

public sealed record UseRequest(string? Incident, RunbookUse Use);

public static partial class RunbooksModule
{
    public static void AddRunbooksModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddRunbooksServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddRunbooksServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<RunbookService>();
        services.AddScoped<IncidentRunbookService>();
        services.AddIncidentPanel<SuggestedRunbooks>(30);
        services.AddScoped<RunbookSync>();
        services.AddSingleton(configuration.GetSection("Runbooks").Get<RunbookOptions>() ?? new RunbookOptions());
        return services;
    }
}
