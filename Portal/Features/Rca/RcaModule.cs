using Portal.Shared;
using Portal.Features.Incidents;

namespace Portal.Features.Rca;

public sealed record StepRequest([property: MultiLine] string? Comment);

public sealed record CommentRequest(string? Section, [property: MultiLine] string? Text);

public sealed record CloseRequest([property: MultiLine] string? Verification);

public sealed record LinkRequest(string? Incident);

public static partial class RcaModule
{
    public static void AddRcaModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddRcaServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddRcaServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<RcaService>();
        services.AddIncidentPanel<IncidentRcaCard>(20);
        services.AddScoped<ActionItemService>();
        services.AddScoped<RecurrenceService>();
        services.AddSingleton(configuration.GetSection("Rca").Get<RcaOptions>() ?? new RcaOptions());
        services.AddSingleton<RcaSignal>();
        services.AddHostedService<RcaProcessor>();
        return services;
    }
}
