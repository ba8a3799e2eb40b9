using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;
using Portal.Shared.Runbooks;

namespace Portal.Features.Intelligence;

/// <summary>One similar past incident: how close, why, and how it ended.</summary>
public sealed record SimilarIncident(long Number, string Key, string Title, Severity Severity, IncidentStatus Status, string? Service, DateTimeOffset TriggeredAt,
    double Score, string Reason, string? Resolution, int? RcaId, string? RcaTitle, string? RootCause);

/// <summary>The answer: "ready" with the incidents (empty is "nothing similar"), or why there is none ("off", "loading", "failed").</summary>
public sealed record SimilarIncidents(string Status, string? Note, double Threshold, IReadOnlyList<SimilarIncident> Items, OutlierLabel? Outlier = null);

/// <summary>
/// Similar past incidents by their embeddings: the nearest earlier incidents by cosine, boosted a little for the same
/// service, the same alert class and an RCA, kept only above the threshold, each with its reason in words.
/// </summary>
public sealed class SimilarIncidentService(IDbContextFactory<PortalDbContext> factory, IEmbedder embedder, IncidentIndex index, IntelligenceOptions options)
{
    public const int Top = 5;
    private const int Candidates = 40;

    public async Task<SimilarIncidents> ForIncidentAsync(long number, CancellationToken cancellationToken = default)
    {
        if (Unavailable() is { } unavailable)
        {
            return new(unavailable.Status, unavailable.Note, options.SimilarThreshold, []);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var incident = await db.Incidents.AsNoTracking().Where(i => i.Number == number)
            .Select(i => new { i.Number, i.Title, i.TriggeredAt, i.ServiceId, Service = i.Service == null ? null : i.Service.Slug }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(number)}.");
        if (await QueryAsync(db, number, cancellationToken) is not { } query)
        {
            return new("failed", embedder.Problem, options.SimilarThreshold, []);
        }
        // Only earlier incidents count; which those are is read for the few candidates, not for every incident there is.
        var nearest = index.Nearest(query, Candidates, id => id != number);
        if (nearest.Count == 0)
        {
            return new("ready", null, options.SimilarThreshold, []);
        }
        var ids = nearest.Select(n => n.Id).ToList();
        var rows = await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Number) && i.TriggeredAt < incident.TriggeredAt)
            .Select(i => new { i.Number, i.Title, i.Severity, i.Status, i.TriggeredAt, i.ServiceId, Service = i.Service == null ? null : i.Service.Slug, i.ResolutionNote })
            .ToDictionaryAsync(i => i.Number, cancellationToken);
        var classes = (await db.Alerts.AsNoTracking().Where(a => ids.Contains(a.IncidentNumber) || a.IncidentNumber == number)
                .Select(a => new { a.IncidentNumber, a.Labels }).ToListAsync(cancellationToken))
            .ToLookup(a => a.IncidentNumber, a => RunbookRules.AlertClass(a.Labels));
        var mine = classes[number].OfType<string>().ToHashSet(StringComparer.Ordinal);
        var rcas = (await db.RcaIncidents.AsNoTracking().Where(r => ids.Contains(r.IncidentNumber))
                .Join(db.Rcas, r => r.RcaId, d => d.Id, (r, d) => new { r.IncidentNumber, d.Id, d.Title, d.Summary, d.RootCause }).ToListAsync(cancellationToken))
            .GroupBy(r => r.IncidentNumber).ToDictionary(g => g.Key, g => g.First());
        var items = new List<SimilarIncident>();
        foreach (var (id, cosine) in nearest)
        {
            if (!rows.TryGetValue(id, out var row))
            {
                continue;
            }
            var sameService = row.ServiceId is not null && row.ServiceId == incident.ServiceId;
            var sharedClass = classes[id].OfType<string>().FirstOrDefault(mine.Contains);
            rcas.TryGetValue(id, out var rca);
            var score = SimilarityRules.Score(cosine, sameService, sharedClass is not null, rca is not null, SimilarityRules.Lexical(incident.Title, row.Title));
            if (score < options.SimilarThreshold)
            {
                continue;
            }
            items.Add(new SimilarIncident(row.Number, IncidentNumber.Format(row.Number), row.Title, row.Severity, row.Status, row.Service, row.TriggeredAt,
                Math.Round(score, 3), SimilarityRules.Reason(sameService ? row.Service : null, sharedClass, incident.Title, row.Title), row.ResolutionNote,
                rca?.Id, rca?.Title, rca is null ? null : string.Join(": ", new[] { rca.RootCause?.ToString(), rca.Summary }.Where(s => !string.IsNullOrWhiteSpace(s)))));
        }
        var outlier = incident.ServiceId is { } serviceId ? await OutlierAsync(db, number, serviceId, incident.Service!, incident.TriggeredAt, query, cancellationToken) : null;
        return new("ready", null, options.SimilarThreshold, [.. items.OrderByDescending(i => i.Score).Take(Top)], outlier);
    }

    /// <summary>The outlier label: how many of the service's incidents of the 30 days before this one were like it.</summary>
    private async Task<OutlierLabel?> OutlierAsync(PortalDbContext db, long number, int serviceId, string service, DateTimeOffset at, float[] query, CancellationToken cancellationToken)
    {
        var since = at.AddDays(-OutlierRules.Days);
        var recent = await db.Incidents.AsNoTracking().Where(i => i.ServiceId == serviceId && i.TriggeredAt >= since && i.TriggeredAt < at && i.Number != number)
            .Select(i => i.Number).ToListAsync(cancellationToken);
        var vectors = recent.Select(index.VectorOf).OfType<float[]>().ToList();
        var similar = vectors.Count(v => System.Numerics.Tensors.TensorPrimitives.Dot(v, query) >= options.SimilarThreshold);
        return OutlierRules.Label(similar, vectors.Count, service);
    }

    /// <summary>Why there can be no answer now (the model off, loading or failed), or null when it is ready.</summary>
    public (string Status, string? Note)? Unavailable()
    {
        embedder.Warm();
        return embedder.State switch
        {
            EmbedderState.Off => ("off", "Turned off (AI:Enabled is false)."),
            EmbedderState.Failed => ("failed", embedder.Problem),
            EmbedderState.NotLoaded or EmbedderState.Loading => ("loading", "The embedding model is loading on this node; suggestions appear in a moment."),
            _ => null,
        };
    }

    /// <summary>The last vector made here for a record not embedded yet, by its text: the page's panels all ask for it.</summary>
    private (string Hash, float[] Vector)? _made;

    /// <summary>
    /// The incident's vector: stored, or (just opened, not embedded yet) made now for this answer only; the processor
    /// stores it. Made once per text in this scope (a page's triage, related, similar and runbook panels share it).
    /// </summary>
    public async Task<float[]?> QueryAsync(PortalDbContext db, long number, CancellationToken cancellationToken)
    {
        await index.CatchUpAsync(db, cancellationToken);
        if (index.VectorOf(number) is { } stored)
        {
            return stored;
        }
        var text = (await RecordTexts.ForAsync(db, [number], cancellationToken))[number].Text;
        var hash = SimilarityRules.Hash(text);
        if (_made is { } made && made.Hash == hash)
        {
            return made.Vector;
        }
        var vector = (await embedder.EmbedAsync([text], cancellationToken))?[0];
        _made = vector is null ? null : (hash, vector);
        return vector;
    }
}
