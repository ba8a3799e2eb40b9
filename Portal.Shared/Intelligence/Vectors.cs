using System.Numerics.Tensors;
using System.Runtime.InteropServices;

namespace Portal.Shared.Intelligence;

/// <summary>One neighbour found by a vector search: its position in the index and its cosine similarity.</summary>
public readonly record struct Neighbour(int Position, float Score);

/// <summary>
/// Embedding vectors as stored (little-endian float32 bytes) and searched: brute-force cosine over one contiguous
/// array of unit vectors, so cosine is the dot product (<see cref="TensorPrimitives"/> uses the CPU's SIMD).
/// </summary>
public static class Vectors
{
    public static byte[] Pack(ReadOnlySpan<float> vector) => MemoryMarshal.AsBytes(vector).ToArray();

    public static float[] Unpack(ReadOnlySpan<byte> bytes) => MemoryMarshal.Cast<byte, float>(bytes).ToArray();

    /// <summary>The vector scaled to length 1 (unchanged when it is all zeros).</summary>
    public static float[] Normalize(ReadOnlySpan<float> vector)
    {
        var result = vector.ToArray();
        var norm = TensorPrimitives.Norm(vector);
        if (norm > 0)
        {
            TensorPrimitives.Divide(result, norm, result);
        }
        return result;
    }

    /// <summary>
    /// The <paramref name="k"/> rows of <paramref name="matrix"/> (rows of <paramref name="dimensions"/> unit vectors)
    /// nearest to <paramref name="query"/>, best first, among those <paramref name="keep"/> accepts.
    /// </summary>
    public static List<Neighbour> Nearest(ReadOnlySpan<float> matrix, int dimensions, ReadOnlySpan<float> query, int k, Func<int, bool>? keep = null)
    {
        if (query.Length != dimensions)
        {
            throw new ArgumentException($"The query has {query.Length} dimensions; the index has {dimensions}.", nameof(query));
        }
        var rows = matrix.Length / dimensions;
        var best = new List<Neighbour>(k + 1);
        for (var row = 0; row < rows; row++)
        {
            if (keep is not null && !keep(row))
            {
                continue;
            }
            var score = TensorPrimitives.Dot(matrix.Slice(row * dimensions, dimensions), query);
            if (best.Count < k || score > best[^1].Score)
            {
                var at = best.FindIndex(n => n.Score < score);
                best.Insert(at < 0 ? best.Count : at, new Neighbour(row, score));
                if (best.Count > k)
                {
                    best.RemoveAt(best.Count - 1);
                }
            }
        }
        return best;
    }
}
