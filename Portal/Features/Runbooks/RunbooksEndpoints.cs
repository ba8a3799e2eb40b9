using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Incidents;

namespace Portal.Features.Runbooks;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class RunbooksModule
{
    public static void MapRunbooksModule(this WebApplication app)
    {
        var root = app.MapApi("/api", PortalPolicies.Engineer, "Runbooks");
        var api = app.MapApi("/api/runbooks", PortalPolicies.Engineer, "Runbooks");
        api.MapGet("", (RunbookService runbooks, string? q, string? service, string? tag, string? team, bool? staleFirst, int? limit, CancellationToken ct) =>
            runbooks.ListAsync(q, service, tag, team, staleFirst ?? false, limit ?? 200, ct))
            .WithSummary("Runbooks, by title; with q, ranked full-text search results with highlighted snippets. Filter by service, tag and team slug.");
        api.MapGet("/{slug}", async (RunbookService runbooks, string slug, CancellationToken ct) =>
        {
            var (view, moved) = await runbooks.GetAsync(slug, ct);
            return moved ? Results.Redirect($"/api/runbooks/{view.Slug}", permanent: true) : Results.Ok(view);
        }).WithSummary("One runbook: Markdown body and its rendered, sanitised HTML, contents, steps, review state and usage. An old slug redirects.");
        api.MapPost("", async (ClaimsPrincipal user, RunbookService runbooks, RunbookDocument document, CancellationToken ct) =>
        {
            var created = await runbooks.CreateAsync(user, document, ct);
            return Results.Created($"/api/runbooks/{created.Slug}", created);
        }).WithSummary("Creates a runbook (the slug comes from the title unless given).");
        api.MapPut("/{slug}", (ClaimsPrincipal user, RunbookService runbooks, string slug, RunbookDocument document, CancellationToken ct) =>
            runbooks.UpdateAsync(user, slug, document, ct))
            .WithSummary("Saves a new revision; baseRevision must be the revision the edit started from, or the answer is 409 with the other person's changes.");
        api.MapPost("/{slug}/reviewed", (ClaimsPrincipal user, RunbookService runbooks, string slug, CancellationToken ct) => runbooks.MarkReviewedAsync(user, slug, ct))
            .WithSummary("Marks the runbook reviewed now, by you.");
        api.MapGet("/{slug}/revisions", (RunbookService runbooks, string slug, CancellationToken ct) => runbooks.RevisionsAsync(slug, ct))
            .WithSummary("Every revision, newest first, with author and message.");
        api.MapGet("/{slug}/diff", (RunbookService runbooks, string slug, int from, int to, CancellationToken ct) => runbooks.DiffAsync(slug, from, to, ct))
            .WithSummary("The line diff between two revisions.");
        api.MapPost("/{slug}/revisions/{number:int}/restore", (ClaimsPrincipal user, RunbookService runbooks, string slug, int number, CancellationToken ct) =>
            runbooks.RestoreAsync(user, slug, number, ct))
            .WithSummary("Saves an old revision again as the newest.");
        api.MapPost("/{slug}/steps", async (ClaimsPrincipal user, IncidentRunbookService runbooks, string slug, TickRequest request, CancellationToken ct) =>
        {
            await runbooks.TickAsync(user, slug, Number(request.Incident), request.Step, request.Done, ct);
            return Results.NoContent();
        }).WithSummary("Ticks (or with done=false unticks) a step for an incident; recorded on the incident's timeline.");
        api.MapGet("/{slug}/steps", (IncidentRunbookService runbooks, string slug, string incident, CancellationToken ct) => runbooks.DoneStepsAsync(slug, Number(incident), ct))
            .WithSummary("The steps ticked for an incident.");
        api.MapPost("/{slug}/uses", async (ClaimsPrincipal user, IncidentRunbookService runbooks, string slug, UseRequest request, CancellationToken ct) =>
        {
            await runbooks.RecordUseAsync(user, slug, request.Incident is null ? null : Number(request.Incident), request.Use, ct);
            return Results.NoContent();
        }).WithSummary("Records that the runbook was opened from an incident, or was (not) helpful.");
        root.MapGet("/incidents/{number}/runbooks", (IncidentRunbookService runbooks, string number, CancellationToken ct) => runbooks.SuggestAsync(Number(number), 5, ct))
            .WithSummary("Runbooks suggested for an incident, best first, each with the reasons.");

        var sync = app.MapApi("/api/runbooks-sync", PortalPolicies.Admin, "Runbooks");
        sync.MapPost("/import", (ClaimsPrincipal user, RunbookSync runbooks, CancellationToken ct) => runbooks.ImportAsync(user, null, ct))
            .WithSummary("Imports the Runbooks:SyncFolder folder: created, updated, unchanged and invalid (with the reason) per file.");
        sync.MapPost("/export", async (ClaimsPrincipal user, RunbookSync runbooks, CancellationToken ct) => Results.Ok(new { exported = await runbooks.ExportAsync(user, null, ct) }))
            .WithSummary("Writes every runbook into the Runbooks:SyncFolder folder as {slug}.md.");
    }

    private static long Number(string? text) => IncidentNumber.TryParse(text, out var n) ? n
        : throw new Shared.ValidationException("incident", $"'{text}' is not an incident number such as INC-1042.");
}
