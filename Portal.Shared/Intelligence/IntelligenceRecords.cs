namespace Portal.Shared.Intelligence;

/// <summary>
/// What became of one triage suggestion: accepted as it was, or overridden with what the person chose instead. The
/// training signal, and the accuracy figure on the admin page.
/// </summary>
public sealed class TriageFeedback
{
    public const string Accepted = "accepted";
    public const string Overridden = "overridden";

    public long Id { get; set; }

    /// <summary>"incident" or "case".</summary>
    public required string Kind { get; set; }

    public long RecordId { get; set; }

    /// <summary>"service", "team", "severity", "category", "priority".</summary>
    public required string Field { get; set; }

    public required string Suggested { get; set; }
    public required string Chosen { get; set; }
    public double Confidence { get; set; }
    public required string Outcome { get; set; }
    public int? ById { get; set; }
    public DateTimeOffset At { get; set; }
}

/// <summary>
/// An early warning: a signal (alerts, incidents, cases) of one subject (a service, a region, a case category) well
/// above its own baseline. It never opens an incident; it is shown, pushed live and sent to the on-call at low urgency.
/// One is open per subject and signal until the rate falls back.
/// </summary>
public sealed class EarlyWarning
{
    public long Id { get; set; }

    /// <summary>"service", "region" or "category".</summary>
    public required string Scope { get; set; }

    /// <summary>The service slug, region code or category slug.</summary>
    public required string Subject { get; set; }

    /// <summary>"alerts", "incidents" or "cases".</summary>
    public required string Signal { get; set; }

    /// <summary>"hour-of-week" (robust z-score of a short window) or "cusum" (a slow drift of daily counts).</summary>
    public required string Detector { get; set; }

    public double Observed { get; set; }
    public double Baseline { get; set; }
    public double Score { get; set; }

    /// <summary>The warning in words, as the queue and the notification show it.</summary>
    public required string Text { get; set; }

    public DateTimeOffset StartedAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? EndedAt { get; set; }
    public int Version { get; set; } = 1;
}

/// <summary>A draft the portal wrote (offline from the records, or by the configured chat model) and what the person did with it.</summary>
public sealed class DraftRecord
{
    public const string Accepted = "accepted";
    public const string Edited = "edited";
    public const string Rejected = "rejected";

    public long Id { get; set; }

    /// <summary>"catch-up", "stakeholder", "handoff", "rca", "case-reply".</summary>
    public required string Kind { get; set; }

    /// <summary>What it is about: "INC-1042", "CASE-204", "handoff:eu".</summary>
    public required string Subject { get; set; }

    /// <summary>"offline" or "model".</summary>
    public required string Source { get; set; }

    public string? Model { get; set; }
    public required string Text { get; set; }

    /// <summary>The record ids the draft rests on ("INC-1042", "CASE-311"), comma-separated.</summary>
    public string? Citations { get; set; }

    /// <summary>Null until decided.</summary>
    public string? Outcome { get; set; }

    public int? ById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? DecidedAt { get; set; }
}
