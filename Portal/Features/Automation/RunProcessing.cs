using Microsoft.EntityFrameworkCore;
using Portal.Features.OnCall;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>
/// The processor's work on runs, safe on any number of nodes (each step claims its run by its version): approvals
/// that ran out expire, runs whose lease ran out are lost, queued HTTP runs are dispatched and sent, sent runs are
/// verified, rolled back and, for self-healing, handed to a person by ending the hold on the page.
/// </summary>
public sealed partial class RunProcessing(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, RunJournal journal, HttpActionSender sender,
    AutomationOptions options, EscalationService escalations, EscalationSignal escalationSignal, ILogger<RunProcessing> logger)
{
    public const string PortalSender = "portal";

    /// <summary>How long past its timeout a sender may take before its run counts as lost.</summary>
    public static readonly TimeSpan LeaseMargin = TimeSpan.FromSeconds(30);

    public async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        var done = await ExpireAsync(cancellationToken);
        done += await LoseAsync(cancellationToken);
        done += await DispatchAsync(cancellationToken);
        done += await VerifyAsync(cancellationToken);
        return done;
    }

    /// <summary>Waiting runs nobody approved within 30 minutes expire.</summary>
    private async Task<int> ExpireAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var before = now - RunStates.ApprovalWindow;
        return (await StepEachAsync(r => r.State == RunState.AwaitingApproval && r.RequestedAt < before, (_, run, at) =>
        {
            (run.State, run.FinishedAt, run.Reason) = (RunState.Expired, at, $"Nobody approved it within {RunStates.ApprovalWindow.TotalMinutes:0} minutes.");
            return Task.FromResult<string?>($"Expired: {run.Reason}");
        }, cancellationToken)).Count;
    }

    /// <summary>Runs whose sender or runner stopped renewing the lease are lost: they may or may not have run, and a person is told.</summary>
    private async Task<int> LoseAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var lost = await StepEachAsync(r => (r.State == RunState.Dispatched || r.State == RunState.Running) && r.LeaseUntil <= now, async (db, run, at) =>
        {
            (run.State, run.FinishedAt, run.Reason, run.LeaseUntil) = (RunState.Lost, at,
                $"{run.Runner ?? "The runner"} stopped renewing its lease (it died, or lost the portal); it may or may not have acted.", null);
            await CountErrorAsync(db, run.ActionId, false, cancellationToken);
            return $"Lost: {run.Reason}";
        }, cancellationToken);
        foreach (var run in lost)
        {
            await PageIfHealingAsync(run, cancellationToken);
        }
        return lost.Count;
    }

    /// <summary>Queued HTTP runs, checked once more, claimed and sent; script runs wait for a runner to pull them.</summary>
    private async Task<int> DispatchAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var queued = await db.ActionRuns.AsNoTracking().Where(r => r.State == RunState.Queued).OrderBy(r => r.Id).Take(20)
            .Select(r => new { r.Id, r.ActionId, r.ActionVersion }).ToListAsync(cancellationToken);
        var done = 0;
        foreach (var q in queued)
        {
            var definition = await RunService.DefinitionAsync(db, q.ActionId, q.ActionVersion, cancellationToken);
            if (definition.Kind == ActionKind.Http && await DispatchOneAsync(q.Id, definition, cancellationToken))
            {
                done++;
            }
        }
        return done;
    }

    private async Task<bool> DispatchOneAsync(long id, ActionDefinition definition, CancellationToken cancellationToken)
    {
        var (claimed, plan) = await ClaimAsync(id, definition, PortalSender, TimeSpan.FromSeconds(definition.TimeoutSeconds) + LeaseMargin,
            "Dispatched to the portal's HTTP sender.", cancellationToken);
        if (claimed is null || plan is null)
        {
            return claimed is not null;
        }
        var started = await StepAsync(id, r => r.State == RunState.Dispatched, (_, run, now) =>
        {
            run.StartedAt = now;
            run.State = RunState.Running;
            return Task.FromResult<string?>($"Running: {plan.Method} {plan.Url}");
        }, cancellationToken);
        if (started is null)
        {
            return true;
        }
        await using var secrets = await factory.CreateDbContextAsync(cancellationToken);
        var secret = await SigningSecrets.GetAsync(secrets, options, cancellationToken);
        var sent = await sender.SendAsync(started, plan, definition.TimeoutSeconds, secret, cancellationToken);
        await FinishAsync(id, sent, definition, cancellationToken);
        return true;
    }

    /// <summary>
    /// Claims a queued run for <paramref name="holder"/> (the portal's HTTP sender or a runner) after its guardrails once
    /// more: a full action leaves it queued for a slot; any other refusal ends it there with its reason (and a
    /// self-healing run then pages). The run, and its plan when it was claimed; (null, null) when someone else took it.
    /// </summary>
    private async Task<(ActionRun? Run, ActionPlan? Plan)> ClaimAsync(long id, ActionDefinition definition, string holder, TimeSpan lease, string what,
        CancellationToken cancellationToken)
    {
        ActionPlan? plan = null;
        var claimed = await StepAsync(id, r => r.State == RunState.Queued, async (db, run, now) =>
        {
            var action = await db.AutomationActions.AsNoTracking().FirstAsync(a => a.Id == run.ActionId, cancellationToken);
            if (await GuardrailReader.CheckAsync(db, run, action, definition, now, cancellationToken) is { } refusal)
            {
                return refusal.Guardrail == Guardrail.Concurrency ? null : RunService.Decide(run, refusal, now);
            }
            plan = ActionPlans.Render(definition, run.Inputs, run.IncidentNumber, run.TargetService);
            (run.State, run.DispatchedAt, run.Runner, run.LeaseUntil) = (RunState.Dispatched, now, holder, now + lease);
            return what;
        }, cancellationToken);
        if (claimed is not null && plan is null)
        {
            await PageIfHealingAsync(claimed, cancellationToken);
        }
        return (claimed, plan);
    }

    /// <summary>Records how a sent run ended: its output, its error count, and its verify step (or, failing, the rollback and the page).</summary>
    internal async Task FinishAsync(long id, SendResult result, ActionDefinition definition, CancellationToken cancellationToken)
    {
        var ended = await StepAsync(id, r => r.State == RunState.Running || r.State == RunState.Dispatched, async (db, run, now) =>
        {
            (run.State, run.FinishedAt, run.Output, run.LeaseUntil) = (result.State, now, result.Output, null);
            await CountErrorAsync(db, run.ActionId, result.State == RunState.Succeeded, cancellationToken);
            if (result.State != RunState.Succeeded)
            {
                run.Reason = result.State == RunState.TimedOut ? result.Output : "The action answered with an error.";
                return $"{Capital(RunStates.Label(result.State))}: {FirstLine(result.Output)}";
            }
            if (definition.Verify.Kind != VerifyKind.None && run.RollbackOf is null)
            {
                (run.Verification, run.VerifyBy) = (Verification.Pending, now.AddMinutes(definition.Verify.WithinMinutes));
                return $"Succeeded: {FirstLine(result.Output)}. Verifying within {definition.Verify.WithinMinutes} min.";
            }
            return $"Succeeded: {FirstLine(result.Output)}";
        }, cancellationToken);
        if (ended is not null)
        {
            await AfterFinishAsync(ended, result.State, cancellationToken);
        }
    }

    private async Task AfterFinishAsync(ActionRun run, RunState state, CancellationToken cancellationToken)
    {
        if (run.RollbackOf is { } original && state == RunState.Succeeded)
        {
            await StepAsync(original, r => r.State is RunState.Succeeded or RunState.Failed or RunState.TimedOut, (_, o, _) =>
            {
                o.State = RunState.RolledBack;
                return Task.FromResult<string?>($"Rolled back by run #{run.Id} ({run.ActionSlug}).");
            }, cancellationToken);
        }
        else if (state != RunState.Succeeded)
        {
            await PageIfHealingAsync(run, cancellationToken);
        }
    }

    /// <summary>
    /// The error budget's count, in the run's own transaction: a success clears it, anything else adds one. An update
    /// in place, not a tracked change, so two runs of one action finishing at once both count.
    /// </summary>
    private static Task<int> CountErrorAsync(PortalDbContext db, int actionId, bool succeeded, CancellationToken cancellationToken) =>
        db.AutomationActions.Where(a => a.Id == actionId)
            .ExecuteUpdateAsync(u => u.SetProperty(a => a.ErrorsInARow, a => succeeded ? 0 : a.ErrorsInARow + 1), cancellationToken);

    /// <summary>
    /// Takes one step on each run <paramref name="due"/> selects, one run per transaction; a run another node took
    /// meanwhile is skipped. Returns the runs changed, as saved.
    /// </summary>
    private async Task<List<ActionRun>> StepEachAsync(System.Linq.Expressions.Expression<Func<ActionRun, bool>> due,
        Func<PortalDbContext, ActionRun, DateTimeOffset, Task<string?>> step, CancellationToken cancellationToken)
    {
        List<long> ids;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            ids = await db.ActionRuns.AsNoTracking().Where(due).OrderBy(r => r.Id).Select(r => r.Id).Take(100).ToListAsync(cancellationToken);
        }
        var check = due.Compile();
        var changed = new List<ActionRun>();
        foreach (var id in ids)
        {
            if (await StepAsync(id, check, step, cancellationToken) is { } run)
            {
                changed.Add(run);
            }
        }
        return changed;
    }

    /// <summary>
    /// Changes one run while <paramref name="still"/> holds, with its timeline line and audit row, in one transaction;
    /// a null from <paramref name="step"/> leaves it as it was. Returns the run as saved, or null when nothing changed
    /// (someone else changed it first). Anything that talks to the outside happens after, never inside the transaction.
    /// </summary>
    private async Task<ActionRun?> StepAsync(long id, Func<ActionRun, bool> still, Func<PortalDbContext, ActionRun, DateTimeOffset, Task<string?>> step,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var run = await db.ActionRuns.FirstOrDefaultAsync(r => r.Id == id, cancellationToken);
        var now = clock.GetUtcNow();
        if (run is null || !still(run) || await step(db, run, now) is not { } what)
        {
            return null;
        }
        run.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            logger.LogDebug("Run {Run} was taken by another node", id);
            return null;
        }
        await RunJournal.StageAsync(db, run, null, null, what, now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await journal.PublishAsync(db, run.IncidentNumber, cancellationToken);
        return run;
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0];

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
}
