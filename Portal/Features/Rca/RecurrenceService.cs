using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Rca;
using Portal.Shared.Runbooks;

namespace Portal.Features.Rca;

/// <summary>
/// Recurrence families: incidents grouped by alert and by service and alert class (or linked by hand), and the flag on
/// an incident, and on its RCA, when the problem came back after every prevent action of that RCA was closed.
/// </summary>
public sealed class RecurrenceService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    /// <summary>
    /// One pass at a time in this process: the background processor, an RCA being opened and the demo seeder may all
    /// assign at once, and SQLite has no advisory lock (PostgreSQL's keeps nodes apart as well).
    /// </summary>
    private static readonly SemaphoreSlim Pass = new(1, 1);

    /// <summary>
    /// Puts incidents into recurrence families (by alert dedup key, then by service and alert class), and flags an
    /// incident that came after every "prevent" action of an RCA of its family was closed: on the member, and on the RCA.
    /// </summary>
    public async Task<int> AssignFamiliesAsync(IReadOnlyCollection<long>? numbers = null, CancellationToken cancellationToken = default)
    {
        await Pass.WaitAsync(cancellationToken);
        try
        {
            return await AssignAsync(numbers, cancellationToken);
        }
        finally
        {
            Pass.Release();
        }
    }

    private async Task<int> AssignAsync(IReadOnlyCollection<long>? numbers, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // Nodes (and an RCA being opened) must not put one incident into a family twice.
        await using var exclusive = await db.BeginExclusiveAsync("rca.families", cancellationToken);
        var query = db.Incidents.AsNoTracking().Where(i => !db.FamilyMembers.Any(m => m.IncidentNumber == i.Number));
        // Only incidents with alerts have keys; the rest join a family when someone links them by hand.
        query = numbers is null
            ? query.Where(i => db.Alerts.Any(a => a.IncidentNumber == i.Number)).OrderByDescending(i => i.Number).Take(500)
            : query.Where(i => numbers.Contains(i.Number));
        var incidents = await query.Select(i => new { i.Number, i.Title, i.TriggeredAt, Service = i.Service == null ? null : i.Service.Slug }).ToListAsync(cancellationToken);
        var assigned = 0;
        foreach (var incident in incidents.OrderBy(i => i.TriggeredAt))
        {
            if (cancellationToken.IsCancellationRequested)
            {
                // Stopping: keep what is assigned so far; the next pass does the rest.
                break;
            }
            var alerts = await db.Alerts.AsNoTracking().Where(a => a.IncidentNumber == incident.Number).Select(a => new { a.IntegrationId, a.DedupKey, a.Labels }).ToListAsync(cancellationToken);
            var keys = RcaRules.FamilyKeys(incident.Service, alerts.Select(a => (a.IntegrationId, a.DedupKey, RunbookRules.AlertClass(a.Labels))));
            if (keys.Count == 0)
            {
                continue;
            }
            var existing = await db.Families.AsNoTracking().Where(f => keys.Select(k => k.Key).Contains(f.Key)).ToListAsync(cancellationToken);
            var (key, reason) = keys.FirstOrDefault(k => existing.Any(f => f.Key == k.Key));
            var family = existing.FirstOrDefault(f => f.Key == key);
            if (family is null)
            {
                // A new family is keyed by service and alert class when the alerts have one (it also catches the same
                // problem under a new dedup key), else by the alert itself.
                (key, reason) = keys.FirstOrDefault(k => k.Key.StartsWith("class:", StringComparison.Ordinal)) is { Key: not null } byClass ? byClass : keys[0];
                family = new RecurrenceFamily { Key = key, Title = incident.Title, CreatedAt = clock.GetUtcNow() };
                db.Families.Add(family);
                await db.SaveChangesAsync(CancellationToken.None);
            }
            var member = new FamilyMember { IncidentNumber = incident.Number, FamilyId = family.Id, Reason = reason };
            db.FamilyMembers.Add(member);
            await FlagRecurrenceAsync(db, member, incident.TriggeredAt, CancellationToken.None);
            await db.SaveChangesAsync(CancellationToken.None);
            assigned++;
        }
        if (exclusive is not null)
        {
            await exclusive.CommitAsync(CancellationToken.None);
        }
        return assigned;
    }

    /// <summary>Links an incident by hand into the family of an RCA's first incident.</summary>
    public async Task LinkAsync(ClaimsPrincipal user, int rcaId, string incident, CancellationToken cancellationToken = default)
    {
        RcaService.Me(user);
        var number = IncidentNumber.TryParse(incident, out var n) ? n : throw new ValidationException("incident", $"'{incident}' is not an incident number such as INC-1042.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var target = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == number, cancellationToken)
            ?? throw new ValidationException("incident", $"There is no incident {IncidentNumber.Format(number)}.");
        var first = await db.RcaIncidents.AsNoTracking().Where(r => r.RcaId == rcaId).OrderBy(r => r.IncidentNumber).Select(r => (long?)r.IncidentNumber).FirstOrDefaultAsync(cancellationToken)
            ?? throw RcaService.Missing(rcaId);
        var family = await db.FamilyMembers.AsNoTracking().Where(m => m.IncidentNumber == first).Select(m => (int?)m.FamilyId).FirstOrDefaultAsync(cancellationToken);
        if (family is null)
        {
            var created = new RecurrenceFamily { Key = $"manual:{first}", Title = (await db.Incidents.AsNoTracking().FirstAsync(i => i.Number == first, cancellationToken)).Title, CreatedAt = clock.GetUtcNow() };
            db.Families.Add(created);
            await db.SaveChangesAsync(cancellationToken);
            db.FamilyMembers.Add(new FamilyMember { IncidentNumber = first, FamilyId = created.Id, Reason = "linked by hand" });
            family = created.Id;
        }
        await db.FamilyMembers.Where(m => m.IncidentNumber == number).ExecuteDeleteAsync(cancellationToken);
        var member = new FamilyMember { IncidentNumber = number, FamilyId = family.Value, Reason = "linked by hand" };
        db.FamilyMembers.Add(member);
        await db.SaveChangesAsync(cancellationToken);
        await FlagRecurrenceAsync(db, member, target.TriggeredAt, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
    }

    public async Task<List<(RecurrenceFamily Family, List<FamilyIncident> Incidents)>> FamiliesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var families = await db.Families.AsNoTracking().OrderByDescending(f => f.Id).Take(200).ToListAsync(cancellationToken);
        var ids = families.Select(f => f.Id).ToList();
        var members = await db.FamilyMembers.AsNoTracking().Where(m => ids.Contains(m.FamilyId))
            .Join(db.Incidents, m => m.IncidentNumber, i => i.Number, (m, i) => new { m.FamilyId, i.Number, i.Title, i.Severity, i.TriggeredAt, m.Reason, m.RecurredAfterFix })
            .ToListAsync(cancellationToken);
        return [.. families.Select(f => (f, members.Where(m => m.FamilyId == f.Id).OrderBy(m => m.TriggeredAt)
            .Select(m => new FamilyIncident(m.Number, IncidentNumber.Format(m.Number), m.Title, m.Severity, m.TriggeredAt, m.Reason, m.RecurredAfterFix)).ToList()))
            .Where(f => f.Item2.Count > 1)];
    }

    private static async Task FlagRecurrenceAsync(PortalDbContext db, FamilyMember member, DateTimeOffset triggeredAt, CancellationToken cancellationToken)
    {
        var rcaIds = await db.RcaIncidents.AsNoTracking()
            .Where(r => r.IncidentNumber != member.IncidentNumber && db.FamilyMembers.Any(m => m.FamilyId == member.FamilyId && m.IncidentNumber == r.IncidentNumber))
            .Select(r => r.RcaId).Distinct().ToListAsync(cancellationToken);
        foreach (var rcaId in rcaIds)
        {
            var actions = await db.ActionItems.AsNoTracking().Where(a => a.RcaId == rcaId).ToListAsync(cancellationToken);
            if (!RcaRules.RecurredAfterFix(actions, triggeredAt))
            {
                continue;
            }
            member.RecurredAfterFix = true;
            var rca = await db.Rcas.FirstAsync(r => r.Id == rcaId, cancellationToken);
            if (!rca.RecurredAfterFix)
            {
                (rca.RecurredAfterFix, rca.RecurrenceIncident) = (true, member.IncidentNumber);
            }
        }
    }

    /// <summary>The other incidents of the families these incidents belong to.</summary>
    internal static async Task<List<FamilyIncident>> FamilyOfAsync(PortalDbContext db, List<long> numbers, CancellationToken cancellationToken)
    {
        var families = await db.FamilyMembers.AsNoTracking().Where(m => numbers.Contains(m.IncidentNumber)).Select(m => m.FamilyId).Distinct().ToListAsync(cancellationToken);
        return await db.FamilyMembers.AsNoTracking().Where(m => families.Contains(m.FamilyId) && !numbers.Contains(m.IncidentNumber))
            .Join(db.Incidents, m => m.IncidentNumber, i => i.Number, (m, i) => new { i.Number, i.Title, i.Severity, i.TriggeredAt, m.Reason, m.RecurredAfterFix })
            .OrderBy(x => x.TriggeredAt).Take(100)
            .Select(x => new FamilyIncident(x.Number, "", x.Title, x.Severity, x.TriggeredAt, x.Reason, x.RecurredAfterFix))
            .ToListAsync(cancellationToken) is var list ? [.. list.Select(f => f with { Key = IncidentNumber.Format(f.Number) })] : [];
    }
}
