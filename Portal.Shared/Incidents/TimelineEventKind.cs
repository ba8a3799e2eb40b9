namespace Portal.Shared.Incidents;

/// <summary>What a timeline entry records. The timeline is append-only.</summary>
public enum TimelineEventKind
{
    Created,
    Acknowledged,
    Assigned,
    SeverityChanged,
    StatusChanged,
    CommanderSet,
    Comment,
    StakeholderUpdate,
    SlaBreached,

    /// <summary>A monitor's alert fired (first or again); consecutive repeats fold into one line on the page.</summary>
    AlertTriggered,

    AlertAcknowledged,
    AlertResolved,

    /// <summary>An escalation level paged people (named in the text).</summary>
    Paged,

    /// <summary>Nobody acknowledged in time: the escalation moved on, started again, or ran out of levels.</summary>
    Escalated,

    /// <summary>A runbook step ticked (or unticked) while working the incident: From is the runbook's slug, To "3:done" or "3:undone".</summary>
    RunbookStep,

    /// <summary>Moved to another service or team: From and To are "service / team".</summary>
    Rerouted,

    /// <summary>Merged as the same problem: on the duplicate To is the survivor's key; on the survivor From is the duplicate's.</summary>
    Merged,

    /// <summary>A merge undone: on both incidents, From the duplicate and To the survivor.</summary>
    Unmerged,

    /// <summary>An automation run asked for, approved, refused, dispatched, finished, verified or rolled back: From the run's id, To its state.</summary>
    Automation,
}
