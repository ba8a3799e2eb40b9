using System.Security.Claims;
using Portal.Features.Cases;
using Portal.Features.Incidents;
using Portal.Features.OnCall;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Cases;
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
        services.AddSingleton<IncidentIndex>();
        services.AddSingleton<CaseIndex>();
        services.AddSingleton<RunbookIndex>();
        services.AddScoped<Runbooks.IRunbookMatcher, RunbookMatcher>();
        services.AddSingleton<EmbeddingSignal>();
        services.AddSingleton<EmbeddingProcessor>();
        services.AddHostedService(sp => sp.GetRequiredService<EmbeddingProcessor>());
        services.AddScoped<SimilarIncidentService>();
        services.AddScoped<TriageService>();
        services.AddSingleton<EarlyWarningService>();
        services.AddSingleton<EarlyWarningSignal>();
        services.AddHostedService<EarlyWarningProcessor>();
        services.AddScoped<InsightsService>();
        services.AddSingleton(sp => ChatModel.From(sp, sp.GetRequiredService<IntelligenceOptions>().ChatClient));
        services.AddScoped<IntelligenceStatusService>();
        services.AddScoped<DraftService>();
        services.AddScoped<IHandoffWriter, HandoffWriter>();
        services.AddIncidentPanel<DraftsPanel>(16);
        services.AddCasePanel<CaseDraftPanel>(10);
        services.AddScoped<AssistantService>();
        services.AddScoped<SimilarCaseService>();
        services.AddCasePanel<SimilarCasesPanel>(9);
        services.AddScoped<CaseTriageService>();
        services.AddCasePanel<CaseTriagePanel>(8);
        services.AddIncidentPanel<AssistantPanel>(17);
        services.AddCasePanel<CaseAssistantPanel>(11);
        services.AddIncidentQueueBanner<WarningBanner>();
        services.AddIncidentPanel<TriagePanel>(14);
        services.AddScoped<RelatedService>();
        services.AddIncidentPanel<RelatedPanel>(13);
        services.AddIncidentPanel<SimilarIncidentsPanel>(15);
        return services;
    }

    public static void MapIntelligenceModule(this WebApplication app)
    {
        var incidents = app.MapApi("/api/incidents", PortalPolicies.Engineer, "Intelligence");
        incidents.MapGet("/{number}/similar", (SimilarIncidentService similar, string number, CancellationToken ct) =>
                similar.ForIncidentAsync(Number(number), ct))
            .WithSummary("Up to five similar earlier incidents (offline embeddings, boosted for the same service and alert class), each with its reason, "
                + "how it was resolved and its RCA; status says when the model is off, loading or failed.");
        MapTriage<TriageService>(incidents, Number, "service, team, severity", "incidents", "incident");
        incidents.MapGet("/{number}/related", (RelatedService related, string number, CancellationToken ct) => related.ForIncidentAsync(Number(number), ct))
            .WithSummary("Open incidents close to this open one (likelySame: close enough in meaning and time to merge) and open cases that read like it, to link.");
        incidents.MapPost("/{number}/related/{other}/merge", (RelatedService related, ClaimsPrincipal user, string number, string other, CancellationToken ct) =>
                related.MergeAsync(user, Number(number), Number(other), ct))
            .WithSummary("Takes the merge suggestion: the later incident merges into the earlier, recorded with the suggestion's score (undo with POST …/unmerge).");
        MapDrafts(app);
        var cases = app.MapApi("/api/cases", PortalPolicies.Engineer, "Intelligence");
        cases.MapGet("/{number}/similar", (SimilarCaseService similar, string number, CancellationToken ct) => similar.ForCaseAsync(Case(number), ct))
            .WithSummary("Up to five similar earlier cases (offline embeddings, boosted for the same category), each with its reason and the reply that solved it.");
        MapTriage<CaseTriageService>(cases, Case, "category, priority, team", "cases", "case");
        app.MapApi("/api/insights", PortalPolicies.Engineer, "Intelligence").MapGet("", (InsightsService insights, CancellationToken ct) => insights.GetAsync(ct))
            .WithSummary("Early warnings open now and ended in the last week, with their text, detector and score; and the next two weeks' forecast of "
                + "incidents, cases and pages per region (seasonal baseline, the method named).");
    }

    /// <summary>The triage endpoints of one kind of record: the suggestions, accepting them, overriding them.</summary>
    private static void MapTriage<TTriage>(RouteGroupBuilder group, Func<string, long> parse, string fields, string records, string record) where TTriage : TriageBase
    {
        // The service comes from the request's scope: the route analyzer cannot read a generic handler parameter.
        static TriageBase Of(HttpContext http) => http.RequestServices.GetRequiredService<TTriage>();
        group.MapGet("/{number}/suggestions", (HttpContext http, string number, CancellationToken ct) => Of(http).SuggestAsync(parse(number), ct))
            .WithSummary($"Triage suggestions ({fields}) from the nearest earlier {records}, each with its confidence, the neighbours it rests on, "
                + "and whether it was accepted or overridden.");
        group.MapPost("/{number}/suggestions/accept", (HttpContext http, ClaimsPrincipal user, string number, string? field, CancellationToken ct) =>
                Of(http).AcceptAsync(user, parse(number), field, ct))
            .WithSummary($"Applies the open suggestions (or the one ?field=) through the usual {record} changes, and records them as accepted.");
        group.MapPost("/{number}/suggestions/override", (HttpContext http, ClaimsPrincipal user, string number, string? field, CancellationToken ct) =>
                Of(http).OverrideAsync(user, parse(number), field, ct))
            .WithSummary($"Records the open suggestions (or the one ?field=) as wrong; the {record} keeps what it has.");
    }

    private static void MapDrafts(WebApplication app)
    {
        var drafts = app.MapApi("/api/drafts", PortalPolicies.Engineer, "Intelligence");
        drafts.MapPost("", (DraftService service, ClaimsPrincipal user, DraftRequest request, CancellationToken ct) => service.WriteAsync(user, request, ct))
            .WithSummary("Writes a draft, never posted: kind catch-up, stakeholder or rca (subject INC-n), case-reply (subject CASE-n) or handoff (subject a region). "
                + "Offline from the records; with AI:ChatClient configured the model writes it from the same records (redacted), citing them; a failing or slow model "
                + "falls back to offline with a note.");
        drafts.MapPost("/{id:long}/decision", (DraftService service, ClaimsPrincipal user, long id, DraftDecision decision, CancellationToken ct) =>
                service.DecideAsync(user, id, decision, ct))
            .WithSummary("Records what became of a draft: accepted, edited or rejected (once).");
        app.MapApi("/api/assistant", PortalPolicies.Engineer, "Intelligence").MapPost("", (AssistantService assistant, ClaimsPrincipal user, AssistantQuestion question,
                CancellationToken ct) => assistant.AskAsync(user, question, ct))
            .WithSummary("Asks the configured chat model, which answers with read-only tools run as the person asking (similar incidents, on call, a service's "
                + "last day, runbooks, case history, 1:1 notes they may read); status 'offline' with a note when no model is configured.");
        app.MapApi("/api/intelligence", PortalPolicies.Engineer, "Intelligence").MapGet("", (IntelligenceStatusService status, CancellationToken ct) => status.GetAsync(ct))
            .WithSummary("The model and its state on this node, vectors stored and indexed, the embedding backlog, triage accuracy per field, draft outcomes, warnings.");
    }

    private static long Case(string number) =>
        CaseNumber.TryParse(number, out var n) ? n : throw new NotFoundException($"'{number}' is not a case number (like CASE-1234).");

    private static long Number(string number) =>
        IncidentNumber.TryParse(number, out var n) ? n : throw new NotFoundException($"'{number}' is not an incident number (like INC-1042).");
}
