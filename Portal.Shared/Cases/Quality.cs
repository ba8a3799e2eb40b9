namespace Portal.Shared.Cases;

/// <summary>One category of a scorecard: its weight in the total, and whether failing it fails the whole review.</summary>
public sealed class ScorecardCategory
{
    public string Name { get; set; } = "";
    public int Weight { get; set; } = 1;
    public bool Critical { get; set; }
}

/// <summary>A quality scorecard: the weighted categories a reviewer rates a case's handling on.</summary>
public sealed class QualityScorecard
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public List<ScorecardCategory> Categories { get; set; } = [];
    public bool Active { get; set; } = true;
}

/// <summary>A rating of one category: met fully, partly, or missed.</summary>
public enum QualityRating
{
    Missed = 0,
    Partly = 50,
    Met = 100,
}

/// <summary>A category's rating in a review.</summary>
public sealed class CategoryRating
{
    public string Category { get; set; } = "";
    public QualityRating Rating { get; set; }
}

/// <summary>
/// A quality review of how one engineer handled one case: assigned to a reviewer (never the engineer), then completed
/// with a rating per category and a score, and open to the engineer's dispute.
/// </summary>
public sealed class QualityReview
{
    public long Id { get; set; }
    public long CaseNumber { get; set; }
    public int ScorecardId { get; set; }
    public int EngineerId { get; set; }
    public int ReviewerId { get; set; }
    public DateTimeOffset AssignedAt { get; set; }
    public DateTimeOffset? CompletedAt { get; set; }
    public List<CategoryRating> Ratings { get; set; } = [];

    /// <summary>0 to 100; 0 when a critical category was missed.</summary>
    public double? Score { get; set; }

    public string? Comment { get; set; }
    public DateTimeOffset? DisputedAt { get; set; }
    public string? Dispute { get; set; }
}

/// <summary>The rules of quality reviews: scoring, sampling, calibration.</summary>
public static class QualityRules
{
    public const int MaxComment = 4000;

    /// <summary>The default scorecard: accuracy, policy (critical), tone, ownership, and the incident linked where one existed.</summary>
    public static IReadOnlyList<ScorecardCategory> DefaultCategories { get; } =
    [
        new() { Name = "Accuracy", Weight = 3 },
        new() { Name = "Policy", Weight = 2, Critical = true },
        new() { Name = "Tone", Weight = 2 },
        new() { Name = "Ownership", Weight = 2 },
        new() { Name = "Incident linked where one existed", Weight = 1 },
    ];

    /// <summary>
    /// The score of a review: the weighted mean of its ratings (Met 100, Partly 50, Missed 0), or 0 when a critical
    /// category was missed. Null when a category of the scorecard is not rated.
    /// </summary>
    public static double? Score(IReadOnlyList<ScorecardCategory> categories, IReadOnlyList<CategoryRating> ratings)
    {
        if (categories.Count == 0 || categories.Any(c => ratings.All(r => r.Category != c.Name)))
        {
            return null;
        }
        var rated = categories.Select(c => (Category: c, Rating: ratings.First(r => r.Category == c.Name).Rating)).ToList();
        if (rated.Any(r => r.Category.Critical && r.Rating == QualityRating.Missed))
        {
            return 0;
        }
        var weight = rated.Sum(r => Math.Max(0, r.Category.Weight));
        return weight == 0 ? null : Math.Round(rated.Sum(r => Math.Max(0, r.Category.Weight) * (double)(int)r.Rating) / weight, 1);
    }

    /// <summary>How many of an engineer's solved cases a week's sample takes: the rate of them, at least one when there is any.</summary>
    public static int SampleSize(int solved, double rate) => solved == 0 ? 0 : Math.Clamp((int)Math.Ceiling(solved * rate), 1, solved);

    /// <summary>The spread of the scores two or more reviewers gave one case: highest minus lowest.</summary>
    public static double Spread(IEnumerable<double> scores)
    {
        var list = scores.ToList();
        return list.Count < 2 ? 0 : list.Max() - list.Min();
    }
}

/// <summary>The marker that a week's sample was drawn (once, whichever node gets there first).</summary>
public sealed class QualitySample
{
    public DateOnly WeekStart { get; set; }
    public DateTimeOffset DrawnAt { get; set; }
    public int Reviews { get; set; }
}
