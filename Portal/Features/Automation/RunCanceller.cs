using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>What a kill switch does besides stopping new runs: every queued or waiting run (of the action, or of all) is cancelled, each on its timeline.</summary>
public sealed class RunCanceller(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, RunJournal journal)
{
    public async Task<int> CancelQueuedAsync(int? actionId, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var waiting = db.ActionRuns.Where(r => r.State == RunState.Queued || r.State == RunState.AwaitingApproval);
        var ids = await (actionId is { } action ? waiting.Where(r => r.ActionId == action) : waiting).Select(r => r.Id).ToListAsync(cancellationToken);
        var cancelled = new List<ActionRun>();
        var now = clock.GetUtcNow();
        foreach (var id in ids)
        {
            // Each on its own: a run a node dispatched meanwhile is left to finish (its version moved on).
            db.ChangeTracker.Clear();
            if (await waiting.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) is not { } run)
            {
                continue;
            }
            await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            (run.State, run.FinishedAt, run.Reason) = (RunState.Cancelled, now, reason);
            run.Version++;
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException)
            {
                continue;
            }
            await RunJournal.StageAsync(db, run, null, null, $"Cancelled: {reason}", now, cancellationToken);
            await db.SaveChangesAsync(cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            cancelled.Add(run);
        }
        foreach (var incident in cancelled.Select(r => r.IncidentNumber).Distinct())
        {
            await journal.PublishAsync(db, incident, cancellationToken);
        }
        return cancelled.Count;
    }
}
