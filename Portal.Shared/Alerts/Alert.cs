namespace Portal.Shared.Alerts;

public enum AlertStatus
{
    Triggered,
    Acknowledged,
    Resolved,
}

/// <summary>
/// One alert per dedup key and integration while it is open: every trigger for the key counts on it, and it belongs
/// to one incident. <see cref="OpenKey"/> equals the dedup key while open and is cleared on resolve; a unique index on
/// (integration, open key) makes two concurrent triggers, on any node, one alert.
/// </summary>
public sealed class Alert
{
    public long Id { get; set; }
    public int IntegrationId { get; set; }
    public required string DedupKey { get; set; }
    public string? OpenKey { get; set; }
    public AlertStatus Status { get; set; }
    public long IncidentNumber { get; set; }

    /// <summary>The incident, when it is being created in the same save (its number is not known yet).</summary>
    public Incidents.Incident? Incident { get; set; }

    public required string Summary { get; set; }
    public string? Source { get; set; }
    public string? SeverityWord { get; set; }

    /// <summary>Alertmanager's group key: the alerts of one group share an incident.</summary>
    public string? GroupKey { get; set; }

    public Dictionary<string, string> Labels { get; set; } = [];
    public string? LastPayload { get; set; }
    public int Count { get; set; }
    public DateTimeOffset FirstSeenAt { get; set; }
    public DateTimeOffset LastSeenAt { get; set; }
    public DateTimeOffset? ResolvedAt { get; set; }
}
