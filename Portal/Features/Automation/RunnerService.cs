using System.Security.Claims;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

/// <summary>Wakes every runner waiting on a long poll on this node when a run is queued.</summary>
public sealed class RunnerWake
{
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public void Wake() => Interlocked.Exchange(ref _next, new(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    public async Task WaitAsync(TimeSpan most, CancellationToken cancellationToken)
    {
        try
        {
            await _next.Task.WaitAsync(most, cancellationToken);
        }
        catch (TimeoutException)
        {
            // Nothing woke it: the caller looks anyway (a run queued on another node wakes only that node's runners).
        }
    }
}

/// <summary>A runner as admins see it; the token itself only once, when made.</summary>
public sealed record RunnerView(int Id, string Name, DateTimeOffset CreatedAt, DateTimeOffset? LastSeenAt, DateTimeOffset? RevokedAt, string? Token = null);

/// <summary>A signed job for a runner: the job's JSON and its <c>t=…,v1=…</c> signature with the runner's token.</summary>
public sealed record SignedJob(string Job, string Signature);

/// <summary>A runner's report of how a job ended.</summary>
public sealed record JobReport(RunState State, [property: MultiLine, System.ComponentModel.DataAnnotations.MaxLength(RunOutput.MaxChars + 100)] string? Output);

/// <summary>
/// Runners: their tokens (admins make and revoke them; a bad or revoked token is refused and audited), and the
/// protocol they pull work by: a long poll for the next signed job, start, lease renewals, the report.
/// </summary>
public sealed class RunnerService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock, IDataProtectionProvider protection,
    RunProcessing processing, RunnerWake wake)
{
    private const string Purpose = "Portal.Automation.RunnerTokens";
    public static readonly TimeSpan JobExpiry = TimeSpan.FromMinutes(1);
    public static readonly TimeSpan LongPoll = TimeSpan.FromSeconds(25);

    public async Task<RunnerView> CreateAsync(ClaimsPrincipal user, string? name, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "runners", "Only admins make runner tokens.", cancellationToken);
        name = name?.Trim();
        if (string.IsNullOrEmpty(name) || name.Length > 80 || name.Any(char.IsControl))
        {
            throw new ValidationException("name", "Name the runner in at most 80 characters (\"billing-eu-1\").");
        }
        var token = "prn_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var runner = new RunnerToken { Name = name, TokenHash = IntegrationKeys.Hash(token), ProtectedSecret = protection.CreateProtector(Purpose).Protect(token), CreatedAt = clock.GetUtcNow() };
        db.RunnerTokens.Add(runner);
        db.Audit(user, runner.CreatedAt, "automation.runner-created", $"runner {name}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"A runner named '{name}' exists already.");
        }
        return new(runner.Id, runner.Name, runner.CreatedAt, null, null, token);
    }

    public async Task<IReadOnlyList<RunnerView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.RunnerTokens.AsNoTracking().OrderBy(r => r.Name).Select(r => new RunnerView(r.Id, r.Name, r.CreatedAt, r.LastSeenAt, r.RevokedAt, null))
            .ToListAsync(cancellationToken);
    }

    public async Task<RunnerView> RevokeAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        await audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "runners", "Only admins revoke runner tokens.", cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var runner = await db.RunnerTokens.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw new NotFoundException($"No runner {id}.");
        runner.RevokedAt ??= clock.GetUtcNow();
        db.Audit(user, runner.RevokedAt.Value, "automation.runner-revoked", $"runner {runner.Name}");
        await db.SaveChangesAsync(cancellationToken);
        return new(runner.Id, runner.Name, runner.CreatedAt, runner.LastSeenAt, runner.RevokedAt);
    }

    /// <summary>The runner a request's bearer token names; a missing, unknown or revoked token is audited and refused.</summary>
    public async Task<RunnerToken> AuthenticateAsync(HttpContext http, CancellationToken cancellationToken)
    {
        var header = http.Request.Headers.Authorization.ToString();
        var token = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..].Trim() : "";
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var hash = IntegrationKeys.Hash(token);
        var runner = token.Length == 0 ? null : await db.RunnerTokens.FirstOrDefaultAsync(r => r.TokenHash == hash, cancellationToken);
        if (runner is null || runner.RevokedAt is not null)
        {
            var why = runner is null ? "An unknown runner token." : $"The token of runner {runner.Name} was revoked.";
            await audit.RecordAsync(new AuditEntry { Actor = runner?.Name ?? "anonymous", Action = "automation.runner-rejected", Target = http.Request.Path, Detail = why }, cancellationToken);
            throw new RunnerRejectedException(why);
        }
        runner.LastSeenAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        return runner;
    }

    /// <summary>Waits up to the long poll for a queued script run, claims it and signs it for this runner; null when none came.</summary>
    public async Task<SignedJob?> NextAsync(RunnerToken runner, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + LongPoll;
        while (!cancellationToken.IsCancellationRequested)
        {
            if (await processing.ClaimScriptAsync(runner.Name, cancellationToken) is { } claimed)
            {
                var job = new RunnerJob(claimed.Run.Id, claimed.Run.IdempotencyKey, Guid.NewGuid().ToString("N"), clock.GetUtcNow() + JobExpiry,
                    claimed.Plan.Command!, claimed.Plan.Arguments, claimed.TimeoutSeconds);
                var json = RunnerJobs.Serialize(job);
                return new SignedJob(json, RunnerJobs.Sign(protection.CreateProtector(Purpose).Unprotect(runner.ProtectedSecret), json, clock.GetUtcNow()));
            }
            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return null;
            }
            // Woken at once by a run queued on this node; otherwise it looks again each second (other nodes' runs).
            await wake.WaitAsync(left < TimeSpan.FromSeconds(1) ? left : TimeSpan.FromSeconds(1), cancellationToken);
        }
        return null;
    }
}

/// <summary>A runner's token was missing, unknown or revoked: a 401.</summary>
public sealed class RunnerRejectedException(string message) : Exception(message);
