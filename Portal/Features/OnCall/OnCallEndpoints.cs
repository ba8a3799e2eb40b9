using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Admin;
using Portal.Shared;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class OnCallModule
{
    public static void MapOnCallModule(this WebApplication app)
    {
        // Calls outside the groups below: who is on call, load, an incident's escalation.
        var root = app.MapApi("/api", PortalPolicies.Engineer, "On-call");
        var schedules = app.MapApi("/api/schedules", PortalPolicies.Engineer, "On-call");
        schedules.MapGet("", (OnCallService oncall, CancellationToken ct) => oncall.ListAsync(ct))
            .WithSummary("Every schedule with its team and who is on call now.");
        schedules.MapGet("/{id:int}", (OnCallService oncall, int id, CancellationToken ct) => oncall.GetAsync(id, ct))
            .WithSummary("One schedule as code: layers (top first) with people by handle, rotations, handoffs, zones and restrictions.");
        schedules.MapPost("", async (ClaimsPrincipal user, OnCallService oncall, ScheduleDocument document, CancellationToken ct) =>
        {
            var created = await oncall.CreateAsync(user, document, ct);
            return Results.Created($"/api/schedules/{created.Id}", created);
        }).RequireAuthorization(PortalPolicies.Manager).WithSummary("Creates a schedule (managers and admins).");
        schedules.MapPut("/{id:int}", (ClaimsPrincipal user, OnCallService oncall, int id, ScheduleDocument document, CancellationToken ct) =>
            oncall.UpdateAsync(user, id, document, ct))
            .RequireAuthorization(PortalPolicies.Manager).WithSummary("Replaces a schedule's definition; version, when given, must match.");
        schedules.MapDelete("/{id:int}", async (ClaimsPrincipal user, OnCallService oncall, int id, CancellationToken ct) =>
        {
            await oncall.DeleteAsync(user, id, ct);
            return Results.NoContent();
        }).RequireAuthorization(PortalPolicies.Manager).WithSummary("Deletes a schedule and its overrides.");
        schedules.MapGet("/{id:int}/shifts", (OnCallService oncall, int id, DateTimeOffset? from, DateTimeOffset? to, TimeProvider clock, CancellationToken ct) =>
        {
            var start = from ?? clock.GetUtcNow();
            return oncall.ShiftsAsync(id, start, to ?? start.AddDays(7), ct);
        }).WithSummary("The final shifts (person, UTC start and end, layer or override), each layer's shifts and the gaps; 7 days from now by default.");

        var overrides = app.MapApi("/api/overrides", PortalPolicies.Engineer, "On-call");
        overrides.MapGet("", (OverrideService oncall, int? schedule, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
            oncall.OverridesAsync(schedule, from, to, ct))
            .WithSummary("Overrides that have not ended (or that end after 'from'), optionally of one schedule.");
        overrides.MapPost("", async (ClaimsPrincipal user, OverrideService oncall, OverrideRequest request, CancellationToken ct) =>
        {
            var created = await oncall.CreateOverrideAsync(user, request, ct);
            return Results.Created($"/api/overrides/{created.Id}", created);
        }).WithSummary("Puts someone on call for a window; by that person, their manager or an admin. Overlaps are refused, naming the other override.");
        overrides.MapDelete("/{id:int}", async (ClaimsPrincipal user, OverrideService oncall, int id, CancellationToken ct) =>
        {
            await oncall.DeleteOverrideAsync(user, id, ct);
            return Results.NoContent();
        }).WithSummary("Removes an override.");

        root.MapGet("/oncall", (OnCallService oncall, string? team, string? region, DateTimeOffset? at, CancellationToken ct) =>
            oncall.OnCallAsync(string.IsNullOrWhiteSpace(team) ? null : team.Trim(), Regions.ParseFilter(region), at, ct))
            .WithSummary("Who is on call on each schedule, now or at 'at', filtered by team slug and region.");

        root.MapGet("/oncall/load", (OnCallLoadService load, TimeProvider clock, DateTimeOffset? from, DateTimeOffset? to, string? team, string? person, CancellationToken ct) =>
        {
            var end = to ?? clock.GetUtcNow();
            return load.LoadAsync(from ?? end.AddDays(-28), end, string.IsNullOrWhiteSpace(person) ? null : [.. person.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)], team, ct);
        }).WithSummary("On-call load per person (the last 28 days by default): hours on call and off-hours in their zone, pages, off-hours pages, and night pages that woke them. Filter by team slug or handles (comma-separated).");

        var handoffs = app.MapApi("/api/handoffs", PortalPolicies.Engineer, "On-call");
        handoffs.MapGet("/mine", (ClaimsPrincipal user, HandoffService service, CancellationToken ct) => service.MineAsync(user, ct))
            .WithSummary("Your handoff for each shift you are on now: the one you sent, or the portal's draft (open incidents, breaches this shift, what waits on you).");
        handoffs.MapGet("/incoming", (ClaimsPrincipal user, HandoffService service, CancellationToken ct) => service.ForMeAsync(user, ct))
            .WithSummary("Handoffs written to you for shifts that ended in the last day or end in the next twelve hours.");
        handoffs.MapPost("", (ClaimsPrincipal user, HandoffService service, HandoffRequest request, CancellationToken ct) =>
            service.SendAsync(user, request.ScheduleId, request.Body, ct))
            .WithSummary("Sends (or updates) your handoff for your current shift on a schedule; whoever is on call next is notified.");

        var policies = app.MapApi("/api/escalation-policies", PortalPolicies.Engineer, "On-call");
        policies.MapGet("", (EscalationPolicyService escalation, CancellationToken ct) => escalation.ListAsync(ct))
            .WithSummary("Every escalation policy: levels with their delay and targets, repeats, and the services it is assigned to.");
        policies.MapGet("/{id:int}", (EscalationPolicyService escalation, int id, CancellationToken ct) => escalation.GetAsync(id, ct))
            .WithSummary("One escalation policy as code.");
        policies.MapPost("", async (ClaimsPrincipal user, EscalationPolicyService escalation, EscalationPolicyDocument document, CancellationToken ct) =>
        {
            var created = await escalation.CreateAsync(user, document, ct);
            return Results.Created($"/api/escalation-policies/{created.Id}", created);
        }).RequireAuthorization(PortalPolicies.Manager).WithSummary("Creates a policy (managers and admins). A policy that would hand incidents back to itself is refused.");
        policies.MapPut("/{id:int}", (ClaimsPrincipal user, EscalationPolicyService escalation, int id, EscalationPolicyDocument document, CancellationToken ct) =>
            escalation.UpdateAsync(user, id, document, ct))
            .RequireAuthorization(PortalPolicies.Manager).WithSummary("Replaces a policy; version, when given, must match; 'services' (when given) is the whole list of services using it.");
        policies.MapDelete("/{id:int}", async (ClaimsPrincipal user, EscalationPolicyService escalation, int id, CancellationToken ct) =>
        {
            await escalation.DeleteAsync(user, id, ct);
            return Results.NoContent();
        }).RequireAuthorization(PortalPolicies.Manager).WithSummary("Deletes a policy; its services then page nobody.");
        root.MapGet("/incidents/{number}/escalation", async (EscalationService escalation, NotificationService notifications, string number, CancellationToken ct) =>
            Shared.Incidents.IncidentNumber.TryParse(number, out var n)
                ? Results.Ok(new { escalation = await escalation.StatusAsync(n, ct), deliveries = await notifications.DeliveriesAsync(n, ct) })
                : Results.Problem(statusCode: 400, title: "Bad incident number", detail: $"'{number}' is not an incident number such as INC-1042."))
            .WithSummary("Where an incident's escalation stands, and how each outbound delivery of its pages went.");

        var swaps = app.MapApi("/api/swaps", PortalPolicies.Engineer, "On-call");
        swaps.MapGet("", (ClaimsPrincipal user, SwapService service, CancellationToken ct) => service.ListAsync(user, ct))
            .WithSummary("Swaps you asked for, were asked to cover, or may approve: open ones and those of the last two weeks.");
        swaps.MapPost("", async (ClaimsPrincipal user, SwapService service, SwapRequestInput input, CancellationToken ct) =>
        {
            var created = await service.RequestAsync(user, input, ct);
            return Results.Created($"/api/swaps/{created.Id}", created);
        }).WithSummary("Asks a teammate to cover part of your on-call time on a schedule (you must be on call for all of it).");
        swaps.MapPost("/{id:int}/{decision}", (ClaimsPrincipal user, SwapService service, int id, string decision, int? version, CancellationToken ct) =>
            Enum.TryParse<SwapDecision>(decision, ignoreCase: true, out var d) && !int.TryParse(decision, out _)
                ? service.DecideAsync(user, id, d, version, ct)
                : throw new Shared.ValidationException("decision", $"'{decision}' is not a decision; use accept, decline, approve, reject or cancel."))
            .WithSummary("accept or decline (the teammate asked), approve or reject (the requester's manager, when the schedule asks for approval), or cancel (the requester).");

        var feeds = app.MapApi("/api/calendar-feeds", PortalPolicies.Engineer, "On-call");
        feeds.MapGet("", (ClaimsPrincipal user, CalendarFeedService service, CancellationToken ct) => service.ListAsync(user, ct))
            .WithSummary("Your calendar feeds (their secret URLs are not shown again).");
        feeds.MapPost("", async (HttpContext http, ClaimsPrincipal user, CalendarFeedService service, FeedRequest? request, CancellationToken ct) =>
        {
            var created = await service.CreateAsync(user, request?.ScheduleId, ct);
            return Results.Created($"/api/calendar-feeds/{created.Id}", created with { Url = $"{http.Request.Scheme}://{http.Request.Host}{created.Url}" });
        }).WithSummary("A new iCalendar feed of your shifts, or of one schedule (scheduleId). The answer holds its secret URL; it is shown only this once.");
        feeds.MapDelete("/{id:int}", async (ClaimsPrincipal user, CalendarFeedService service, int id, CancellationToken ct) =>
        {
            await service.RevokeAsync(user, id, ct);
            return Results.NoContent();
        }).WithSummary("Revokes a feed: its URL stops working at once.");
        // Calendar apps cannot sign in: the secret in the path is the credential, and an unknown one is a plain 404.
        app.MapGet(CalendarFeedService.PathPrefix + "{file}", async (string file, CalendarFeedService service, OnCallService oncall, CancellationToken ct) =>
            file.EndsWith(".ics", StringComparison.Ordinal) && await service.RenderAsync(file[..^4], oncall, ct) is { } ics
                ? Results.Text(ics, "text/calendar; charset=utf-8")
                : Results.NotFound())
            .AllowAnonymous().RequireRateLimiting(RateLimits.Api).ExcludeFromDescription();
    }
}

public sealed record HandoffRequest(int ScheduleId, [property: MultiLine] string? Body);

/// <summary>Which feed to make: one schedule's, or (no id) your own shifts on every schedule.</summary>
public sealed record FeedRequest(int? ScheduleId);
