using Portal.Shared;

namespace Portal.Features.Incidents;

public sealed record ActionRequest(int? Version = null, [property: MultiLine] string? Note = null);

public sealed record AssignRequest(string? Assignee, int? Version = null);

public sealed record SeverityRequest(Severity? Severity, int? Version = null);

public sealed record CommanderRequest(string? Commander, int? Version = null);

public sealed record MergeRequest(string? Into, double? SuggestedScore = null, int? Version = null);

public sealed record PostRequest([property: MultiLine] string? Text);

public static partial class IncidentsModule
{
    public static void AddIncidentsModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddIncidentsServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddIncidentsServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<IncidentService>();
        services.AddScoped<IncidentQueries>();
        services.AddScoped<SlaBreachService>();
        services.AddScoped<SavedViewService>();
        services.AddScoped<SlaPolicyService>();
        services.AddSingleton(configuration.GetSection("Sla").Get<SlaProcessorOptions>() ?? new SlaProcessorOptions());
        services.AddSingleton<SlaSignal>();
        services.AddHostedService<SlaBreachProcessor>();
        return services;
    }
}
