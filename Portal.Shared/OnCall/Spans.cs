using NodaTime;

namespace Portal.Shared.OnCall;

/// <summary>Sets of half-open instant intervals kept sorted and disjoint, combined by linear sweeps.</summary>
public static class Spans
{
    /// <summary>Sorted, with overlapping and touching intervals merged; empty ones dropped.</summary>
    public static List<Interval> Normalize(IEnumerable<Interval> intervals)
    {
        var merged = new List<Interval>();
        foreach (var i in intervals.Where(i => i.Start < i.End).OrderBy(i => i.Start))
        {
            if (merged.Count > 0 && merged[^1].End >= i.Start)
            {
                var last = merged[^1];
                merged[^1] = new Interval(last.Start, Instant.Max(last.End, i.End));
            }
            else
            {
                merged.Add(i);
            }
        }
        return merged;
    }

    /// <summary>The parts of <paramref name="a"/> inside <paramref name="b"/>; both sorted and disjoint.</summary>
    public static List<Interval> Intersect(IReadOnlyList<Interval> a, IReadOnlyList<Interval> b)
    {
        var result = new List<Interval>();
        int i = 0, j = 0;
        while (i < a.Count && j < b.Count)
        {
            var start = Instant.Max(a[i].Start, b[j].Start);
            var end = Instant.Min(a[i].End, b[j].End);
            if (start < end)
            {
                result.Add(new Interval(start, end));
            }
            if (a[i].End < b[j].End)
            {
                i++;
            }
            else
            {
                j++;
            }
        }
        return result;
    }

    /// <summary>The parts of <paramref name="a"/> outside <paramref name="b"/>; both sorted and disjoint.</summary>
    public static List<Interval> Subtract(IReadOnlyList<Interval> a, IReadOnlyList<Interval> b)
    {
        var result = new List<Interval>();
        var j = 0;
        foreach (var piece in a)
        {
            var start = piece.Start;
            while (j < b.Count && b[j].End <= start)
            {
                j++;
            }
            var k = j;
            while (k < b.Count && b[k].Start < piece.End)
            {
                if (b[k].Start > start)
                {
                    result.Add(new Interval(start, b[k].Start));
                }
                start = Instant.Max(start, b[k].End);
                k++;
            }
            if (start < piece.End)
            {
                result.Add(new Interval(start, piece.End));
            }
        }
        return result;
    }

    public static Duration Total(IEnumerable<Interval> intervals) =>
        intervals.Aggregate(Duration.Zero, (sum, i) => sum + i.Duration);
}
