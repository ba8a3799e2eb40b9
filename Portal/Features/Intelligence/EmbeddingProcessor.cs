using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Intelligence;
using Portal.Shared.Live;

namespace Portal.Features.Intelligence;

/// <summary>Wakes the embedding processor (an incident changed; the model finished loading).</summary>
public sealed class EmbeddingSignal : Background.ProcessorSignal;

/// <summary>
/// Embeds incidents in the background after commit: those with no vector of the current model, or changed since their
/// vector was made, in batches. A text that did not change keeps its vector. Several nodes may run it: an upsert of
/// the nodes take turns by a cluster lock.
/// </summary>
public sealed class EmbeddingProcessor(IDbContextFactory<PortalDbContext> factory, IEmbedder embedder, EmbeddingSignal signal, ILiveFeed feed, TimeProvider clock,
    IntelligenceOptions options, ILogger<EmbeddingProcessor> logger)
    : Background.PollingProcessor(signal, clock, options.EmbedInterval, logger)
{
    public const int Batch = 32;
    private readonly SemaphoreSlim _pass = new(1, 1);
    private IDisposable? _hints;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        if (options.Enabled)
        {
            _hints = feed.Subscribe(_ =>
            {
                signal.Wake();
                return ValueTask.CompletedTask;
            });
            if (embedder is MiniLmEmbedder model)
            {
                model.Loaded += signal.Wake;
            }
        }
        return base.StartAsync(cancellationToken);
    }

    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!options.Enabled)
        {
            return 0;
        }
        embedder.Warm();
        if (embedder.State != EmbedderState.Ready)
        {
            return 0;
        }
        return await EmbedPendingAsync(cancellationToken);
    }

    /// <summary>Embeds one batch of the backlog; returns how many incidents it brought up to date.</summary>
    public async Task<int> EmbedPendingAsync(CancellationToken cancellationToken = default)
    {
        // One pass at a time on this node (the rounds, and callers that catch up at once); nodes keep apart by lock.
        await _pass.WaitAsync(cancellationToken);
        try
        {
            return await EmbedBatchAsync(cancellationToken);
        }
        finally
        {
            _pass.Release();
        }
    }

    /// <summary>The incidents whose vector of <paramref name="model"/> is missing or older than what its text is made of.</summary>
    public static IQueryable<long> Pending(PortalDbContext db, string model) =>
        db.Incidents.AsNoTracking()
            .Where(i => !db.Embeddings.Any(e => e.Kind == Embedding.Incident && e.RecordId == i.Number && e.Model == model && e.SourceAt >= i.UpdatedAt
                && !db.Timeline.Any(t => t.IncidentNumber == i.Number && t.At > e.SourceAt)
                && !db.RcaIncidents.Any(r => r.IncidentNumber == i.Number && db.Rcas.Any(d => d.Id == r.RcaId && d.UpdatedAt > e.SourceAt))))
            .Select(i => i.Number);

    /// <summary>The cases whose vector is missing or older than the case or its messages.</summary>
    public static IQueryable<long> PendingCases(PortalDbContext db, string model) =>
        db.Cases.AsNoTracking()
            .Where(c => !db.Embeddings.Any(e => e.Kind == Embedding.Case && e.RecordId == c.Number && e.Model == model && e.SourceAt >= c.UpdatedAt
                && !db.CaseMessages.Any(m => m.CaseNumber == c.Number && m.At > e.SourceAt)))
            .Select(c => c.Number);

    private async Task<int> EmbedBatchAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var exclusive = await db.BeginExclusiveAsync("intelligence.embeddings", cancellationToken);
        var model = embedder.Model;
        // Incidents first (what the on-call needs now), then cases.
        var kind = Embedding.Incident;
        var pending = await Pending(db, model).OrderByDescending(n => n).Take(Batch).ToListAsync(cancellationToken);
        if (pending.Count == 0)
        {
            kind = Embedding.Case;
            pending = await PendingCases(db, model).OrderByDescending(n => n).Take(Batch).ToListAsync(cancellationToken);
        }
        if (pending.Count == 0)
        {
            return await EmbedRunbooksAsync(db, exclusive, model, cancellationToken);
        }
        var texts = kind == Embedding.Incident
            ? (await RecordTexts.ForAsync(db, pending, cancellationToken)).ToDictionary(t => t.Key, t => (t.Value.Text, t.Value.SourceAt))
            : await RecordTexts.ForCasesAsync(db, pending, cancellationToken);
        var stored = await db.Embeddings.Where(e => e.Kind == kind && pending.Contains(e.RecordId)).ToDictionaryAsync(e => e.RecordId, cancellationToken);
        var now = Clock.GetUtcNow();
        var changed = texts.Where(t => !(stored.TryGetValue(t.Key, out var e) && e.Model == model && e.TextHash == SimilarityRules.Hash(t.Value.Text))).ToList();
        var vectors = await embedder.EmbedAsync([.. changed.Select(c => c.Value.Text)], cancellationToken);
        if (vectors is null)
        {
            return 0;
        }
        for (var i = 0; i < changed.Count; i++)
        {
            var (number, text) = (changed[i].Key, changed[i].Value.Text);
            if (!stored.TryGetValue(number, out var row))
            {
                row = new Embedding { Kind = kind, RecordId = number, Model = model, TextHash = "", Vector = [] };
                db.Embeddings.Add(row);
                stored[number] = row;
            }
            (row.Model, row.TextHash, row.Vector) = (model, SimilarityRules.Hash(text), Vectors.Pack(vectors[i]));
        }
        // Unchanged texts keep their vector; the stamps say what they were read from, and when.
        foreach (var number in pending)
        {
            if (stored.TryGetValue(number, out var row) && texts.TryGetValue(number, out var read))
            {
                (row.SourceAt, row.UpdatedAt) = (read.SourceAt, now);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (exclusive is not null)
        {
            // Saved, so committed to the end even while the node stops: a commit cut off by shutdown is logged as an error.
            await exclusive.CommitAsync(CancellationToken.None);
        }
        return pending.Count;
    }

    /// <summary>The runbooks whose sections have no vectors of this model, or older ones than the runbook (section 0 carries the stamp).</summary>
    public static IQueryable<int> PendingRunbooks(PortalDbContext db, string model) =>
        db.Runbooks.AsNoTracking()
            .Where(r => !db.Embeddings.Any(e => e.Kind == Embedding.RunbookSection && e.RecordId == (long)r.Id * RunbookSections.MaxSections && e.Model == model
                && e.SourceAt >= r.UpdatedAt))
            .Select(r => r.Id);

    /// <summary>Embeds the sections of a few changed runbooks: their old section vectors go, the new ones come (stamped with the runbook's change).</summary>
    private async Task<int> EmbedRunbooksAsync(PortalDbContext db, Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction? exclusive, string model,
        CancellationToken cancellationToken)
    {
        var ids = await PendingRunbooks(db, model).OrderBy(id => id).Take(4).ToListAsync(cancellationToken);
        if (ids.Count == 0)
        {
            return 0;
        }
        var runbooks = await db.Runbooks.AsNoTracking().Where(r => ids.Contains(r.Id)).Select(r => new { r.Id, r.Title, r.Body, r.UpdatedAt }).ToListAsync(cancellationToken);
        var now = Clock.GetUtcNow();
        foreach (var runbook in runbooks)
        {
            var sections = RunbookSections.Embedded(runbook.Title, runbook.Body);
            var vectors = await embedder.EmbedAsync([.. sections.Select(RunbookSections.Text)], cancellationToken);
            if (vectors is null)
            {
                return 0;
            }
            var (from, to) = (RunbookSections.RecordId(runbook.Id, 0), RunbookSections.RecordId(runbook.Id + 1, 0));
            db.Embeddings.RemoveRange(await db.Embeddings.Where(e => e.Kind == Embedding.RunbookSection && e.RecordId >= from && e.RecordId < to).ToListAsync(cancellationToken));
            await db.SaveChangesAsync(cancellationToken);
            for (var i = 0; i < sections.Count; i++)
            {
                db.Embeddings.Add(new Embedding
                {
                    Kind = Embedding.RunbookSection, RecordId = RunbookSections.RecordId(runbook.Id, i), Model = model, TextHash = SimilarityRules.Hash(RunbookSections.Text(sections[i])),
                    Vector = Vectors.Pack(vectors[i]), SourceAt = runbook.UpdatedAt, UpdatedAt = now,
                });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        if (exclusive is not null)
        {
            // Saved, so committed to the end even while the node stops: a commit cut off by shutdown is logged as an error.
            await exclusive.CommitAsync(CancellationToken.None);
        }
        return runbooks.Count;
    }

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        _hints?.Dispose();
        if (embedder is MiniLmEmbedder model)
        {
            model.Loaded -= signal.Wake;
        }
        return base.StopAsync(cancellationToken);
    }
}
