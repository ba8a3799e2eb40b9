using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Incidents;

/// <summary>
/// Records every SLA clock that has run out unmet: flags the incident and writes one SlaBreached entry. Each incident is
/// claimed through its version, so several nodes can run this at once without recording a breach twice.
/// </summary>
public sealed class SlaBreachService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock)
{
    public const string SlaMonitor = SlaClocks.MonitorName;

    public async Task<int> RecordBreachesAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var recorded = 0;
        foreach (var (number, kind) in await CandidatesAsync(now, cancellationToken))
        {
            // A node that stops, stops between incidents: one incident's breach, once begun, is written to its end (a
            // commit cut off halfway is an error in the log and a breach recorded late).
            cancellationToken.ThrowIfCancellationRequested();
            var unit = CancellationToken.None;
            await using var db = await factory.CreateDbContextAsync(unit);
            var incident = await db.Incidents.FirstAsync(i => i.Number == number, unit);
            var targets = await IncidentQueries.TargetsAsync(db, incident.Severity, unit);
            var c = IncidentWorkflow.Clocks(incident, targets, now).FirstOrDefault(x => x.Kind == kind);
            if (c is null || !c.Breached || c.Met || (kind == SlaKind.Acknowledge ? incident.AcknowledgeBreached : incident.MitigateBreached))
            {
                continue;
            }
            db.Timeline.Add(IncidentWorkflow.Breach(incident, c, now));
            try
            {
                await db.SaveChangesAsync(unit);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another node recorded it, or someone acted on the incident meanwhile: the next scan decides again.
                continue;
            }
            recorded++;
            await feed.PublishAsync(await IncidentQueries.LiveHintAsync(db, number, TimelineEventKind.SlaBreached, unit), unit);
        }
        return recorded;
    }

    /// <summary>Incidents whose clock may have run out, by severity's targets, from when their clocks (re)started.</summary>
    private async Task<List<(long Number, SlaKind Kind)>> CandidatesAsync(DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var scan = await factory.CreateDbContextAsync(cancellationToken);
        var policies = await scan.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken);
        var candidates = new List<(long Number, SlaKind Kind)>();
        foreach (var policy in policies)
        {
            if (policy.AcknowledgeMinutes is { } ack)
            {
                var cutoff = now.AddMinutes(-ack);
                candidates.AddRange((await scan.Incidents.AsNoTracking()
                    .Where(i => i.Severity == policy.Severity && !i.AcknowledgeBreached && (i.ClocksStartedAt ?? i.TriggeredAt) < cutoff
                        && i.AcknowledgedAt == null && i.ClocksStartedAt == null && i.MitigatedAt == null && i.ResolvedAt == null)
                    .OrderBy(i => i.Number).Select(i => i.Number).Take(500).ToListAsync(cancellationToken)).Select(n => (n, SlaKind.Acknowledge)));
            }
            if (policy.MitigateMinutes is { } mitigate)
            {
                var cutoff = now.AddMinutes(-mitigate);
                candidates.AddRange((await scan.Incidents.AsNoTracking()
                    .Where(i => i.Severity == policy.Severity && !i.MitigateBreached && (i.ClocksStartedAt ?? i.TriggeredAt) < cutoff
                        && i.MitigatedAt == null && i.ResolvedAt == null)
                    .OrderBy(i => i.Number).Select(i => i.Number).Take(500).ToListAsync(cancellationToken)).Select(n => (n, SlaKind.Mitigate)));
            }
        }
        return candidates;
    }
}
