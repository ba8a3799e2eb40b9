using Microsoft.EntityFrameworkCore;
using Portal.Features.Runbooks;
using Portal.Infrastructure.Data;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>
/// Runbook sections closest in meaning to an incident (from the runbooks' section vectors), best section per runbook,
/// with the sentence of it that matched. Nothing when the model is not ready: the rule-based suggestions stand alone.
/// </summary>
public sealed class RunbookMatcher(IDbContextFactory<PortalDbContext> factory, SimilarIncidentService similar, RunbookIndex index) : IRunbookMatcher
{
    /// <summary>
    /// A section must be at least this close to count: a paraphrase of a runbook section by a short incident title scores
    /// 0.3 to 0.45 with this model (sections are longer and mixed); the rule-based reasons still rank beside it.
    /// </summary>
    public const double Threshold = 0.30;

    public async Task<IReadOnlyList<RunbookMatch>> MatchAsync(long incident, CancellationToken cancellationToken)
    {
        if (similar.Unavailable() is not null)
        {
            return [];
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await similar.QueryAsync(db, incident, cancellationToken) is not { } query)
        {
            return [];
        }
        await index.CatchUpAsync(db, cancellationToken);
        var best = index.Nearest(query, 30, _ => true).Where(n => n.Score >= Threshold)
            .Select(n => (Parts: RunbookSections.Parts(n.Id), n.Score)).GroupBy(n => n.Parts.RunbookId).Select(g => g.First()).Take(5).ToList();
        if (best.Count == 0)
        {
            return [];
        }
        var ids = best.Select(b => b.Parts.RunbookId).ToList();
        var runbooks = await db.Runbooks.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.Title, r.Body }).ToDictionaryAsync(r => r.Id, cancellationToken);
        var about = await db.Incidents.AsNoTracking().Where(i => i.Number == incident).Select(i => i.Title + " " + i.Description).FirstAsync(cancellationToken);
        var matches = new List<RunbookMatch>();
        foreach (var ((runbookId, section), score) in best)
        {
            // A section that no longer exists (the runbook was shortened since this node read its vectors) is skipped.
            if (runbooks.TryGetValue(runbookId, out var runbook) && RunbookSections.Embedded(runbook.Title, runbook.Body) is var sections && section < sections.Count)
            {
                matches.Add(new RunbookMatch(runbookId, new RunbookCitation(sections[section].Heading, RunbookSections.Quote(sections[section], about), Math.Round(score, 3))));
            }
        }
        return matches;
    }
}
