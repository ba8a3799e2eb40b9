namespace Portal.Shared.Team;

/// <summary>How a viewer stands to the person whose coaching records they ask for.</summary>
public enum Relation
{
    /// <summary>No right to the content: a peer, or a manager of another team.</summary>
    None,

    /// <summary>An admin outside the person's reporting chain: may see that records exist and their state (audit), not content.</summary>
    Admin,

    /// <summary>The person themselves.</summary>
    Self,

    /// <summary>Someone above the person in the reporting chain (directly or not).</summary>
    Manager,
}

/// <summary>The privacy rules of the Team module, as pure functions the services call on every read and change.</summary>
public static class CoachingAccess
{
    public static Relation RelationOf(int viewerId, PortalRole viewerRole, int personId, IReadOnlyDictionary<int, int?> managerOf)
    {
        if (viewerId == personId)
        {
            return Relation.Self;
        }
        if (ManagerChain.IsAbove(viewerId, personId, managerOf))
        {
            return Relation.Manager;
        }
        return viewerRole == PortalRole.Admin ? Relation.Admin : Relation.None;
    }

    /// <summary>Plans, 1:1 shared notes and agenda, onboarding: the person and their chain.</summary>
    public static bool CanReadCoaching(Relation relation) => relation is Relation.Self or Relation.Manager;

    /// <summary>The operational record (incidents, on-call, RCAs) is operations data: also open to admins.</summary>
    public static bool CanReadRecord(Relation relation) => relation is not Relation.None;
}

/// <summary>Rules of performance reviews: the rating scale, deadlines and who may do each step.</summary>
public static class ReviewRules
{
    public const int MinRating = 1;
    public const int MaxRating = 5;
    public const int MaxText = 20_000;

    public static readonly IReadOnlyList<string> RatingNames =
        ["", "Below expectations", "Partly meets", "Meets expectations", "Exceeds expectations", "Exceptional"];

    /// <summary>The competencies a review rates: people management only for managers and those on the path to it.</summary>
    public static IReadOnlyList<Competency> CompetenciesFor(PortalRole role, string? level) =>
        role != PortalRole.Engineer || (level?.StartsWith('M') ?? false)
            ? Enum.GetValues<Competency>()
            : [.. Enum.GetValues<Competency>().Where(c => c != Competency.PeopleManagement)];

    /// <summary>The problems with a set of ratings, in words (empty when it is fine).</summary>
    public static List<string> RatingProblems(IReadOnlyDictionary<Competency, int> ratings, IReadOnlyList<Competency> rated, bool complete)
    {
        var problems = new List<string>();
        foreach (var (competency, value) in ratings)
        {
            if (value is < MinRating or > MaxRating)
            {
                problems.Add($"{Name(competency)}: a rating is {MinRating} to {MaxRating}, not {value}.");
            }
            else if (!rated.Contains(competency))
            {
                problems.Add($"{Name(competency)} is not rated in this review.");
            }
        }
        if (complete)
        {
            problems.AddRange(rated.Where(c => !ratings.ContainsKey(c)).Select(c => $"{Name(c)} needs a rating."));
        }
        return problems;
    }

    public static DateTimeOffset SelfDue(Review review, ReviewCycle cycle) => review.SelfDueOverride ?? cycle.SelfReviewDue;

    public static DateTimeOffset ManagerDue(Review review, ReviewCycle cycle) => review.ManagerDueOverride ?? cycle.ManagerReviewDue;

    /// <summary>Why a cycle's dates do not work, or null.</summary>
    public static string? WhyNotCycle(DateOnly start, DateOnly end, DateTimeOffset selfDue, DateTimeOffset peerDue, DateTimeOffset managerDue, DateTimeOffset now)
    {
        if (end < start)
        {
            return "The period must end on or after it starts.";
        }
        if (end.DayNumber - start.DayNumber > 400)
        {
            return "A review period is at most 400 days.";
        }
        if (selfDue <= now)
        {
            return "The self-review deadline must be in the future.";
        }
        if (peerDue < selfDue && peerDue <= now)
        {
            return "The peer feedback deadline must be in the future.";
        }
        return managerDue < selfDue || managerDue < peerDue
            ? "The manager review is due after the self-review and peer feedback."
            : null;
    }

    public static string Name(Competency competency) => competency switch
    {
        Competency.OperationalExcellence => "Operational excellence",
        Competency.TechnicalDepth => "Technical depth",
        Competency.IncidentLeadership => "Incident leadership",
        Competency.Communication => "Communication",
        Competency.Mentoring => "Mentoring",
        Competency.PeopleManagement => "People management",
        _ => competency.ToString(),
    };

    public static string Name(ReviewState state) => state switch
    {
        ReviewState.SelfReview => "Self-review",
        ReviewState.ManagerReview => "Manager review",
        ReviewState.AwaitingSignOff => "Awaiting sign-off",
        ReviewState.SignedOff => "Signed off",
        _ => state.ToString(),
    };
}
