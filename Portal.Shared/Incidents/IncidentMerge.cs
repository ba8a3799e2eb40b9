namespace Portal.Shared.Incidents;

/// <summary>
/// One incident merged into another as the same problem, and undone if it was not: both are kept, as the labels that
/// measure grouping (a merge that stays is a pair that belonged together; an unmerge, one that did not).
/// </summary>
public sealed class IncidentMerge
{
    public long Id { get; set; }

    /// <summary>The duplicate: resolved by the merge, pointing at <see cref="SurvivorNumber"/>.</summary>
    public long MergedNumber { get; set; }

    public long SurvivorNumber { get; set; }
    public int? ById { get; set; }
    public DateTimeOffset At { get; set; }

    /// <summary>The similarity when the merge came from a suggestion; null when a person chose it alone.</summary>
    public double? SuggestedScore { get; set; }

    /// <summary>The duplicate's open alerts moved to the survivor (their repeats then land there); moved back by an unmerge.</summary>
    public List<long> MovedAlertIds { get; set; } = [];

    public DateTimeOffset? UnmergedAt { get; set; }
    public int? UnmergedById { get; set; }
}
