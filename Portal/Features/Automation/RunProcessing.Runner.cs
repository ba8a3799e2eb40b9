using Microsoft.EntityFrameworkCore;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>What a runner is handed: the run and its plan, for as long as its lease lasts.</summary>
public sealed record ClaimedJob(ActionRun Run, ActionPlan Plan, int TimeoutSeconds);

public sealed partial class RunProcessing
{
    /// <summary>How long a runner holds a job between renewals; a runner that stops renewing loses it.</summary>
    public static readonly TimeSpan RunnerLease = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Claims the oldest queued script run for <paramref name="runner"/>, after its guardrails once more; at most one
    /// runner wins each run (the claim is by the run's version). Null when nothing is queued.
    /// </summary>
    public async Task<ClaimedJob?> ClaimScriptAsync(string runner, CancellationToken cancellationToken)
    {
        List<(long Id, int ActionId, int Version)> queued;
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            queued = [.. (await db.ActionRuns.AsNoTracking().Where(r => r.State == RunState.Queued).OrderBy(r => r.Id).Take(20)
                .Select(r => new { r.Id, r.ActionId, r.ActionVersion }).ToListAsync(cancellationToken)).Select(r => (r.Id, r.ActionId, r.ActionVersion))];
        }
        foreach (var (id, actionId, version) in queued)
        {
            var definition = await DefinitionAsync(actionId, version, cancellationToken);
            if (definition.Kind != ActionKind.Script)
            {
                continue;
            }
            var (claimed, plan) = await ClaimAsync(id, definition, runner, RunnerLease, $"Dispatched to runner {runner}.", cancellationToken);
            if (claimed is not null && plan is not null)
            {
                return new ClaimedJob(claimed, plan, definition.TimeoutSeconds);
            }
        }
        return null;
    }

    /// <summary>The runner started the process: the run is running, its lease renewed.</summary>
    public async Task<bool> StartedAsync(long id, string runner, CancellationToken cancellationToken) =>
        await StepAsync(id, r => r.State == RunState.Dispatched && r.Runner == runner, (_, run, now) =>
        {
            (run.State, run.StartedAt, run.LeaseUntil) = (RunState.Running, now, now + RunnerLease);
            return Task.FromResult<string?>($"Running on {runner}.");
        }, cancellationToken) is not null;

    /// <summary>
    /// The runner still holds the job: its lease runs on. False when the run is no longer its own (lost, cancelled),
    /// so the runner stops the process. Renewals are not written to the timeline.
    /// </summary>
    public async Task<bool> RenewAsync(long id, string runner, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        return await db.ActionRuns.Where(r => r.Id == id && r.Runner == runner && (r.State == RunState.Dispatched || r.State == RunState.Running) && r.LeaseUntil > now)
            .ExecuteUpdateAsync(u => u.SetProperty(r => r.LeaseUntil, now + RunnerLease), cancellationToken) > 0;
    }

    /// <summary>The runner's report: how the process ended and its output, redacted and cut here again whatever the runner did.</summary>
    public async Task<bool> FinishedAsync(long id, string runner, RunState state, string? output, CancellationToken cancellationToken)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (!await db.ActionRuns.AnyAsync(r => r.Id == id && r.Runner == runner && (r.State == RunState.Dispatched || r.State == RunState.Running), cancellationToken))
            {
                return false;
            }
        }
        var run = await GetAsync(id, cancellationToken);
        var definition = await DefinitionAsync(run, cancellationToken);
        var ended = state is RunState.Succeeded or RunState.Failed or RunState.TimedOut ? state : RunState.Failed;
        await FinishAsync(id, new SendResult(ended, RunOutput.Summarize(output, [])), definition, cancellationToken);
        return true;
    }

    private async Task<ActionRun> GetAsync(long id, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.ActionRuns.AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken);
    }
}
