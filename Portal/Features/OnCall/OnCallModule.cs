using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Admin;

namespace Portal.Features.OnCall;

public static class OnCallModule
{
    public static void AddOnCallModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<OnCallService>();
    }

    public static void MapOnCallModule(this WebApplication app)
    {
        var schedules = app.MapGroup("/api/schedules").RequireAuthorization(PortalPolicies.Engineer).RequireRateLimiting(RateLimits.Api).WithTags("On-call");
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

        var overrides = app.MapGroup("/api/overrides").RequireAuthorization(PortalPolicies.Engineer).RequireRateLimiting(RateLimits.Api).WithTags("On-call");
        overrides.MapGet("", (OnCallService oncall, int? schedule, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
            oncall.OverridesAsync(schedule, from, to, ct))
            .WithSummary("Overrides that have not ended (or that end after 'from'), optionally of one schedule.");
        overrides.MapPost("", async (ClaimsPrincipal user, OnCallService oncall, OverrideRequest request, CancellationToken ct) =>
        {
            var created = await oncall.CreateOverrideAsync(user, request, ct);
            return Results.Created($"/api/overrides/{created.Id}", created);
        }).WithSummary("Puts someone on call for a window; by that person, their manager or an admin. Overlaps are refused, naming the other override.");
        overrides.MapDelete("/{id:int}", async (ClaimsPrincipal user, OnCallService oncall, int id, CancellationToken ct) =>
        {
            await oncall.DeleteOverrideAsync(user, id, ct);
            return Results.NoContent();
        }).WithSummary("Removes an override.");

        app.MapGet("/api/oncall", (OnCallService oncall, string? team, string? region, DateTimeOffset? at, CancellationToken ct) =>
            oncall.OnCallAsync(string.IsNullOrWhiteSpace(team) ? null : team.Trim(), Regions.ParseFilter(region), at, ct))
            .RequireAuthorization(PortalPolicies.Engineer).RequireRateLimiting(RateLimits.Api).WithTags("On-call")
            .WithSummary("Who is on call on each schedule, now or at 'at', filtered by team slug and region.");
    }

}
