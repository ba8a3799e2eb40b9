using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class IncidentsModule
{
    public static void MapIncidentsModule(this WebApplication app)
    {
        var api = app.MapApi("/api/incidents", PortalPolicies.Engineer, "Incidents");

        api.MapGet("", (ClaimsPrincipal user, IncidentQueries incidents, string? status, string? severity, string? region, string? team,
                string? service, string? assignee, bool? mine, bool? unassigned, bool? breached, string? q, string? sort, string? cursor, int? limit,
                DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct) =>
            incidents.ListAsync(user, new IncidentQuery(
                status, ParseSeverities(severity), Regions.ParseFilter(region), team, service, assignee, mine ?? false, unassigned ?? false,
                breached ?? false, q, sort, cursor, limit ?? 50, from, to), ct))
            .WithSummary("The queue: open incidents by default (status=all for every status); from/to keep those triggered in that window; keyset paging with cursor.");

        api.MapGet("/{number}", async (IncidentQueries incidents, string number, CancellationToken ct) =>
            await incidents.DetailAsync(ParseNumber(number), ct) is { } detail
                ? Results.Ok(detail)
                : Results.Problem(statusCode: 404, title: "Not found.", detail: $"There is no incident {number}."))
            .WithSummary("One incident with its timeline and SLA clocks.");

        api.MapPost("", async (ClaimsPrincipal user, IncidentService incidents, NewIncident request, CancellationToken ct) =>
        {
            var created = await incidents.CreateAsync(user, request, ct);
            return Results.Created($"/api/incidents/{created.Key}", created);
        }).WithSummary("Opens an incident; the answer holds its number.");

        foreach (var action in Enum.GetValues<IncidentAction>())
        {
            api.MapPost("/{number}/" + action.ToString().ToLowerInvariant(), (ClaimsPrincipal user, IncidentService incidents, string number, ActionRequest? request, CancellationToken ct) =>
                incidents.ActAsync(user, ParseNumber(number), action, request?.Version, request?.Note, ct))
                .WithSummary($"{action}s the incident (version, when given, must match).");
        }
        api.MapPost("/{number}/assign", (ClaimsPrincipal user, IncidentService incidents, string number, AssignRequest request, CancellationToken ct) =>
            incidents.AssignAsync(user, ParseNumber(number), request.Assignee, request.Version, ct))
            .WithSummary("Assigns to a handle (null unassigns).");
        api.MapPost("/{number}/severity", (ClaimsPrincipal user, IncidentService incidents, string number, SeverityRequest request, CancellationToken ct) =>
            incidents.ChangeSeverityAsync(user, ParseNumber(number), request.Severity ?? throw new ValidationException("severity", "Give a severity, SEV1 to SEV5."), request.Version, ct))
            .WithSummary("Changes the severity.");
        api.MapPost("/{number}/commander", (ClaimsPrincipal user, IncidentService incidents, string number, CommanderRequest request, CancellationToken ct) =>
            incidents.SetCommanderAsync(user, ParseNumber(number), request.Commander, request.Version, ct))
            .WithSummary("Sets the incident commander (null removes).");
        api.MapPost("/{number}/merge", (ClaimsPrincipal user, IncidentService incidents, string number, MergeRequest request, CancellationToken ct) =>
            incidents.MergeAsync(user, ParseNumber(number), request.Into, request.SuggestedScore, request.Version, ct))
            .WithSummary("Merges this incident, a duplicate, into another ('into'): it resolves and points there, its open alerts move there; recorded "
                + "with the suggestion's score when a suggestion proposed it.");
        api.MapPost("/{number}/unmerge", (ClaimsPrincipal user, IncidentService incidents, string number, ActionRequest? request, CancellationToken ct) =>
            incidents.UnmergeAsync(user, ParseNumber(number), request?.Version, ct))
            .WithSummary("Undoes a merge: the incident reopens on its own and its moved alerts come back; recorded.");
        api.MapPost("/{number}/comments", async (ClaimsPrincipal user, IncidentService incidents, string number, PostRequest request, CancellationToken ct) =>
            Results.Created($"/api/incidents/{number}", await incidents.PostAsync(user, ParseNumber(number), request.Text, stakeholderUpdate: false, ct)))
            .WithSummary("Adds a comment (Markdown) to the timeline.");
        api.MapPost("/{number}/stakeholder-updates", async (ClaimsPrincipal user, IncidentService incidents, string number, PostRequest request, CancellationToken ct) =>
            Results.Created($"/api/incidents/{number}", await incidents.PostAsync(user, ParseNumber(number), request.Text, stakeholderUpdate: true, ct)))
            .WithSummary("Posts an update for customers or leadership.");

        MapSlaPolicies(app);
    }

    private static void MapSlaPolicies(WebApplication app)
    {
        var api = app.MapApi("/api/sla-policies", PortalPolicies.Engineer, "SLA policies");
        api.MapGet("", (SlaPolicyService policies, CancellationToken ct) => policies.ListAsync(ct))
            .WithSummary("Time to acknowledge and to mitigate per severity, in minutes (null: no clock).");
        api.MapPut("/{severity}", (ClaimsPrincipal user, SlaPolicyService policies, string severity, SlaPolicyChange request, CancellationToken ct) =>
            policies.UpdateAsync(user, ParseSeverities(severity) is [var one] ? one : throw new NotFoundException($"'{severity}' is not a severity; use SEV1 to SEV5."), request, ct))
            .RequireAuthorization(PortalPolicies.Admin)
            .WithSummary("Sets one severity's targets (admins). Applies at once to open incidents' clocks.");
    }

    private static long ParseNumber(string number) =>
        IncidentNumber.TryParse(number, out var n) ? n : throw new NotFoundException($"'{number}' is not an incident number (like INC-1042).");


    private static List<Severity>? ParseSeverities(string? severity)
    {
        if (string.IsNullOrWhiteSpace(severity))
        {
            return null;
        }
        var result = new List<Severity>();
        foreach (var part in severity.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<Severity>(part, ignoreCase: true, out var s) || !Enum.IsDefined(s) || int.TryParse(part, out _))
            {
                throw new ValidationException("severity", $"'{part}' is not a severity; use SEV1 to SEV5.");
            }
            result.Add(s);
        }
        return result;
    }
}
