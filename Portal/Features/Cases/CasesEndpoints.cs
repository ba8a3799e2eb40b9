using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;

namespace Portal.Features.Cases;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="ApiInput.MapApi"/>).</summary>
public static partial class CasesModule
{
    public static void MapCasesModule(this WebApplication app)
    {
        var api = app.MapApi("/api/cases", PortalPolicies.Engineer, "Cases");

        api.MapGet("", (ClaimsPrincipal user, CaseQueries cases, string? status, string? priority, string? region, string? team, string? assignee,
                bool? mine, bool? unassigned, bool? breachingSoon, bool? breached, string? advertiser, string? category, CaseChannel? channel,
                string? q, string? cursor, int? limit, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
            cases.ListAsync(user, new CaseQuery(
                status, ParsePriorities(priority), Regions.ParseFilter(region), team, assignee, mine ?? false, unassigned ?? false,
                breachingSoon ?? false, breached ?? false, advertiser, category, channel, q, cursor, limit ?? 50, from, to), ct))
            .WithSummary("The case queue: open cases by default (status=all for every status); keyset paging with cursor.");

        api.MapGet("/categories", (CaseOptions options) => options.CategoryList)
            .WithSummary("The categories cases are filed under.");

        api.MapGet("/{number}", async (CaseQueries cases, string number, CancellationToken ct) =>
            await cases.DetailAsync(ParseNumber(number), ct) is { } detail
                ? Results.Ok(detail)
                : Results.Problem(statusCode: 404, title: "Not found.", detail: $"There is no case {number}."))
            .WithSummary("One case with its conversation, timeline and SLA clocks.");

        api.MapPost("", async (ClaimsPrincipal user, CaseService cases, NewCase request, CancellationToken ct) =>
        {
            var created = await cases.CreateAsync(user, request, ct);
            return Results.Created($"/api/cases/{created.Key}", created);
        }).WithSummary("Opens a case for an advertiser (account teams, bots); the answer holds its number.");

        api.MapPost("/{number}/replies", (ClaimsPrincipal user, CaseService cases, string number, CaseReplyRequest request, CancellationToken ct) =>
            cases.ReplyAsync(user, ParseNumber(number), request.Body, request.Then, request.Version, ct))
            .WithSummary("A public reply, sent to the advertiser; 'then' sets the status in the same step.");
        api.MapPost("/{number}/notes", (ClaimsPrincipal user, CaseService cases, string number, CaseNoteRequest request, CancellationToken ct) =>
            cases.NoteAsync(user, ParseNumber(number), request.Body, ct))
            .WithSummary("An internal note: never sent to the advertiser.");
        api.MapPost("/{number}/status", (ClaimsPrincipal user, CaseService cases, string number, CaseStatusRequest request, CancellationToken ct) =>
            cases.SetStatusAsync(user, ParseNumber(number), request.Status ?? throw new ValidationException("status", "Give a status."), request.Note, request.Version, ct))
            .WithSummary("Sets the status (Open, PendingAdvertiser, OnHold, Solved, Closed).");
        api.MapPost("/{number}/assign", (ClaimsPrincipal user, CaseService cases, string number, CaseAssignRequest request, CancellationToken ct) =>
            cases.AssignAsync(user, ParseNumber(number), request.Assignee, request.Version, ct))
            .WithSummary("Assigns to a handle (null unassigns).");
        api.MapPost("/{number}/priority", (ClaimsPrincipal user, CaseService cases, string number, CasePriorityRequest request, CancellationToken ct) =>
            cases.SetPriorityAsync(user, ParseNumber(number), request.Priority ?? throw new ValidationException("priority", "Give a priority, P1 to P4."), request.Version, ct))
            .WithSummary("Changes the priority; the SLA clocks follow the new targets.");
        api.MapPost("/{number}/route", (ClaimsPrincipal user, CaseService cases, string number, CaseRouteRequest request, CancellationToken ct) =>
            cases.RouteAsync(user, ParseNumber(number), request.Category, request.Team, request.Version, ct))
            .WithSummary("Moves the case to another category and/or team (by slug); what is left out stays.");
        api.MapPost("/{number}/merge", (ClaimsPrincipal user, CaseService cases, string number, CaseMergeRequest request, CancellationToken ct) =>
            cases.MergeAsync(user, ParseNumber(number), request.Into, request.Version, ct))
            .WithSummary("Merges this case, a duplicate, into another ('into'); it closes and points there.");
        MapLinks(api);
        MapQuality(app);
        MapSettings(app);

        var incidents = app.MapApi("/api/incidents", PortalPolicies.Engineer, "Cases");
        incidents.MapGet("/{number}/cases", (CaseIncidentService links, string number, CancellationToken ct) => links.ForIncidentAsync(ParseIncident(number), ct))
            .WithSummary("The advertiser cases linked to an incident, the distinct advertisers and their monthly spend, and the update if sent.");
        incidents.MapPost("/{number}/case-update", async (ClaimsPrincipal user, CaseIncidentService links, string number, CaseNoteRequest request, CancellationToken ct) =>
            new CaseUpdateSent(await links.SendUpdateAsync(user, ParseIncident(number), request.Body, ct)))
            .WithSummary("Once the incident is mitigated or resolved, its commander (or a manager) sends one reply to every linked case, once.");
        incidents.MapGet("/{number}/notice", (ProactiveNoticeService notices, string number, string? tier, CancellationToken ct) =>
            notices.StateAsync(ParseIncident(number), ParseTier(tier), ct))
            .WithSummary("The proactive notice: sent (and how many told advertisers wrote in since), or who it would reach now (?tier=Managed) and draft words.");
        incidents.MapPost("/{number}/notice", async (ClaimsPrincipal user, ProactiveNoticeService notices, string number, NoticeRequest request, CancellationToken ct) =>
        {
            var notice = await notices.SendAsync(user, ParseIncident(number), request, ct);
            return Results.Created($"/api/incidents/{number}/notice", notice);
        }).WithSummary("The commander (or a manager) approves one notice to the advertisers the open incident likely affects (its region, one tier or all), before they write in; once.");
    }

    private static void MapLinks(RouteGroupBuilder api)
    {
        api.MapGet("/{number}/incidents", async (CaseIncidentService links, string number, CancellationToken ct) =>
        {
            var (linked, suggested) = await links.ForCaseAsync(ParseNumber(number), ct);
            return new CaseIncidentLinks(linked, suggested);
        }).WithSummary("The incidents a case is linked to, and open incidents it may belong to (its region, its category's services).");
        api.MapPut("/{number}/incidents/{incident}", async (ClaimsPrincipal user, CaseIncidentService links, string number, string incident, CancellationToken ct) =>
        {
            await links.LinkAsync(user, ParseNumber(number), ParseIncident(incident), ct);
            return Results.NoContent();
        }).WithSummary("Links the case to an incident (the advertiser it hurt).");
        api.MapDelete("/{number}/incidents/{incident}", async (ClaimsPrincipal user, CaseIncidentService links, string number, string incident, CancellationToken ct) =>
        {
            await links.UnlinkAsync(user, ParseNumber(number), ParseIncident(incident), ct);
            return Results.NoContent();
        }).WithSummary("Removes the link.");
    }

    private static void MapQuality(WebApplication app)
    {
        var api = app.MapApi("/api/quality", PortalPolicies.Engineer, "Quality reviews");
        api.MapGet("/queue", (ClaimsPrincipal user, QualityService quality, CancellationToken ct) => quality.QueueAsync(user, ct))
            .WithSummary("The reviews waiting for me.");
        api.MapGet("/mine", (ClaimsPrincipal user, QualityService quality, CancellationToken ct) => quality.MineAsync(user, ct))
            .WithSummary("The completed reviews of my cases.");
        api.MapPost("/reviews/{id:long}", (ClaimsPrincipal user, QualityService quality, long id, QualitySubmission request, CancellationToken ct) =>
            quality.SubmitAsync(user, id, request.Ratings, request.Comment, ct))
            .WithSummary("Completes a review assigned to me: a rating (Met, Partly, Missed) per category of the scorecard.");
        api.MapPost("/reviews/{id:long}/dispute", async (ClaimsPrincipal user, QualityService quality, long id, CaseNoteRequest request, CancellationToken ct) =>
        {
            await quality.DisputeAsync(user, id, request.Body, ct);
            return Results.NoContent();
        }).WithSummary("Disputes a review of my case, once, saying why.");
        api.MapGet("/scores", (QualityService quality, TimeProvider clock, string? by, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
        {
            var end = to ?? clock.GetUtcNow();
            return quality.ScoresAsync(by ?? "engineer", from ?? end.AddDays(-28), end, ct);
        }).WithSummary("Internal quality score (mean review score) by engineer, team or region (by=engineer|team|region).");
    }

    private static void MapSettings(WebApplication app)
    {
        var api = app.MapApi("/api/case-settings", PortalPolicies.Engineer, "Case SLA settings");
        api.MapGet("/sla-policies", (CaseSettingsService settings, CancellationToken ct) => settings.PoliciesAsync(ct))
            .WithSummary("First-reply and resolution targets per priority (and per tier where set), in minutes, on calendar or business hours.");
        api.MapPut("/sla-policies/{priority}", (ClaimsPrincipal user, CaseSettingsService settings, string priority, Shared.Directory.AdvertiserTier? tier, CaseSlaPolicyChange request, CancellationToken ct) =>
            settings.SetPolicyAsync(user, ParsePriorities(priority) is [var one] ? one : throw new NotFoundException($"'{priority}' is not a priority; use P1 to P4."), tier, request, ct))
            .RequireAuthorization(PortalPolicies.Admin)
            .WithSummary("Sets a priority's targets (admins); ?tier=Managed for one tier only. Applies to cases opened from then on.");
        api.MapGet("/calendars", (CaseSettingsService settings, CancellationToken ct) => settings.CalendarsAsync(ct))
            .WithSummary("Each region's working hours, working days and public holidays, which business-hour case clocks count.");
        api.MapPut("/calendars/{region}", (ClaimsPrincipal user, CaseSettingsService settings, string region, RegionCalendarChange request, CancellationToken ct) =>
            settings.SetCalendarAsync(user, Regions.TryParse(region, out var code) ? code : throw new NotFoundException(Regions.NotARegion(region)), request, ct))
            .RequireAuthorization(PortalPolicies.Admin)
            .WithSummary("Sets a region's working hours (HH:mm), working days and holidays (yyyy-MM-dd) (admins).");
    }

    private static Shared.Directory.AdvertiserTier? ParseTier(string? tier) =>
        string.IsNullOrWhiteSpace(tier) ? null
        : Shared.Directory.AdvertiserRules.TryParseTier(tier, out var t) ? t : throw new ValidationException("tier", $"'{tier}' is not a tier; use Managed or SelfServe.");

    private static long ParseIncident(string number) =>
        IncidentNumber.TryParse(number, out var n) ? n : throw new ValidationException("incident", $"'{number}' is not an incident number (like INC-1042).");

    private static long ParseNumber(string number) =>
        CaseNumber.TryParse(number, out var n) ? n : throw new NotFoundException($"'{number}' is not a case number (like CASE-1234).");

    private static List<CasePriority>? ParsePriorities(string? priority)
    {
        if (string.IsNullOrWhiteSpace(priority))
        {
            return null;
        }
        var result = new List<CasePriority>();
        foreach (var part in priority.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<CasePriority>(part, ignoreCase: true, out var p) || !Enum.IsDefined(p) || int.TryParse(part, out _))
            {
                throw new ValidationException("priority", $"'{part}' is not a priority; use P1 to P4.");
            }
            result.Add(p);
        }
        return result;
    }
}
