using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Shared.Incidents;

/// <summary>An incident of the live queue. <see cref="Version"/> is the concurrency token: every change increments it.</summary>
public sealed class Incident
{
    /// <summary>The incident number (shown as INC-n): sequential, never reused.</summary>
    public long Number { get; set; }

    public required string Title { get; set; }
    public string? Description { get; set; }
    public Severity Severity { get; set; } = Severity.SEV3;
    public IncidentStatus Status { get; set; } = IncidentStatus.Triggered;

    public int? ServiceId { get; set; }
    public BusinessService? Service { get; set; }
    public int? TeamId { get; set; }
    public Team.Team? Team { get; set; }
    public RegionCode Region { get; set; }
    public int? AssigneeId { get; set; }
    public Person? Assignee { get; set; }
    public int? CommanderId { get; set; }
    public Person? Commander { get; set; }

    public DateTimeOffset TriggeredAt { get; set; }
    public DateTimeOffset? AcknowledgedAt { get; set; }
    public DateTimeOffset? MitigatedAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>When a reopen restarted the SLA clocks; null while they run from <see cref="TriggeredAt"/>.</summary>
    public DateTimeOffset? ClocksStartedAt { get; set; }

    /// <summary>The instant the SLA clocks run from.</summary>
    public DateTimeOffset ClocksFrom => ClocksStartedAt ?? TriggeredAt;

    /// <summary>When the acknowledge clock was met by acknowledging: a reopen returns the incident acknowledged.</summary>
    public DateTimeOffset? AcknowledgedForClocks => AcknowledgedAt ?? ClocksStartedAt;

    public int? AdvertisersAffected { get; set; }
    public decimal? RevenueAtRiskUsd { get; set; }
    public List<string> Tags { get; set; } = [];
    public string? ResolutionNote { get; set; }

    /// <summary>Set by the SLA processor when the acknowledge clock ran out (recorded once on the timeline).</summary>
    public bool AcknowledgeBreached { get; set; }

    /// <summary>Set by the SLA processor when the mitigate clock ran out.</summary>
    public bool MitigateBreached { get; set; }

    /// <summary>Set while this incident is merged into another (the same problem): it is resolved and points there.</summary>
    public long? MergedIntoNumber { get; set; }

    public int Version { get; set; } = 1;

    public string Key => IncidentNumber.Format(Number);
}

/// <summary>One entry of an incident's append-only timeline.</summary>
public sealed class TimelineEvent
{
    public long Id { get; set; }
    public long IncidentNumber { get; set; }

    /// <summary>The incident, when it is being created in the same save (its number is not known yet).</summary>
    public Incident? Incident { get; set; }

    /// <summary>The incident's version this entry's change produced; entries of one change share it.</summary>
    public int IncidentVersion { get; set; }

    public TimelineEventKind Kind { get; set; }
    public int? ActorId { get; set; }

    /// <summary>The actor's name when it happened ("Akira Sato", or "SLA monitor").</summary>
    public required string ActorName { get; set; }

    public DateTimeOffset At { get; set; }

    /// <summary>The comment or update text (Markdown), or a short description of the change.</summary>
    public string? Text { get; set; }

    public string? From { get; set; }
    public string? To { get; set; }
}

/// <summary>An admin-editable SLA target per severity.</summary>
public sealed class SlaPolicy
{
    public Severity Severity { get; set; }
    public int? AcknowledgeMinutes { get; set; }
    public int? MitigateMinutes { get; set; }

    public SlaTargets Targets => new(
        Severity,
        AcknowledgeMinutes is { } a ? TimeSpan.FromMinutes(a) : null,
        MitigateMinutes is { } m ? TimeSpan.FromMinutes(m) : null);
}
