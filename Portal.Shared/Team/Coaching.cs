namespace Portal.Shared.Team;

/// <summary>What a support engineer grows in; plans and reviews are written against these.</summary>
public enum Competency
{
    OperationalExcellence,
    TechnicalDepth,
    IncidentLeadership,
    Communication,
    Mentoring,

    /// <summary>For engineers moving from IC to manager, and for managers.</summary>
    PeopleManagement,
}

/// <summary>A recurring 1:1 between a manager and one report.</summary>
public sealed class OneOnOneSeries
{
    public int Id { get; set; }
    public int ManagerId { get; set; }
    public int ReportId { get; set; }

    /// <summary>Days between meetings: 7, 14 or 28.</summary>
    public int CadenceDays { get; set; } = 14;

    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>One meeting of a series. The newest one not yet held is "the next 1:1".</summary>
public sealed class OneOnOneMeeting
{
    public int Id { get; set; }
    public int SeriesId { get; set; }
    public DateTimeOffset ScheduledAt { get; set; }
    public DateTimeOffset? HeldAt { get; set; }

    /// <summary>Notes both people read and write (Markdown).</summary>
    public string? SharedNotes { get; set; }

    public int Version { get; set; }
}

public enum OneOnOneItemKind
{
    /// <summary>Something to talk about; one not discussed moves on to the next meeting.</summary>
    Agenda,

    /// <summary>Something to do; shown at every meeting until done.</summary>
    Action,
}

/// <summary>An agenda item or an action item of a series.</summary>
public sealed class OneOnOneItem
{
    public int Id { get; set; }
    public int SeriesId { get; set; }

    /// <summary>The meeting it is on the agenda of, or the meeting it was agreed in.</summary>
    public int MeetingId { get; set; }

    public OneOnOneItemKind Kind { get; set; }
    public required string Text { get; set; }
    public int AuthorId { get; set; }

    /// <summary>Who does an action item.</summary>
    public int? OwnerId { get; set; }

    /// <summary>Agenda: discussed; action: done.</summary>
    public DateTimeOffset? DoneAt { get; set; }

    /// <summary>How many meetings an agenda item has moved on through.</summary>
    public int Carried { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A note only its writer can read: a manager's private notes of a meeting.</summary>
public sealed class OneOnOnePrivateNote
{
    public int Id { get; set; }
    public int MeetingId { get; set; }
    public int AuthorId { get; set; }
    public required string Text { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>A person's development plan: goals tied to competencies.</summary>
public sealed class DevelopmentPlan
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public required string Title { get; set; }
    public int CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
    public bool Closed { get; set; }
}

public sealed class PlanGoal
{
    public int Id { get; set; }
    public int PlanId { get; set; }
    public Competency Competency { get; set; }
    public required string Title { get; set; }
    public string? Description { get; set; }
    public DateOnly? TargetDate { get; set; }

    /// <summary>0–100, as of the latest update.</summary>
    public int Progress { get; set; }

    public List<PlanMilestone> Milestones { get; set; } = [];
    public List<PlanEvidence> Evidence { get; set; } = [];
    public DateTimeOffset CreatedAt { get; set; }
}

public sealed class PlanMilestone
{
    public required string Title { get; set; }
    public DateOnly? Due { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
}

public enum EvidenceKind
{
    Incident,
    Rca,
    Runbook,
    Link,
}

/// <summary>A link from a goal to a portal record (or a URL) that shows progress.</summary>
public sealed class PlanEvidence
{
    public EvidenceKind Kind { get; set; }

    /// <summary>INC-123, an RCA id, a runbook slug, or an https URL.</summary>
    public required string Reference { get; set; }

    public required string Title { get; set; }
    public string? Note { get; set; }
    public int AddedById { get; set; }
    public DateTimeOffset AddedAt { get; set; }
}

/// <summary>A dated note of progress on a goal.</summary>
public sealed class PlanUpdate
{
    public int Id { get; set; }
    public int GoalId { get; set; }
    public int AuthorId { get; set; }
    public DateTimeOffset At { get; set; }
    public required string Text { get; set; }
    public int Progress { get; set; }
}

/// <summary>A review cycle: a period reviewed, and the deadlines of each step.</summary>
public sealed class ReviewCycle
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public DateOnly PeriodStart { get; set; }
    public DateOnly PeriodEnd { get; set; }
    public DateTimeOffset SelfReviewDue { get; set; }
    public DateTimeOffset PeerFeedbackDue { get; set; }
    public DateTimeOffset ManagerReviewDue { get; set; }

    /// <summary>The team reviewed; null: everyone below the person who opened it.</summary>
    public int? TeamId { get; set; }

    public int CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

public enum ReviewState
{
    /// <summary>Waiting for the person's self-review.</summary>
    SelfReview,

    /// <summary>Waiting for the manager's review.</summary>
    ManagerReview,

    /// <summary>The manager's review is written; waiting for sign-off.</summary>
    AwaitingSignOff,

    /// <summary>Final: the person can read it.</summary>
    SignedOff,
}

/// <summary>One person's review in one cycle.</summary>
public sealed class Review
{
    public int Id { get; set; }
    public int CycleId { get; set; }
    public int PersonId { get; set; }

    /// <summary>The manager who writes it (the person's manager when the cycle opened).</summary>
    public int ManagerId { get; set; }

    public ReviewState State { get; set; }
    public Dictionary<Competency, int> SelfRatings { get; set; } = [];
    public string? SelfText { get; set; }
    public DateTimeOffset? SelfSubmittedAt { get; set; }
    public Dictionary<Competency, int> ManagerRatings { get; set; } = [];
    public string? ManagerText { get; set; }
    public DateTimeOffset? ManagerSubmittedAt { get; set; }
    public DateTimeOffset? SignedOffAt { get; set; }
    public int? SignedOffById { get; set; }

    /// <summary>A later self-review deadline a manager granted by reopening.</summary>
    public DateTimeOffset? SelfDueOverride { get; set; }

    /// <summary>A later manager-review deadline granted from above.</summary>
    public DateTimeOffset? ManagerDueOverride { get; set; }

    /// <summary>The operational record of the period as it stood at sign-off (JSON).</summary>
    public string? RecordSnapshot { get; set; }

    public int Version { get; set; }
}

/// <summary>Feedback asked of a peer for someone's review.</summary>
public sealed class PeerFeedback
{
    public int Id { get; set; }
    public int ReviewId { get; set; }
    public int PeerId { get; set; }
    public int RequestedById { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public string? Text { get; set; }
    public DateTimeOffset? SubmittedAt { get; set; }
    public bool Declined { get; set; }
}

public enum OnboardingCategory
{
    Access,
    ShadowShifts,
    RunbookReading,
    FirstOnCall,
}

/// <summary>A checklist template for new starters of one role.</summary>
public sealed class OnboardingTemplate
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public PortalRole Role { get; set; }
    public List<OnboardingStep> Steps { get; set; } = [];
}

public sealed class OnboardingStep
{
    public OnboardingCategory Category { get; set; }
    public required string Title { get; set; }

    /// <summary>Days after the start it should be done by.</summary>
    public int DueAfterDays { get; set; }
}

/// <summary>One step of one person's onboarding.</summary>
public sealed class OnboardingTask
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public int? TemplateId { get; set; }
    public int Order { get; set; }
    public OnboardingCategory Category { get; set; }
    public required string Title { get; set; }
    public DateOnly DueDate { get; set; }
    public DateTimeOffset? DoneAt { get; set; }
    public int? DoneById { get; set; }
}
