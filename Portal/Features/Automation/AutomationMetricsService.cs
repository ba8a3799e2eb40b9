using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>What automation did over a window: runs, how many verified, rollbacks, refusals by guardrail, heals, MTTR healed versus by people, toil saved.</summary>
public sealed record AutomationMetrics(DateTimeOffset From, DateTimeOffset To, int Runs, int Succeeded, int Verified, int VerifyAsked, int RolledBack,
    IReadOnlyDictionary<Guardrail, int> Refusals, int Heals, double? HealedMttrMinutes, double? PeopleMttrMinutes, double ToilHoursSaved)
{
    /// <summary>Of the runs whose verify step finished, the share that held; null when none did.</summary>
    public double? VerifiedRate => VerifyAsked == 0 ? null : (double)Verified / VerifyAsked;
}

public sealed class AutomationMetricsService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public async Task<AutomationMetrics> ForAsync(DateTimeOffset? from = null, DateTimeOffset? to = null, CancellationToken cancellationToken = default)
    {
        var end = to ?? clock.GetUtcNow();
        var start = from ?? end.AddDays(-28);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var runs = await db.ActionRuns.AsNoTracking().Where(r => !r.DryRun && r.RequestedAt >= start && r.RequestedAt < end)
            .Select(r => new { r.ActionId, r.ActionVersion, r.State, r.Trigger, r.Verification, r.RefusedBy, r.IncidentNumber }).ToListAsync(cancellationToken);
        var saved = await db.ActionVersions.AsNoTracking().ToDictionaryAsync(v => (v.ActionId, v.Number), v => v.Definition.MinutesSaved, cancellationToken);
        var done = runs.Where(r => r.State is RunState.Succeeded or RunState.RolledBack).ToList();
        var healed = runs.Where(r => r.Trigger == RunTrigger.SelfHealing && r.Verification == Verification.Verified && r.IncidentNumber is not null)
            .Select(r => r.IncidentNumber!.Value).Distinct().ToList();
        // Every resolved incident of the window as one count and one sum, in the database, and the few healed ones read
        // one by one: the window may hold a million incidents.
        var sql = new Metrics.MetricsSql(db);
        var minutes = Metrics.MetricsSql.Real($"COALESCE(SUM({sql.Minutes("\"ResolvedAt\"", "\"TriggeredAt\"")}), 0)");
        var all = await sql.Query<Durations>($"""
            SELECT COUNT(*) AS "Count", {minutes} AS "Minutes"
            FROM "Incidents" WHERE "ResolvedAt" IS NOT NULL AND "TriggeredAt" >= {sql.At(start)} AND "TriggeredAt" < {sql.At(end)}
            """).SingleAsync(cancellationToken);
        var healedTimes = await db.Incidents.AsNoTracking()
            .Where(i => healed.Contains(i.Number) && i.ResolvedAt != null && i.TriggeredAt >= start && i.TriggeredAt < end)
            .Select(i => new { i.TriggeredAt, i.ResolvedAt }).ToListAsync(cancellationToken);
        var healedMinutes = healedTimes.Sum(i => (i.ResolvedAt!.Value - i.TriggeredAt).TotalMinutes);
        static double? Mttr(long count, double minutes) => count == 0 ? null : minutes / count;
        return new AutomationMetrics(start, end, runs.Count(r => r.State != RunState.Refused), done.Count,
            runs.Count(r => r.Verification == Verification.Verified), runs.Count(r => r.Verification is Verification.Verified or Verification.NotVerified),
            runs.Count(r => r.State == RunState.RolledBack),
            runs.Where(r => r.RefusedBy is not null).GroupBy(r => r.RefusedBy!.Value).ToDictionary(g => g.Key, g => g.Count()),
            healed.Count, Mttr(healedTimes.Count, healedMinutes), Mttr(all.Count - healedTimes.Count, all.Minutes - healedMinutes),
            Math.Round(done.Where(r => r.State == RunState.Succeeded).Sum(r => saved.GetValueOrDefault((r.ActionId, r.ActionVersion))) / 60.0, 1));
    }
}

/// <summary>Automation's rows in the WBR and MBR.</summary>
public sealed class AutomationReviewFigures(AutomationMetricsService metrics) : Metrics.IReviewFigures
{
    public async Task<IReadOnlyList<Metrics.ReviewFigure>> ForAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var m = await metrics.ForAsync(from, to, cancellationToken);
        return
        [
            new("Automation runs", "", m.Runs),
            new("Automation runs verified", "%", m.VerifiedRate * 100),
            new("Automation rollbacks", "", m.RolledBack),
            new("Healed automatically", "", m.Heals),
            new("MTTR healed automatically", "min", m.HealedMttrMinutes),
            new("MTTR handled by people", "min", m.PeopleMttrMinutes),
            new("Toil saved by automation", "h", m.ToilHoursSaved),
            new("Guardrail refusals", "", m.Refusals.Values.Sum()),
        ];
    }
}

/// <summary>How many resolved incidents, and their trigger → resolve times summed in minutes.</summary>
internal sealed record Durations(long Count, double Minutes);
