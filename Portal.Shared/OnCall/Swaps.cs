namespace Portal.Shared.OnCall;

public enum SwapState
{
    /// <summary>Waiting for the teammate to accept or decline.</summary>
    Requested,

    /// <summary>The teammate accepted; a manager must approve before it becomes an override.</summary>
    AwaitingApproval,

    /// <summary>It became an override.</summary>
    Accepted,

    Declined,

    /// <summary>A manager refused it.</summary>
    Rejected,

    /// <summary>The requester withdrew it.</summary>
    Cancelled,
}

/// <summary>An engineer asks a teammate to cover part of their on-call time; accepted (and approved where needed) it becomes an override.</summary>
public sealed class SwapRequest
{
    public int Id { get; set; }
    public int ScheduleId { get; set; }
    public int RequesterId { get; set; }

    /// <summary>The teammate asked to cover.</summary>
    public int CoverId { get; set; }

    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    public string? Reason { get; set; }
    public SwapState State { get; set; }
    public int? DecidedById { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }

    /// <summary>The override it became.</summary>
    public int? OverrideId { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }

    public bool IsOpen => State is SwapState.Requested or SwapState.AwaitingApproval;
}

/// <summary>What the outgoing engineer hands to the incoming one at the end of a shift.</summary>
public sealed class HandoffNote
{
    public int Id { get; set; }
    public int ScheduleId { get; set; }
    public int AuthorId { get; set; }

    /// <summary>Who takes over at <see cref="ShiftEnd"/>, as the schedule said when the note was written.</summary>
    public int? IncomingId { get; set; }

    public DateTimeOffset ShiftEnd { get; set; }

    /// <summary>Markdown.</summary>
    public required string Body { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A calendar subscription: a person's shifts or a schedule's, at a secret URL that can be revoked.</summary>
public sealed class CalendarFeed
{
    public int Id { get; set; }

    /// <summary>Whose feed it is (the person who made it).</summary>
    public int OwnerId { get; set; }

    /// <summary>The schedule it shows, or null for the owner's own shifts on every schedule.</summary>
    public int? ScheduleId { get; set; }

    /// <summary>SHA-256 of the secret in the URL; the secret itself is shown once.</summary>
    public required string SecretHash { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
}
