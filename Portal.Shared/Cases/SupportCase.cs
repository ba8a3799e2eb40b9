using Portal.Shared.Admin;
using Portal.Shared.Directory;
using Portal.Shared.Team;

namespace Portal.Shared.Cases;

/// <summary>Where a case stands. Pending advertiser and On hold pause its SLA clocks.</summary>
public enum CaseStatus
{
    New,
    Open,
    PendingAdvertiser,
    OnHold,
    Solved,
    Closed,
}

public enum CasePriority
{
    P1,
    P2,
    P3,
    P4,
}

/// <summary>How the case reached the team.</summary>
public enum CaseChannel
{
    Email,
    WebForm,
    Api,

    /// <summary>Escalated by an account team from inside the company.</summary>
    Internal,
}

/// <summary>
/// An advertiser support case (CASE-n). <see cref="Version"/> is the concurrency token: every change increments it.
/// </summary>
public sealed class SupportCase
{
    public long Number { get; set; }
    public required string Subject { get; set; }

    public int AdvertiserId { get; set; }
    public Advertiser? Advertiser { get; set; }

    /// <summary>A category slug from the configured list (<see cref="CaseCategories"/>).</summary>
    public required string Category { get; set; }

    public CasePriority Priority { get; set; } = CasePriority.P3;
    public CaseChannel Channel { get; set; }
    public CaseStatus Status { get; set; } = CaseStatus.New;

    public int? AssigneeId { get; set; }
    public Person? Assignee { get; set; }
    public int? TeamId { get; set; }
    public Team.Team? Team { get; set; }
    public RegionCode Region { get; set; }
    public List<string> Tags { get; set; } = [];

    /// <summary>The amount the advertiser disputes, exact (never a binary float), in <see cref="Currency"/>.</summary>
    public decimal? DisputedAmount { get; set; }

    /// <summary>An ISO 4217 code ("USD", "JPY"), set with <see cref="DisputedAmount"/>.</summary>
    public string? Currency { get; set; }

    /// <summary>The address the advertiser wrote from, where replies go (lower case).</summary>
    public string? RequesterEmail { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>The team's first public reply: the first-reply clock stops here.</summary>
    public DateTimeOffset? FirstRepliedAt { get; set; }

    public DateTimeOffset? SolvedAt { get; set; }
    public DateTimeOffset? ClosedAt { get; set; }

    /// <summary>How many public replies the team has sent (one-touch resolution counts them).</summary>
    public int PublicReplies { get; set; }

    public int ReopenCount { get; set; }
    public DateTimeOffset? LastReopenedAt { get; set; }

    /// <summary>Set on a duplicate: the case it was merged into.</summary>
    public long? MergedIntoNumber { get; set; }

    /// <summary>Set on a follow-up: the closed case the advertiser wrote about again.</summary>
    public long? FollowUpOfNumber { get; set; }

    /// <summary>Since when the SLA clocks are paused (Pending advertiser, On hold); null while they run.</summary>
    public DateTimeOffset? ClocksPausedSince { get; set; }

    /// <summary>When a first reply is due, pauses so far included; null when there is no target or it was met.</summary>
    public DateTimeOffset? FirstReplyDueAt { get; set; }

    /// <summary>When the case must be solved, pauses so far included; null when there is no target.</summary>
    public DateTimeOffset? ResolutionDueAt { get; set; }

    public bool FirstReplyBreached { get; set; }
    public bool ResolutionBreached { get; set; }

    public int Version { get; set; } = 1;

    public string Key => CaseNumber.Format(Number);

    /// <summary>Solved or Closed.</summary>
    public bool IsDone => Status is CaseStatus.Solved or CaseStatus.Closed;
}

/// <summary>Who wrote a message of a case's conversation, and who may read it.</summary>
public enum CaseMessageKind
{
    /// <summary>From the advertiser (form, email, their case page).</summary>
    Advertiser,

    /// <summary>A public reply from the team: sent to the advertiser.</summary>
    Reply,

    /// <summary>An internal note: never sent, never shown to the advertiser.</summary>
    Note,
}

/// <summary>One message of a case's conversation.</summary>
public sealed class CaseMessage
{
    public long Id { get; set; }
    public long CaseNumber { get; set; }
    public SupportCase? Case { get; set; }
    public CaseMessageKind Kind { get; set; }

    /// <summary>The team member who wrote it; null for the advertiser.</summary>
    public int? AuthorId { get; set; }

    /// <summary>The name shown ("Akira Sato", or the advertiser's address).</summary>
    public required string AuthorName { get; set; }

    /// <summary>The text (Markdown for the team's; plain text from advertisers, shown as text).</summary>
    public required string Body { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The email's Message-ID, when it came or went by email: unique, so no message is stored twice.</summary>
    public string? MessageId { get; set; }

    /// <summary>Attachments by reference (a name and where it is kept), never their bytes.</summary>
    public List<CaseAttachment> Attachments { get; set; } = [];
}

/// <summary>An attachment by reference.</summary>
public sealed class CaseAttachment
{
    public string Name { get; set; } = "";

    /// <summary>Where it is kept (a URL or a storage key).</summary>
    public string Reference { get; set; } = "";

    public long Bytes { get; set; }
}

/// <summary>What happened to a case, on its timeline.</summary>
public enum CaseEventKind
{
    Created,
    StatusChanged,
    Assigned,
    PriorityChanged,
    CategoryChanged,
    Replied,
    AdvertiserWrote,
    NoteAdded,
    Reopened,
    Merged,
    FollowUpOpened,
    SlaBreached,
    IncidentLinked,
    IncidentUnlinked,
    SurveyAnswered,

    /// <summary>Moved to another team: From and To are team slugs.</summary>
    TeamChanged,
}

/// <summary>One entry of a case's append-only timeline.</summary>
public sealed class CaseEvent
{
    public long Id { get; set; }
    public long CaseNumber { get; set; }
    public SupportCase? Case { get; set; }

    /// <summary>The case's version this entry's change produced.</summary>
    public int CaseVersion { get; set; }

    public CaseEventKind Kind { get; set; }
    public int? ActorId { get; set; }
    public required string ActorName { get; set; }
    public DateTimeOffset At { get; set; }
    public string? Text { get; set; }
    public string? From { get; set; }
    public string? To { get; set; }
}
