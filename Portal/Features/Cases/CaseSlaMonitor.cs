using Microsoft.EntityFrameworkCore;
using Portal.Background;
using Portal.Infrastructure.Data;
using Portal.Shared.Cases;
using Portal.Shared.Live;

namespace Portal.Features.Cases;

/// <summary>
/// Records every case clock that has run out unmet: flags the case and writes one SlaBreached entry. Each case is
/// claimed through its version, so several nodes can run this at once without recording a breach twice.
/// </summary>
public sealed class CaseSlaMonitor(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock)
{
    public async Task<int> RecordBreachesAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        List<long> candidates;
        await using (var scan = await factory.CreateDbContextAsync(cancellationToken))
        {
            candidates = await scan.Cases.AsNoTracking()
                .Where(c => c.ClocksPausedSince == null
                    && ((c.FirstRepliedAt == null && !c.FirstReplyBreached && c.FirstReplyDueAt < now)
                        || (c.SolvedAt == null && c.ClosedAt == null && !c.ResolutionBreached && c.ResolutionDueAt < now)))
                .OrderBy(c => c.Number).Select(c => c.Number).Take(500).ToListAsync(cancellationToken);
        }
        var recorded = 0;
        foreach (var number in candidates)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var unit = CancellationToken.None;
            await using var db = await factory.CreateDbContextAsync(unit);
            var c = await db.Cases.Include(x => x.Advertiser).FirstAsync(x => x.Number == number, unit);
            var (_, calendar) = await CaseQueries.RulesAsync(db, c.Priority, c.Advertiser!.Tier, c.Region, unit);
            var events = CaseWorkflow.Breaches(c, calendar, now).ToList();
            if (events.Count == 0)
            {
                continue;
            }
            CaseWorkflow.Commit(c, events, now);
            db.CaseEvents.AddRange(events);
            try
            {
                await db.SaveChangesAsync(unit);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another node recorded it, or someone acted on the case meanwhile: the next scan decides again.
                continue;
            }
            recorded += events.Count;
            await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, number, CaseEventKind.SlaBreached, unit), unit);
        }
        return recorded;
    }
}

/// <summary>Runs <see cref="CaseSlaMonitor"/> on its interval, outside any user's circuit.</summary>
public sealed class CaseSlaProcessor(IServiceScopeFactory scopes, CaseSlaSignal signal, TimeProvider clock, CaseOptions options, ILogger<CaseSlaProcessor> logger)
    : PollingProcessor(signal, clock, options.ScanInterval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        await using var scope = scopes.CreateAsyncScope();
        var recorded = await scope.ServiceProvider.GetRequiredService<CaseSlaMonitor>().RecordBreachesAsync(cancellationToken);
        if (recorded > 0)
        {
            logger.LogInformation("Recorded {Count} case SLA breach(es)", recorded);
        }
        return recorded;
    }
}

/// <summary>Nothing wakes the case SLA processor early; it scans on its interval.</summary>
public sealed class CaseSlaSignal : ProcessorSignal;
