using System.Security.Claims;
using Portal.Features.Alerts;
using Portal.Features.Incidents;
using Portal.Features.Metrics;
using Portal.Features.Notifications;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;

namespace Portal.Features.Automation;

/// <summary>Automation: the action catalogue, runs through guardrails, self-healing, and the runner protocol.</summary>
public static class AutomationModule
{
    public static void AddAutomationModule(this WebApplicationBuilder builder) => builder.Services.AddAutomationServices(builder.Configuration);

    public static IServiceCollection AddAutomationServices(this IServiceCollection services, IConfiguration configuration)
    {
        var options = configuration.GetSection("Automation").Get<AutomationOptions>() ?? new AutomationOptions();
        services.AddSingleton(options);
        var problems = new List<string>();
        var outbound = OutboundAddresses.Parse(options.AllowedOutboundRanges.Where(r => !string.IsNullOrWhiteSpace(r)), problems);
        if (problems.Count > 0)
        {
            throw new InvalidOperationException("Automation:AllowedOutboundRanges: " + string.Join(" ", problems));
        }
        // Actions call the systems the operator allows, never follow a redirect (it could point inward) and are never retried here.
        services.AddHttpClient(HttpActionSender.ClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { AllowAutoRedirect = false, ConnectCallback = OutboundGuard.Connect(outbound) });
        services.AddSingleton(new AutomationOutbound(outbound));
        services.AddSingleton<HttpActionSender>();
        services.AddSingleton<RunJournal>();
        services.AddSingleton<AutomationSignal>();
        services.AddScoped<RunCanceller>();
        services.AddScoped<ActionCatalogService>();
        services.AddScoped<ActionFiles>();
        services.AddScoped<RunService>();
        services.AddScoped<RunProcessing>();
        services.AddScoped<HealingRuleService>();
        services.AddScoped<RunnerService>();
        services.AddScoped<AutomationMetricsService>();
        services.AddScoped<Metrics.IReviewFigures, AutomationReviewFigures>();
        services.AddMetricsPanel<AutomationMetricsPanel>(10);
        services.AddScoped<WorkflowRuleService>();
        services.AddScoped<WorkflowRuleEngine>();
        services.AddSingleton<RuleWatermark>();
        services.AddSingleton<RunnerWake>();
        services.AddSingleton<HealingService>();
        services.AddSingleton<IPagingHold>(sp => sp.GetRequiredService<HealingService>());
        services.AddHostedService<AutomationProcessor>();
        services.AddIncidentPanel<AutomationPanel>(12);
        services.AddSingleton<Runbooks.IRunbookStepAction, RunbookRunStep>();
        return services;
    }

    public static void MapAutomationModule(this WebApplication app)
    {
        var actions = app.MapApi("/api/automation/actions", PortalPolicies.Engineer, "Automation");
        actions.MapGet("", (ActionCatalogService catalog, CancellationToken ct) => catalog.ListAsync(ct))
            .WithSummary("The action catalogue: each action's kind, risk, latest and promoted version, kill switch and error count.");
        actions.MapGet("/{slug}", (ActionCatalogService catalog, string slug, CancellationToken ct) => catalog.GetAsync(slug, ct))
            .WithSummary("One action with every saved version (its whole definition), newest first.");
        actions.MapPut("/{slug}", (ActionCatalogService catalog, ClaimsPrincipal user, string slug, ActionDefinition definition, CancellationToken ct) =>
                catalog.SaveAsync(user, slug, definition, ct))
            .WithSummary("Saves a new version (managers and admins). Checked whole (inputs, templates, allowed commands); it runs only as a dry-run until promoted.");
        actions.MapPost("/import", (ActionFiles files, ClaimsPrincipal user, CancellationToken ct) => files.ImportAsync(user, ct))
            .WithSummary("Imports the action files (Runbooks:SyncFolder/actions/<slug>.json, admins): a changed file becomes a new version, dry-run only until promoted; "
                + "a bad one is reported with its reason and not saved.");
        actions.MapPost("/export", async (ActionFiles files, ClaimsPrincipal user, CancellationToken ct) => Results.Ok(new { exported = await files.ExportAsync(user, ct) }))
            .WithSummary("Writes each action's newest version to Runbooks:SyncFolder/actions/<slug>.json (admins), to keep them in git beside the runbooks.");
        actions.MapPost("/{slug}/promote/{version:int}", (ActionCatalogService catalog, ClaimsPrincipal user, string slug, int version, CancellationToken ct) =>
                catalog.PromoteAsync(user, slug, version, ct))
            .WithSummary("Lets a version run for real (admins only).");
        actions.MapPost("/{slug}/kill", (ActionCatalogService catalog, ClaimsPrincipal user, string slug, CancellationToken ct) => catalog.SetKilledAsync(user, slug, true, ct))
            .WithSummary("The action's kill switch: nothing of it runs, and its queued or waiting runs are cancelled.");
        actions.MapPost("/{slug}/revive", (ActionCatalogService catalog, ClaimsPrincipal user, string slug, CancellationToken ct) => catalog.SetKilledAsync(user, slug, false, ct))
            .WithSummary("Switches the action back on.");
        actions.MapPost("/{slug}/reset-errors", (ActionCatalogService catalog, ClaimsPrincipal user, string slug, CancellationToken ct) => catalog.ResetErrorsAsync(user, slug, ct))
            .WithSummary("Clears the error budget after the failures were looked into.");

        var runs = app.MapApi("/api/automation/runs", PortalPolicies.Engineer, "Automation");
        runs.MapGet("", (RunService service, long? incident, string? action, int? take, CancellationToken ct) => service.ListAsync(incident, action, take ?? 50, ct))
            .WithSummary("The newest runs, of one incident or action if asked.");
        runs.MapGet("/{id:long}", (RunService service, long id, CancellationToken ct) => service.GetAsync(id, ct)).WithSummary("One run, with its preview, output and verification.");
        runs.MapPost("", (RunService service, ClaimsPrincipal user, RunRequest request, CancellationToken ct) => service.RequestAsync(user, request, ct))
            .WithSummary("Asks for a run: dryRun (the default) shows exactly what would be sent; otherwise the guardrails decide: queued, awaiting approval, or refused with which and why.");
        runs.MapPost("/{id:long}/approve", (RunService service, ClaimsPrincipal user, long id, CancellationToken ct) => service.ApproveAsync(user, id, ct))
            .WithSummary("Approves a waiting run (managers and admins, not the requester, within 30 minutes).");
        runs.MapPost("/{id:long}/cancel", (RunService service, ClaimsPrincipal user, long id, CancellationToken ct) => service.CancelAsync(user, id, ct))
            .WithSummary("Cancels a waiting or queued run (its requester, a manager or an admin).");

        var settings = app.MapApi("/api/automation", PortalPolicies.Engineer, "Automation");
        settings.MapGet("/switches", (ActionCatalogService catalog, CancellationToken ct) => catalog.SwitchesAsync(ct))
            .WithSummary("The global kill switch and the freeze windows, and which freeze is on now.");
        settings.MapPut("/switches/kill", (ActionCatalogService catalog, ClaimsPrincipal user, KillSwitch body, CancellationToken ct) => catalog.SetGlobalKillAsync(user, body.Killed, ct))
            .WithSummary("The global kill switch (admins): on, nothing runs and every queued or waiting run is cancelled.");
        settings.MapPut("/switches/freezes", (ActionCatalogService catalog, ClaimsPrincipal user, List<FreezeWindow> freezes, CancellationToken ct) =>
                catalog.SetFreezesAsync(user, freezes, ct))
            .WithSummary("Replaces the freeze windows (admins): a span, or the last days of each month in a zone, for a region or all.");
        settings.MapGet("/signing-secret", async (ActionCatalogService catalog, ClaimsPrincipal user, CancellationToken ct) => new SigningSecret(await catalog.SigningSecretAsync(user, ct)))
            .WithSummary("The secret HTTP actions are signed with (admins), for receivers to check X-Portal-Signature.");
        settings.MapGet("/metrics", (AutomationMetricsService metrics, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) => metrics.ForAsync(from, to, ct))
            .WithSummary("Runs, verified success rate, rollbacks, refusals by guardrail, automatic heals, MTTR healed versus handled by people, toil hours saved (default: the last 28 days).");
        settings.MapGet("/healing-rules", (HealingRuleService rules, CancellationToken ct) => rules.ListAsync(ct)).WithSummary("The self-healing rules.");
        settings.MapPost("/healing-rules", (HealingRuleService rules, ClaimsPrincipal user, HealingRuleView rule, CancellationToken ct) => rules.SaveAsync(user, rule, ct))
            .WithSummary("Creates (id 0) or changes a self-healing rule: alerts it matches run a promoted low-risk action, verified, rolled back and paged when it fails.");
        settings.MapGet("/rules", (WorkflowRuleService rules, CancellationToken ct) => rules.ListAsync(ct)).WithSummary("The workflow rules.");
        settings.MapPost("/rules", (WorkflowRuleService rules, ClaimsPrincipal user, WorkflowRuleView rule, CancellationToken ct) => rules.SaveAsync(user, rule, ct))
            .WithSummary("Creates (id 0) or changes a workflow rule (managers): when an incident is created or changes and the CEL condition holds, the steps run "
                + "in order (SetSeverity, Assign, Comment, RunAction, Page, NotifyTeam, AttachRunbook). The condition and each step are checked on save, each problem named by field.");
        settings.MapPost("/rules/test", (WorkflowRuleService rules, WorkflowRuleView rule, string incident, CancellationToken ct) =>
                rules.TestAsync(rule, IncidentNumber.TryParse(incident, out var n) ? n : throw new ValidationException("incident", $"'{incident}' is not an incident number."), ct))
            .WithSummary("What the rule (saved or not) would have done on a past incident (?incident=INC-n): nothing is changed.");
        RunnerEndpoints.MapRunners(app);
    }
}

/// <summary>Where HTTP actions may call (Automation:AllowedOutboundRanges), apart from the notification channels' own rules.</summary>
public sealed record AutomationOutbound(OutboundAddresses Rules);

/// <summary>The body of the global kill switch.</summary>
public sealed record KillSwitch(bool Killed);
