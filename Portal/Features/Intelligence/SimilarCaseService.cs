using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>One similar earlier case: how close, why, and the reply that solved it.</summary>
public sealed record SimilarCase(long Number, string Key, string Subject, string Category, CaseStatus Status, DateTimeOffset CreatedAt, double Score, string Reason,
    string? SolvedBy);

public sealed record SimilarCases(string Status, string? Note, double Threshold, IReadOnlyList<SimilarCase> Items);

/// <summary>Similar earlier cases by their embeddings, boosted a little for the same category, each with the reply that solved it.</summary>
public sealed class SimilarCaseService(IDbContextFactory<PortalDbContext> factory, IEmbedder embedder, CaseIndex index, SimilarIncidentService incidents,
    IntelligenceOptions options)
{
    public async Task<SimilarCases> ForCaseAsync(long number, CancellationToken cancellationToken = default)
    {
        if (incidents.Unavailable() is { } unavailable)
        {
            return new(unavailable.Status, unavailable.Note, options.SimilarThreshold, []);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var c = await db.Cases.AsNoTracking().Where(x => x.Number == number).Select(x => new { x.Subject, x.Category, x.CreatedAt }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"There is no case {CaseNumber.Format(number)}.");
        if (await QueryAsync(db, number, cancellationToken) is not { } query)
        {
            return new("failed", embedder.Problem, options.SimilarThreshold, []);
        }
        var nearest = index.Nearest(query, 40, id => id != number);
        var ids = nearest.Select(n => n.Id).ToList();
        var rows = await db.Cases.AsNoTracking().Where(x => ids.Contains(x.Number) && x.CreatedAt < c.CreatedAt && x.MergedIntoNumber == null)
            .Select(x => new { x.Number, x.Subject, x.Category, x.Status, x.CreatedAt, Solved = x.SolvedAt != null }).ToDictionaryAsync(x => x.Number, cancellationToken);
        var replies = (await db.CaseMessages.AsNoTracking().Where(m => ids.Contains(m.CaseNumber) && m.Kind == CaseMessageKind.Reply)
                .Select(m => new { m.CaseNumber, m.Body, m.At }).ToListAsync(cancellationToken))
            .GroupBy(m => m.CaseNumber).ToDictionary(g => g.Key, g => g.OrderBy(m => m.At).Last().Body);
        var items = new List<SimilarCase>();
        foreach (var (id, cosine) in nearest)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                continue;
            }
            var sameCategory = row.Category == c.Category;
            // The category boost stands in for the service boost; a solved case is preferred as an RCA'd incident is.
            var score = SimilarityRules.Score(cosine, sameCategory, false, row.Solved, SimilarityRules.Lexical(c.Subject, row.Subject));
            if (score < options.SimilarThreshold)
            {
                continue;
            }
            var reason = SimilarityRules.Reason(null, null, c.Subject, row.Subject);
            items.Add(new SimilarCase(row.Number, CaseNumber.Format(row.Number), row.Subject, row.Category, row.Status, row.CreatedAt, Math.Round(score, 3),
                sameCategory ? $"same category ({row.Category}); {reason}" : reason, row.Solved ? replies.GetValueOrDefault(row.Number) : null));
        }
        return new("ready", null, options.SimilarThreshold, [.. items.OrderByDescending(i => i.Score).Take(SimilarIncidentService.Top)]);
    }

    /// <summary>The case's vector: stored, or (just opened, not embedded yet) made now for this answer only.</summary>
    public async Task<float[]?> QueryAsync(PortalDbContext db, long number, CancellationToken cancellationToken)
    {
        await index.CatchUpAsync(db, cancellationToken);
        if (index.VectorOf(number) is { } stored)
        {
            return stored;
        }
        var text = (await RecordTexts.ForCasesAsync(db, [number], cancellationToken))[number].Text;
        return (await embedder.EmbedAsync([text], cancellationToken))?[0];
    }
}
