using Portal.Shared;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

public sealed record ActionRequest(int? Version = null, [property: MultiLine] string? Note = null);

public sealed record AssignRequest(string? Assignee, int? Version = null);

public sealed record SeverityRequest(Severity? Severity, int? Version = null);

public sealed record CommanderRequest(string? Commander, int? Version = null);

public sealed record PostRequest([property: MultiLine] string? Text);

public static partial class IncidentsModule
{
    public static void AddIncidentsModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<IncidentService>();
        builder.Services.AddScoped<IncidentQueries>();
        builder.Services.AddScoped<SlaBreachService>();
        builder.Services.AddScoped<SavedViewService>();
        builder.Services.AddScoped<SlaPolicyService>();
        builder.Services.AddSingleton(builder.Configuration.GetSection("Sla").Get<SlaProcessorOptions>() ?? new SlaProcessorOptions());
        builder.Services.AddSingleton<SlaSignal>();
        builder.Services.AddHostedService<SlaBreachProcessor>();
    }
}
