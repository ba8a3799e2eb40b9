using Portal.Shared.Alerts;

namespace Portal.Features.Alerts;

/// <summary>
/// One monitor event, whatever protocol brought it: what happened to which alert (its dedup key within the
/// integration), and what the alert says.
/// </summary>
public sealed record AlertEvent(
    AlertAction Action, string DedupKey, string Summary, string? Source = null, string? SeverityWord = null,
    IReadOnlyDictionary<string, string>? Labels = null, string? GroupKey = null, string? Details = null, string? Payload = null);

/// <summary>What became of an event once committed.</summary>
public enum AlertOutcome
{
    /// <summary>A new alert, and a new incident for it (or the open incident of its group).</summary>
    Opened,

    /// <summary>Counted on the alert already open for the key.</summary>
    Repeated,

    Acknowledged,
    Resolved,

    /// <summary>An acknowledge or resolve for no open alert: nothing to do (PagerDuty's rule).</summary>
    Dropped,
}

public sealed record AlertResult(AlertOutcome Outcome, string DedupKey, long? IncidentNumber);
