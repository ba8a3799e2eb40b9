using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Incidents;

namespace Portal.Features.Intelligence;

/// <summary>Intelligence, offline by default: embeddings of the portal's own records and the similar incidents they find.</summary>
public static class IntelligenceModule
{
    public static void AddIntelligenceModule(this WebApplicationBuilder builder) => builder.Services.AddIntelligenceServices(builder.Configuration);

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddIntelligenceServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddSingleton(configuration.GetSection("AI").Get<IntelligenceOptions>() ?? new IntelligenceOptions());
        services.AddSingleton<MiniLmEmbedder>();
        services.AddSingleton<IEmbedder>(sp => sp.GetRequiredService<MiniLmEmbedder>());
        services.AddSingleton<EmbeddingIndex>();
        services.AddSingleton<EmbeddingSignal>();
        services.AddSingleton<EmbeddingProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddingProcessor>());
        services.AddScoped<SimilarIncidentService>();
        services.AddIncidentPanel<SimilarIncidentsPanel>(15);
        return services;
    }

    public static void MapIntelligenceModule(this WebApplication app)
    {
        var incidents = app.MapApi("/api/incidents", PortalPolicies.Engineer, "Intelligence");
        incidents.MapGet("/{number}/similar", (SimilarIncidentService similar, string number, CancellationToken ct) =>
                similar.ForIncidentAsync(IncidentNumber.TryParse(number, out var n) ? n : throw new NotFoundException($"'{number}' is not an incident number (like INC-1042)."), ct))
            .WithSummary("Up to five similar earlier incidents (offline embeddings, boosted for the same service and alert class), each with its reason, "
                + "how it was resolved and its RCA; status says when the model is off, loading or failed.");
    }
}
