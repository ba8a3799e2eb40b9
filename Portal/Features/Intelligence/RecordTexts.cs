using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>An incident's text and the latest change among what it was read from.</summary>
public sealed record IncidentText(string Text, DateTimeOffset SourceAt);

/// <summary>The texts incidents and cases are embedded from, read in a few queries for a batch of records.</summary>
public static class RecordTexts
{
    public static async Task<Dictionary<long, IncidentText>> ForAsync(PortalDbContext db, IReadOnlyCollection<long> numbers, CancellationToken cancellationToken)
    {
        var incidents = await db.Incidents.AsNoTracking().Where(i => numbers.Contains(i.Number))
            .Select(i => new { i.Number, i.Title, i.ResolutionNote, i.UpdatedAt }).ToListAsync(cancellationToken);
        var changes = (await db.Timeline.AsNoTracking().Where(t => numbers.Contains(t.IncidentNumber)).Select(t => new { t.IncidentNumber, t.At }).ToListAsync(cancellationToken))
            .ToLookup(t => t.IncidentNumber, t => t.At);
        var alerts = (await db.Alerts.AsNoTracking().Where(a => numbers.Contains(a.IncidentNumber)).Select(a => new { a.IncidentNumber, a.Summary }).ToListAsync(cancellationToken))
            .ToLookup(a => a.IncidentNumber, a => a.Summary);
        var notes = (await db.Timeline.AsNoTracking()
                .Where(t => numbers.Contains(t.IncidentNumber) && (t.Kind == TimelineEventKind.Comment || t.Kind == TimelineEventKind.StakeholderUpdate) && t.Text != null)
                .OrderBy(t => t.Id).Select(t => new { t.IncidentNumber, t.Text }).ToListAsync(cancellationToken))
            .ToLookup(t => t.IncidentNumber, t => t.Text!);
        var rcas = (await db.RcaIncidents.AsNoTracking().Where(r => numbers.Contains(r.IncidentNumber))
                .Join(db.Rcas, r => r.RcaId, d => d.Id, (r, d) => new { r.IncidentNumber, d.Summary, d.RootCause, d.UpdatedAt }).ToListAsync(cancellationToken))
            .ToLookup(r => r.IncidentNumber);
        return incidents.ToDictionary(i => i.Number, i =>
        {
            var rca = rcas[i.Number].FirstOrDefault();
            var text = SimilarityRules.IncidentText(i.Title, alerts[i.Number], notes[i.Number].Append(i.ResolutionNote ?? ""), rca?.Summary, rca?.RootCause?.ToString());
            var sourceAt = changes[i.Number].Append(i.UpdatedAt).Concat(rcas[i.Number].Select(r => r.UpdatedAt)).Max();
            return new IncidentText(text, sourceAt);
        });
    }

    /// <summary>The text each case is embedded from (subject, first message, the reply that solved it) and the latest change it was read from.</summary>
    public static async Task<Dictionary<long, (string Text, DateTimeOffset SourceAt)>> ForCasesAsync(PortalDbContext db, IReadOnlyCollection<long> numbers,
        CancellationToken cancellationToken)
    {
        var cases = await db.Cases.AsNoTracking().Where(c => numbers.Contains(c.Number))
            .Select(c => new { c.Number, c.Subject, c.UpdatedAt, Solved = c.SolvedAt != null }).ToListAsync(cancellationToken);
        // Notes are not embedded, but they count for staleness as every message does (or a case with a late note would stay pending).
        var messages = (await db.CaseMessages.AsNoTracking().Where(m => numbers.Contains(m.CaseNumber))
                .OrderBy(m => m.At).Select(m => new { m.CaseNumber, m.Kind, m.Body, m.At }).ToListAsync(cancellationToken))
            .ToLookup(m => m.CaseNumber);
        return cases.ToDictionary(c => c.Number, c =>
        {
            var thread = messages[c.Number].ToList();
            var first = thread.FirstOrDefault(m => m.Kind == Shared.Cases.CaseMessageKind.Advertiser)?.Body;
            var solving = c.Solved ? thread.LastOrDefault(m => m.Kind == Shared.Cases.CaseMessageKind.Reply)?.Body : null;
            var sourceAt = thread.Select(m => m.At).Append(c.UpdatedAt).Max();
            return (SimilarityRules.CaseText(c.Subject, first, solving), sourceAt);
        });
    }
}
