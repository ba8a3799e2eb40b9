using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Data;
using Portal.Shared.Alerts;
using Portal.Shared.Automation;
using Portal.Shared.Incidents;

namespace Portal.Features.Automation;

public sealed partial class RunProcessing
{
    /// <summary>
    /// Sent runs waiting for their verify step: held → verified (a self-healed incident resolves itself); the window
    /// passed → not verified, the rollback queued, and for self-healing the page no longer held.
    /// </summary>
    private async Task<int> VerifyAsync(CancellationToken cancellationToken)
    {
        List<ActionRun> pending;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            pending = await db.ActionRuns.AsNoTracking().Where(r => r.Verification == Verification.Pending).OrderBy(r => r.Id).Take(50).ToListAsync(cancellationToken);
        }
        var done = 0;
        foreach (var run in pending)
        {
            var definition = await DefinitionAsync(run, cancellationToken);
            var (held, what) = definition.Verify.Kind == VerifyKind.HttpCheck
                ? await sender.CheckAsync(ActionPlans.Render(definition, run.Inputs, run.IncidentNumber, run.TargetService).VerifyUrl!, definition.Verify.ExpectStatus, cancellationToken)
                : await AlertResolvedAsync(run, cancellationToken);
            if (!held && clock.GetUtcNow() < run.VerifyBy)
            {
                continue;
            }
            var changed = await StepAsync(run.Id, r => r.Verification == Verification.Pending, async (db, r, now) =>
            {
                if (held)
                {
                    r.Verification = Verification.Verified;
                    return r.Trigger == RunTrigger.SelfHealing ? await ResolveHealedAsync(db, r, what, now, cancellationToken) : $"Verified: {what}.";
                }
                r.Verification = Verification.NotVerified;
                var text = $"Not verified within {definition.Verify.WithinMinutes} min: {what}.";
                if (definition.Rollback is { } rollback && await StageRollbackAsync(db, r, rollback, now, cancellationToken) is not null)
                {
                    text += $" Rolling back with {rollback}.";
                }
                return text;
            }, cancellationToken);
            if (changed is { Verification: Verification.NotVerified })
            {
                await PageIfHealingAsync(changed, cancellationToken);
            }
            done += changed is null ? 0 : 1;
        }
        return done;
    }

    private Task<ActionDefinition> DefinitionAsync(ActionRun run, CancellationToken cancellationToken) => DefinitionAsync(run.ActionId, run.ActionVersion, cancellationToken);

    private async Task<ActionDefinition> DefinitionAsync(int actionId, int version, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await RunService.DefinitionAsync(db, actionId, version, cancellationToken);
    }

    /// <summary>Whether the alert that started the run (or, for a person's run, every alert of its incident) has resolved.</summary>
    private async Task<(bool Held, string What)> AlertResolvedAsync(ActionRun run, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (run.AlertId is { } alertId)
        {
            var alert = await db.Alerts.AsNoTracking().Where(a => a.Id == alertId).Select(a => new { a.Status, a.Summary }).FirstOrDefaultAsync(cancellationToken);
            return alert?.Status == AlertStatus.Resolved ? (true, $"the alert \"{alert.Summary}\" resolved") : (false, "the alert is still firing");
        }
        if (run.IncidentNumber is { } number)
        {
            var open = await db.Alerts.AsNoTracking().CountAsync(a => a.IncidentNumber == number && a.Status != AlertStatus.Resolved, cancellationToken);
            var any = await db.Alerts.AsNoTracking().AnyAsync(a => a.IncidentNumber == number, cancellationToken);
            return any && open == 0 ? (true, "every alert of the incident resolved") : (false, any ? $"{open} alert(s) still firing" : "the incident has no alert to watch");
        }
        return (false, "no alert to watch");
    }

    /// <summary>The healed incident resolves itself, and its timeline says so, in the run's transaction.</summary>
    private static async Task<string> ResolveHealedAsync(PortalDbContext db, ActionRun run, string what, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var text = $"Remediated automatically: {what} after {run.ActionSlug} ran.";
        if (run.IncidentNumber is not { } number || await db.Incidents.FirstOrDefaultAsync(i => i.Number == number, cancellationToken) is not { } incident)
        {
            return text;
        }
        var actor = IncidentActor.Monitor(RunJournal.Automation);
        if (IncidentWorkflow.WhyNot(incident, IncidentAction.Resolve, actor) is null)
        {
            var targets = await IncidentQueries.TargetsAsync(db, incident.Severity, cancellationToken);
            db.Timeline.AddRange(IncidentWorkflow.Step(incident, IncidentAction.Resolve, actor, targets, now, $"{text} (run #{run.Id})"));
        }
        return text;
    }

    /// <summary>Queues the rollback of a run that did not verify, unless one was queued already.</summary>
    private static async Task<ActionRun?> StageRollbackAsync(PortalDbContext db, ActionRun run, string slug, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var action = await db.AutomationActions.AsNoTracking().FirstOrDefaultAsync(a => a.Slug == slug, cancellationToken);
        if (action is null || await db.ActionRuns.AnyAsync(r => r.RollbackOf == run.Id, cancellationToken))
        {
            return null;
        }
        var version = action.PromotedVersion ?? action.LatestVersion;
        var rollback = RunService.NewRun(action, version, run.Trigger, false, run.IncidentNumber, run.TargetService, run.Inputs, now);
        (rollback.RollbackOf, rollback.RequestedBy) = (run.Id, RunJournal.Automation);
        // Inputs the rollback does not take are left out, so its validation is its own.
        var definition = await RunService.DefinitionAsync(db, action.Id, version, cancellationToken);
        rollback.Inputs = run.Inputs.Where(i => definition.Inputs.Any(d => d.Name == i.Key)).ToDictionary(i => i.Key, i => i.Value);
        db.ActionRuns.Add(rollback);
        return rollback;
    }

    /// <summary>A self-healing run a guardrail refused at its start (the breaker, a freeze): people are paged now.</summary>
    public Task PageIfRefusedAsync(ActionRun run, CancellationToken cancellationToken) => PageIfHealingAsync(run, cancellationToken);

    /// <summary>
    /// A self-healing run that failed, was refused, was lost or did not verify hands the incident to people: the hold
    /// on its first page ends and the escalation pages now, with what was tried on the timeline.
    /// </summary>
    private async Task PageIfHealingAsync(ActionRun run, CancellationToken cancellationToken)
    {
        if (run.Trigger != RunTrigger.SelfHealing || run.IncidentNumber is not { } number || run.RollbackOf is not null)
        {
            return;
        }
        var held = await escalations.PageNowAsync(number, cancellationToken);
        escalationSignal.Wake();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        await RunJournal.StageAsync(db, run, null, null, $"Self-healing did not fix it (tried {run.ActionSlug}: {RunStates.Label(run.State)}"
            + $"{(run.Verification == Verification.NotVerified ? ", not verified" : "")}); {(held ? "paging people now" : "people are paged as usual")}.", now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await journal.PublishAsync(db, number, cancellationToken);
    }
}
