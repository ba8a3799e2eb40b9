namespace Portal.Shared.Intelligence;

/// <summary>One triage suggestion: the value, how sure (the neighbours' weighted share), and the neighbours it rests on.</summary>
public sealed record TriageVote(string Value, double Confidence, IReadOnlyList<long> Neighbours);

/// <summary>
/// Triage from the nearest neighbours: each neighbour votes for its value with its similarity as the weight; the
/// winner is suggested when its share of the weight is at least <see cref="MinConfidence"/>.
/// </summary>
public static class TriageRules
{
    public const double MinConfidence = 0.5;

    /// <summary>Neighbours below this cosine do not vote: a far neighbour knows nothing about this record.</summary>
    public const double MinSimilarity = 0.45;

    public const int Neighbours = 7;

    public static TriageVote? Vote(IEnumerable<(long Id, string? Value, double Score)> neighbours, double minConfidence = MinConfidence)
    {
        var voters = neighbours.Where(n => !string.IsNullOrEmpty(n.Value) && n.Score >= MinSimilarity).ToList();
        var total = voters.Sum(n => n.Score);
        if (voters.Count == 0 || total <= 0)
        {
            return null;
        }
        var best = voters.GroupBy(n => n.Value!, StringComparer.Ordinal)
            .Select(g => (Value: g.Key, Weight: g.Sum(n => n.Score), Ids: g.OrderByDescending(n => n.Score).Select(n => n.Id).ToList()))
            .OrderByDescending(g => g.Weight).ThenBy(g => g.Value, StringComparer.Ordinal).First();
        var confidence = best.Weight / total;
        return confidence >= minConfidence ? new TriageVote(best.Value, Math.Round(confidence, 2), best.Ids) : null;
    }

    /// <summary>The share of decided suggestions that were accepted; null before any.</summary>
    public static double? Accuracy(int accepted, int overridden) =>
        accepted + overridden == 0 ? null : Math.Round((double)accepted / (accepted + overridden), 3);
}
