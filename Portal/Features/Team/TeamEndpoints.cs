using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Team;
using Portal.Shared;

namespace Portal.Features.Team;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class TeamModule
{
    public static void MapTeamModule(this WebApplication app)
    {
        var api = app.MapApi("/api", PortalPolicies.Engineer, "People and teams");
        MapCoaching(api);
    }

    /// <summary>
    /// 1:1s, plans, reviews, onboarding and team health. Every service call checks the caller against the person's
    /// reporting chain; a record the caller may not see answers 404, as if it did not exist, and is audited.
    /// </summary>
    private static void MapCoaching(RouteGroupBuilder api)
    {
        api.MapGet("/people/{handle}/record", (ClaimsPrincipal user, OperationalRecordService records, TimeProvider clock, string handle, DateTimeOffset? from, DateTimeOffset? to,
            CancellationToken ct) =>
        {
            var end = to ?? clock.GetUtcNow();
            return records.RecordAsync(user, handle, from ?? end.AddDays(-90), end, ct);
        }).WithSummary("A person's operational record (incidents handled and commanded, MTTA/MTTR, on-call, RCAs, action items) with weekly figures; default the last 90 days.");

        api.MapGet("/people/{handle}/one-on-ones", (ClaimsPrincipal user, OneOnOneService s, string handle, CancellationToken ct) => s.ListAsync(user, handle, ct))
            .WithSummary("The person's 1:1 series: next meeting with agenda, open action items, history. The viewer's own private notes only.");
        api.MapPost("/people/{handle}/one-on-ones", async (ClaimsPrincipal user, OneOnOneService s, string handle, SeriesInput input, CancellationToken ct) =>
            Results.Created($"/api/people/{handle}/one-on-ones", await s.StartAsync(user, handle, input, ct)))
            .WithSummary("Starts a 1:1 series with a report (their managers): cadence 7, 14 or 28 days.");
        api.MapPost("/one-on-ones/{id:int}/agenda", (ClaimsPrincipal user, OneOnOneService s, int id, ItemInput input, CancellationToken ct) =>
            s.AddItemAsync(user, id, OneOnOneItemKind.Agenda, input, ct)).WithSummary("Adds to the next meeting's agenda.");
        api.MapPost("/one-on-ones/{id:int}/actions", (ClaimsPrincipal user, OneOnOneService s, int id, ItemInput input, CancellationToken ct) =>
            s.AddItemAsync(user, id, OneOnOneItemKind.Action, input, ct)).WithSummary("Adds an action item owned by one of the two people.");
        api.MapPut("/one-on-ones/items/{id:int}/done", (ClaimsPrincipal user, OneOnOneService s, int id, DoneInput input, CancellationToken ct) =>
            s.SetDoneAsync(user, id, input.Done, ct)).WithSummary("Marks an agenda item discussed or an action item done (or not).");
        api.MapPut("/one-on-ones/meetings/{id:int}/notes", (ClaimsPrincipal user, OneOnOneService s, int id, NotesInput input, CancellationToken ct) =>
            s.SaveSharedNotesAsync(user, id, input, ct)).WithSummary("Saves the shared notes; the version must match (409 otherwise).");
        api.MapPut("/one-on-ones/meetings/{id:int}/private-note", (ClaimsPrincipal user, OneOnOneService s, int id, TextInput input, CancellationToken ct) =>
            s.SavePrivateNoteAsync(user, id, input.Text, ct)).WithSummary("Saves the manager's private note: only its writer ever reads it.");
        api.MapPost("/one-on-ones/meetings/{id:int}/complete", (ClaimsPrincipal user, OneOnOneService s, int id, CancellationToken ct) =>
            s.CompleteAsync(user, id, ct)).WithSummary("Marks the meeting held; the next is scheduled and undiscussed agenda items move to it.");

        api.MapGet("/people/{handle}/plans", (ClaimsPrincipal user, PlanService s, string handle, CancellationToken ct) => s.ListAsync(user, handle, ct))
            .WithSummary("The person's development plans with goals, milestones, updates and evidence.");
        api.MapPost("/people/{handle}/plans", async (ClaimsPrincipal user, PlanService s, string handle, PlanInput input, CancellationToken ct) =>
        {
            var plan = await s.CreateAsync(user, handle, input, ct);
            return Results.Created($"/api/people/{handle}/plans", plan);
        }).WithSummary("Creates a development plan (the person or their managers).");
        api.MapPost("/plans/{id:int}/goals", (ClaimsPrincipal user, PlanService s, int id, GoalInput input, CancellationToken ct) => s.AddGoalAsync(user, id, input, ct))
            .WithSummary("Adds a goal tied to a competency, with milestones.");
        api.MapPut("/plans/{id:int}/closed", (ClaimsPrincipal user, PlanService s, int id, DoneInput input, CancellationToken ct) => s.SetClosedAsync(user, id, input.Done, ct))
            .WithSummary("Closes (or reopens) a plan.");
        api.MapPost("/plan-goals/{id:int}/updates", (ClaimsPrincipal user, PlanService s, int id, UpdateInput input, CancellationToken ct) => s.AddUpdateAsync(user, id, input, ct))
            .WithSummary("A progress update: text and the goal's progress (0–100).");
        api.MapPut("/plan-goals/{id:int}/milestones/{index:int}", (ClaimsPrincipal user, PlanService s, int id, int index, DoneInput input, CancellationToken ct) =>
            s.SetMilestoneAsync(user, id, index, input.Done, ct)).WithSummary("Ticks (or unticks) a milestone, counted from 0.");
        api.MapPost("/plan-goals/{id:int}/evidence", (ClaimsPrincipal user, PlanService s, int id, EvidenceInput input, CancellationToken ct) => s.AddEvidenceAsync(user, id, input, ct))
            .WithSummary("Links evidence: an incident (INC-…), an RCA (number), a runbook (slug) or an https link.");

        api.MapGet("/people/{handle}/reviews", (ClaimsPrincipal user, ReviewService s, string handle, CancellationToken ct) => s.HistoryAsync(user, handle, ct))
            .WithSummary("The person's reviews across cycles: states and deadlines (content is at /api/reviews/{id}).");
        api.MapGet("/people/{handle}/reviews/{id:int}", async (ClaimsPrincipal user, ReviewService s, string handle, int id, CancellationToken ct) =>
        {
            var review = await s.GetAsync(user, id, ct);
            return string.Equals(review.Person, handle.Trim(), StringComparison.OrdinalIgnoreCase)
                ? Results.Ok(review)
                : Results.Problem(statusCode: 404, title: "Not found.", detail: $"There is no review {id} of '{handle}' for you to see.");
        }).WithSummary("One review as the caller may see it.");
        api.MapGet("/reviews/{id:int}", (ClaimsPrincipal user, ReviewService s, int id, CancellationToken ct) => s.GetAsync(user, id, ct))
            .WithSummary("One review as the caller may see it: the manager's part only after sign-off for the person; the self-review only once handed in for managers.");
        api.MapPut("/reviews/{id:int}/self", (ClaimsPrincipal user, ReviewService s, int id, ReviewPartInput input, CancellationToken ct) => s.SaveSelfAsync(user, id, input, ct))
            .WithSummary("Saves the self-review (ratings 1–5 per competency, text, version); submit hands it in. Refused after the deadline unless reopened.");
        api.MapPut("/reviews/{id:int}/manager", (ClaimsPrincipal user, ReviewService s, int id, ReviewPartInput input, CancellationToken ct) => s.SaveManagerAsync(user, id, input, ct))
            .WithSummary("Saves the manager review; submit hands it in for sign-off.");
        api.MapPost("/reviews/{id:int}/sign-off", (ClaimsPrincipal user, ReviewService s, int id, CancellationToken ct) => s.SignOffAsync(user, id, ct))
            .WithSummary("Signs off: the person can read the review from now on; the operational record is frozen into it.");
        api.MapPost("/reviews/{id:int}/reopen", (ClaimsPrincipal user, ReviewService s, int id, ReopenInput input, CancellationToken ct) => s.ReopenAsync(user, id, input, ct))
            .WithSummary("Gives the self-review (part \"self\", by a manager) or the manager review (\"manager\", from above or an admin) a new deadline.");
        api.MapPost("/reviews/{id:int}/peers", (ClaimsPrincipal user, ReviewService s, int id, PeerRequestInput input, CancellationToken ct) => s.RequestPeerAsync(user, id, input, ct))
            .WithSummary("Asks a peer (handle) for feedback.");
        api.MapGet("/peer-feedback", (ClaimsPrincipal user, PeerFeedbackService s, CancellationToken ct) => s.PeerRequestsAsync(user, ct))
            .WithSummary("Feedback asked of the caller.");
        api.MapPut("/peer-feedback/{id:int}", (ClaimsPrincipal user, PeerFeedbackService s, int id, PeerAnswerInput input, CancellationToken ct) => s.AnswerPeerAsync(user, id, input, ct))
            .WithSummary("Writes (or declines) feedback asked of the caller, before the peer deadline.");
        api.MapGet("/review-cycles", (ClaimsPrincipal user, ReviewCycleService s, CancellationToken ct) => s.CyclesAsync(user, ct))
            .WithSummary("Review cycles with the states of the reviews the caller may see.");
        api.MapGet("/review-cycles/{id:int}", (ClaimsPrincipal user, ReviewCycleService s, int id, CancellationToken ct) => s.CycleAsync(user, id, ct));
        api.MapPost("/review-cycles", async (ClaimsPrincipal user, ReviewCycleService s, CycleInput input, CancellationToken ct) =>
        {
            var cycle = await s.OpenCycleAsync(user, input, ct);
            return Results.Created($"/api/review-cycles/{cycle.Id}", cycle);
        }).RequireAuthorization(PortalPolicies.Manager).WithSummary("Opens a review cycle (managers, admins) with a review for each person below the caller, or in the team.");

        api.MapGet("/people/{handle}/onboarding", (ClaimsPrincipal user, OnboardingService s, string handle, CancellationToken ct) => s.GetAsync(user, handle, ct))
            .WithSummary("The person's onboarding checklist and progress.");
        api.MapPost("/people/{handle}/onboarding", (ClaimsPrincipal user, OnboardingService s, string handle, OnboardingStart input, CancellationToken ct) => s.StartAsync(user, handle, input, ct))
            .WithSummary("Starts onboarding from a template (the person's managers).");
        api.MapPut("/onboarding-steps/{id:int}/done", (ClaimsPrincipal user, OnboardingService s, int id, DoneInput input, CancellationToken ct) => s.SetDoneAsync(user, id, input.Done, ct))
            .WithSummary("Ticks (or unticks) an onboarding step.");
        api.MapGet("/onboarding-templates", (OnboardingService s, CancellationToken ct) => s.TemplatesAsync(ct));
        api.MapPost("/onboarding-templates", async (ClaimsPrincipal user, OnboardingService s, TemplateInput input, CancellationToken ct) =>
        {
            var template = await s.CreateTemplateAsync(user, input, ct);
            return Results.Created($"/api/onboarding-templates/{template.Id}", template);
        }).WithSummary("Adds a checklist template for a role: { name, role, steps: [{ category: Access|ShadowShifts|RunbookReading|FirstOnCall, title, dueAfterDays }] }.");

        api.MapGet("/team/health", (ClaimsPrincipal user, TeamHealthService s, string? team, int? days, CancellationToken ct) => s.HealthAsync(user, team, days ?? 30, ct))
            .RequireAuthorization(PortalPolicies.Manager)
            .WithSummary("A manager's team: on-call load spread (max/mean), overdue 1:1s, review deadlines, overdue action items, onboarding.");
    }
}

public sealed record DoneInput(bool Done);

public sealed record TextInput([property: MultiLine] string? Text);
