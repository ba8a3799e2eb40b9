using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;

namespace Portal.Features.Automation;

/// <summary>The runner protocol (runner tokens, not people) and the admins' runner tokens.</summary>
public static class RunnerEndpoints
{
    public static void MapRunners(WebApplication app)
    {
        var runners = app.MapApi("/api/automation/runners", PortalPolicies.Engineer, "Automation");
        runners.MapGet("", (RunnerService service, CancellationToken ct) => service.ListAsync(ct)).WithSummary("The runners, when each was last seen, and which are revoked.");
        runners.MapPost("", (RunnerService service, ClaimsPrincipal user, RunnerName body, CancellationToken ct) => service.CreateAsync(user, body.Name, ct))
            .WithSummary("Makes a runner token (admins); the token is in this answer only. Start the runner with: dotnet Portal.dll runner --portal <url> --token <token>.");
        runners.MapPost("/{id:int}/revoke", (RunnerService service, ClaimsPrincipal user, int id, CancellationToken ct) => service.RevokeAsync(user, id, ct))
            .WithSummary("Revokes a runner token: its next request is refused and audited; its jobs under way are lost when their lease runs out.");

        // Runners sign in with their own bearer token, checked by the service (a person's token or cookie is not a runner).
        var jobs = app.MapGroup("/api/runner/jobs").AllowAnonymous().WithTags("Automation");
        jobs.MapPost("/next", (RunnerService service, HttpContext http, CancellationToken ct) =>
                AsRunnerAsync(service, http, async runner => await service.NextAsync(runner, ct) is { } job ? Results.Ok(job) : Results.NoContent(), ct))
            .WithSummary("Long poll (up to 25 s) for the next script job: its JSON and signature (HMAC-SHA256 with the runner's token), with a nonce, an expiry "
                + "and the run's idempotency key; 204 when none came. The runner holds it under a 30-second lease it renews.");
        jobs.MapPost("/{id:long}/start", (RunnerService service, RunProcessing runs, HttpContext http, long id, CancellationToken ct) =>
                AsRunnerAsync(service, http, async runner => await runs.StartedAsync(id, runner.Name, ct) ? Results.NoContent() : Gone(), ct))
            .WithSummary("The process started; 409 when the job is no longer this runner's (lost or cancelled): do not run it.");
        jobs.MapPost("/{id:long}/lease", (RunnerService service, RunProcessing runs, HttpContext http, long id, CancellationToken ct) =>
                AsRunnerAsync(service, http, async runner => await runs.RenewAsync(id, runner.Name, ct) ? Results.NoContent() : Gone(), ct))
            .WithSummary("Renews the lease for 30 seconds; 409 when the job is no longer this runner's: kill the process.");
        jobs.MapPost("/{id:long}/finish", (RunnerService service, RunProcessing runs, HttpContext http, long id, JobReport report, CancellationToken ct) =>
                AsRunnerAsync(service, http, async runner => await runs.FinishedAsync(id, runner.Name, report.State, report.Output, ct) ? Results.NoContent() : Gone(), ct))
            .WithSummary("How the job ended (Succeeded, Failed or TimedOut) and its output; the portal redacts and cuts it again.");
    }

    private static async Task<IResult> AsRunnerAsync(RunnerService service, HttpContext http, Func<Shared.Automation.RunnerToken, Task<IResult>> act, CancellationToken ct)
    {
        try
        {
            return await act(await service.AuthenticateAsync(http, ct));
        }
        catch (RunnerRejectedException e)
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Not a runner.", detail: e.Message);
        }
    }

    private static IResult Gone() => Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "Not your job.",
        detail: "The job is no longer this runner's: it was lost (the lease ran out) or cancelled. Stop it.");
}

/// <summary>The body that names a new runner.</summary>
public sealed record RunnerName(string? Name);
