using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>
/// This node's copy of one kind's vectors in one contiguous array, caught up from the database by a watermark before
/// each search (only rows changed since are read), so every node answers from what is committed.
/// </summary>
public class EmbeddingIndex(IEmbedder embedder, string kind)
{
    public string Kind => kind;

    private readonly Lock _lock = new();
    private readonly Dictionary<long, int> _positions = [];
    private readonly List<long> _ids = [];
    private float[] _matrix = new float[384 * 256];
    private DateTimeOffset _watermark = DateTimeOffset.MinValue;

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _ids.Count;
            }
        }
    }

    /// <summary>Reads the vectors made or changed since the last catch-up.</summary>
    public async Task CatchUpAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        DateTimeOffset since;
        lock (_lock)
        {
            since = _watermark;
        }
        var model = embedder.Model;
        var rows = await db.Embeddings.AsNoTracking()
            .Where(e => e.Kind == kind && e.Model == model && e.UpdatedAt >= since)
            .OrderBy(e => e.UpdatedAt).Select(e => new { e.RecordId, e.Vector, e.UpdatedAt }).ToListAsync(cancellationToken);
        if (rows.Count == 0)
        {
            return;
        }
        lock (_lock)
        {
            var dimensions = embedder.Dimensions;
            foreach (var row in rows)
            {
                var vector = Vectors.Unpack(row.Vector);
                if (vector.Length != dimensions)
                {
                    continue;
                }
                if (!_positions.TryGetValue(row.RecordId, out var position))
                {
                    position = _ids.Count;
                    _ids.Add(row.RecordId);
                    _positions[row.RecordId] = position;
                    if ((position + 1) * dimensions > _matrix.Length)
                    {
                        Array.Resize(ref _matrix, _matrix.Length * 2);
                    }
                }
                vector.CopyTo(_matrix.AsSpan(position * dimensions, dimensions));
                _watermark = row.UpdatedAt > _watermark ? row.UpdatedAt : _watermark;
            }
        }
    }

    /// <summary>The stored vector of a record, if it has one.</summary>
    public float[]? VectorOf(long id)
    {
        lock (_lock)
        {
            var dimensions = embedder.Dimensions;
            return _positions.TryGetValue(id, out var position) ? _matrix.AsSpan(position * dimensions, dimensions).ToArray() : null;
        }
    }

    /// <summary>The nearest records to a vector, best first, among those <paramref name="keep"/> accepts (by id).</summary>
    public List<(long Id, float Score)> Nearest(float[] query, int k, Func<long, bool> keep)
    {
        lock (_lock)
        {
            var dimensions = embedder.Dimensions;
            var ids = _ids;
            return [.. Vectors.Nearest(_matrix.AsSpan(0, ids.Count * dimensions), dimensions, query, k, row => keep(ids[row])).Select(n => (ids[n.Position], n.Score))];
        }
    }
}

/// <summary>The incidents' index (the one similar incidents, triage and outliers search).</summary>
public sealed class IncidentIndex(IEmbedder embedder) : EmbeddingIndex(embedder, Embedding.Incident);

/// <summary>The cases' index.</summary>
public sealed class CaseIndex(IEmbedder embedder) : EmbeddingIndex(embedder, Embedding.Case);

/// <summary>The runbooks' sections' index.</summary>
public sealed class RunbookIndex(IEmbedder embedder) : EmbeddingIndex(embedder, Embedding.RunbookSection);
