using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Rca;

namespace Portal.Features.Rca;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class RcaModule
{
    public static void MapRcaModule(this WebApplication app)
    {
        var root = app.MapApi("/api", PortalPolicies.Engineer, "RCA");
        var api = app.MapApi("/api/rcas", PortalPolicies.Engineer, "RCA");
        api.MapGet("", (RcaService rcas, RcaState? state, bool? overdue, string? incident, string? author, CancellationToken ct) => rcas.ListAsync(state, overdue ?? false, incident, author, ct))
            .WithSummary("RCAs, newest first; filter by state, overdue, an incident they cover, or the author's handle.");
        api.MapPost("", async (ClaimsPrincipal user, RcaService rcas, RcaCreate input, CancellationToken ct) =>
        {
            var created = await rcas.CreateAsync(user, input, ct);
            return Results.Created($"/api/rcas/{created.Id}", created);
        }).WithSummary("Creates an RCA for incidents (INC-…); its timeline and customer impact are drafted from them.");
        api.MapGet("/{id:int}", (RcaService rcas, int id, CancellationToken ct) => rcas.GetAsync(id, ct))
            .WithSummary("One RCA: sections, computed durations, missing sections, action items, review events and earlier incidents of its family.");
        api.MapGet("/{id:int}/markdown", async (RcaService rcas, int id, CancellationToken ct) => Results.Text(RcaMarkdown.Write(await rcas.GetAsync(id, ct)), "text/markdown; charset=utf-8"))
            .WithSummary("The RCA as Markdown.");
        api.MapGet("/{id:int}/revisions/{eventId:long}", async (RcaService rcas, int id, long eventId, CancellationToken ct) =>
            Results.Text(await rcas.SnapshotAsync(id, eventId, ct), "text/markdown; charset=utf-8"))
            .WithSummary("The published RCA as it was before a revision (Markdown).");
        api.MapPut("/{id:int}", (ClaimsPrincipal user, RcaService rcas, int id, RcaSections sections, CancellationToken ct) => rcas.UpdateAsync(user, id, sections, ct))
            .WithSummary("Saves the sections; version must match (409 otherwise). A published RCA needs a reason and keeps it as a revision.");
        foreach (var (path, action) in new[] { ("submit", RcaAction.Submit), ("approve", RcaAction.Approve), ("request-changes", RcaAction.RequestChanges), ("publish", RcaAction.Publish) })
        {
            api.MapPost($"/{{id:int}}/{path}", (ClaimsPrincipal user, RcaService rcas, int id, StepRequest? request, CancellationToken ct) =>
                rcas.StepAsync(user, id, action, request?.Comment, ct)).WithSummary($"Workflow: {path}.");
        }
        api.MapPost("/{id:int}/comments", async (ClaimsPrincipal user, RcaService rcas, int id, CommentRequest request, CancellationToken ct) =>
        {
            await rcas.CommentAsync(user, id, request.Section, request.Text, ct);
            return Results.NoContent();
        }).WithSummary("A review comment, anchored to a section.");
        api.MapPost("/{id:int}/action-items", async (ClaimsPrincipal user, ActionItemService items, int id, ActionInput input, CancellationToken ct) =>
        {
            var created = await items.AddAsync(user, id, input, ct);
            return Results.Created($"/api/action-items/{created.Id}", created);
        }).WithSummary("Adds an action item: title, owner (handle), due date (not in the past), priority, kind, tracker link.");
        api.MapPost("/{id:int}/link", async (ClaimsPrincipal user, RecurrenceService recurrence, int id, LinkRequest request, CancellationToken ct) =>
        {
            await recurrence.LinkAsync(user, id, request.Incident ?? "", ct);
            return Results.NoContent();
        }).WithSummary("Links an incident by hand into the recurrence family of the RCA's incidents.");

        var actions = app.MapApi("/api/action-items", PortalPolicies.Engineer, "RCA");
        actions.MapGet("", (ActionItemService items, string? owner, string? team, bool? overdue, CancellationToken ct) => items.ListAsync(owner, team, overdue ?? false, ct))
            .WithSummary("Action items; filter by owner handle, team slug, or overdue.");
        actions.MapGet("/overdue", (ActionItemService items, string? owner, string? team, CancellationToken ct) => items.ListAsync(owner, team, true, ct))
            .WithSummary("Overdue action items, per owner or team.");
        actions.MapGet("/{id:int}", (ActionItemService items, int id, CancellationToken ct) => items.GetAsync(id, ct))
            .WithSummary("One action item.");
        actions.MapPost("/{id:int}/close", (ClaimsPrincipal user, ActionItemService items, int id, CloseRequest request, CancellationToken ct) => items.CloseAsync(user, id, request.Verification, ct))
            .WithSummary("Closes an action item; a verification note is required. The owner, the RCA's author, the owner's managers or an admin.");
        actions.MapPut("/{id:int}", (ClaimsPrincipal user, ActionItemService items, int id, ActionChange change, CancellationToken ct) => items.UpdateAsync(user, id, change, ct))
            .WithSummary("Changes an action item's title, owner, due date or priority; send the version you last saw.");
        actions.MapPost("/{id:int}/reopen", (ClaimsPrincipal user, ActionItemService items, int id, CancellationToken ct) => items.ReopenAsync(user, id, ct))
            .WithSummary("Opens a closed action item again.");
        actions.MapDelete("/{id:int}", async (ClaimsPrincipal user, ActionItemService items, int id, CancellationToken ct) =>
        {
            await items.DeleteAsync(user, id, ct);
            return Results.NoContent();
        }).WithSummary("Deletes an action item.");

        root.MapGet("/recurrence-families", async (RecurrenceService recurrence, CancellationToken ct) =>
            (await recurrence.FamiliesAsync(ct)).Select(f => new FamilyView(f.Family.Id, f.Family.Key, f.Family.Title, f.Incidents)))
            .WithSummary("Families of incidents that are the same problem again (with more than one incident), and which came after the fix.");
    }
}
