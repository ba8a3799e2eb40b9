namespace Portal.Shared.Rca;

public enum RcaState
{
    Draft,
    InReview,
    Approved,
    Published,
}

/// <summary>Where the root cause lies.</summary>
public enum RootCauseCategory
{
    Unknown,
    CodeChange,
    ConfigurationChange,
    Dependency,
    Capacity,
    Data,
    Process,
}

/// <summary>One line of an RCA's timeline: drafted from the incidents' timelines, then edited by the author.</summary>
public sealed class RcaTimelineEntry
{
    public DateTimeOffset At { get; set; }
    [MultiLine]
    public string Text { get; set; } = "";

    /// <summary>"detected", "acknowledged", "mitigated", "resolved" for the milestones; null for other notable events.</summary>
    public string? Milestone { get; set; }
}

/// <summary>A "why" and its answer; an answer can lead to more than one further why (the chains branch).</summary>
public sealed class WhyNode
{
    [MultiLine]
    public string Question { get; set; } = "";
    [MultiLine]
    public string Answer { get; set; } = "";
    public List<WhyNode> Children { get; set; } = [];
}

/// <summary>
/// A Correction-of-Error document for one or more incidents. Sections are plain fields; the timeline and the 5 Whys
/// are JSON documents. <see cref="Version"/> is the concurrency token every save names.
/// </summary>
public sealed class RcaDocument
{
    public int Id { get; set; }
    public required string Title { get; set; }
    public RcaState State { get; set; }
    public int AuthorId { get; set; }

    public string? Summary { get; set; }
    public int? AdvertisersAffected { get; set; }
    public decimal? RevenueImpactUsd { get; set; }
    public int? ImpactMinutes { get; set; }
    public List<string> Regions { get; set; } = [];
    public List<RcaTimelineEntry> Timeline { get; set; } = [];
    public List<WhyNode> Whys { get; set; } = [];
    public RootCauseCategory? RootCause { get; set; }
    public string? ContributingFactors { get; set; }
    public string? WentWell { get; set; }
    public string? Lessons { get; set; }

    /// <summary>Person ids of the named reviewers.</summary>
    public List<int> Reviewers { get; set; } = [];

    public DateTimeOffset? DueAt { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public DateTimeOffset? PublishedAt { get; set; }

    /// <summary>Set when an incident of its family happened after every "prevent" action was closed.</summary>
    public bool RecurredAfterFix { get; set; }

    public long? RecurrenceIncident { get; set; }
    public int Version { get; set; }
}

/// <summary>An incident an RCA covers.</summary>
public sealed class RcaIncident
{
    public int RcaId { get; set; }
    public long IncidentNumber { get; set; }
}

public enum RcaEventKind
{
    Comment,
    Submitted,
    ChangesRequested,
    Approved,
    Published,
    Revised,
}

/// <summary>A review comment (anchored to a section) or a workflow step, in order.</summary>
public sealed class RcaEvent
{
    public long Id { get; set; }
    public int RcaId { get; set; }
    public RcaEventKind Kind { get; set; }
    public string? Section { get; set; }
    public int? AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public string? Text { get; set; }

    /// <summary>For a revision of a published RCA: the whole document (Markdown) as it was before the change.</summary>
    public string? Snapshot { get; set; }

    public DateTimeOffset At { get; set; }
}

public enum ActionKind
{
    Prevent,
    Detect,
    Mitigate,
    Process,
}

public enum ActionPriority
{
    P1 = 1,
    P2 = 2,
    P3 = 3,
}

public enum ActionStatus
{
    Open,
    Closed,
}

/// <summary>Something the team will do so it does not happen again. Closing it needs a verification note.</summary>
public sealed class ActionItem
{
    public int Id { get; set; }
    public int RcaId { get; set; }
    public required string Title { get; set; }
    public int OwnerId { get; set; }
    public DateOnly DueDate { get; set; }
    public ActionPriority Priority { get; set; } = ActionPriority.P2;
    public ActionKind Kind { get; set; }
    public ActionStatus Status { get; set; }
    public string? TrackerUrl { get; set; }
    public string? VerificationNote { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }
    public int? ClosedById { get; set; }

    /// <summary>When the owner was reminded that it is due soon (once).</summary>
    public DateTimeOffset? RemindedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>Incidents that are the same problem again: by alert dedup key, by service and alert class, or linked by hand.</summary>
public sealed class RecurrenceFamily
{
    public int Id { get; set; }

    /// <summary>"dedup:{key}", "class:{service}:{class}", or "manual:{n}".</summary>
    public required string Key { get; set; }

    public required string Title { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class FamilyMember
{
    public long IncidentNumber { get; set; }
    public int FamilyId { get; set; }

    /// <summary>Why it belongs: "same alert", "same service and alert class", "linked by hand".</summary>
    public required string Reason { get; set; }

    /// <summary>It happened after every "prevent" action of an RCA of its family was closed.</summary>
    public bool RecurredAfterFix { get; set; }
}
