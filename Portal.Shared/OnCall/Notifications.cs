namespace Portal.Shared.OnCall;

/// <summary>What a notification is about.</summary>
public enum NotificationKind
{
    /// <summary>An incident needs someone (an escalation level named this person).</summary>
    Page,

    /// <summary>A shift swap was asked for, accepted, declined, approved or withdrawn.</summary>
    Swap,

    /// <summary>An override put this person on call, or took them off.</summary>
    Override,

    /// <summary>A handoff note from the outgoing engineer.</summary>
    Handoff,

    /// <summary>An RCA to review, approved or sent back, or an action item due soon.</summary>
    Rca,

    /// <summary>A review cycle opened, a review step due or done, or feedback asked of a peer.</summary>
    Review,

    /// <summary>An early warning about a service or region this person is on call for: low urgency, never a page.</summary>
    Warning,
}

/// <summary>A notification in a person's notification centre; also shown as a live toast when it arrives.</summary>
public sealed class Notification
{
    public long Id { get; set; }
    public int PersonId { get; set; }
    public NotificationKind Kind { get; set; }
    public required string Title { get; set; }
    public string? Body { get; set; }

    /// <summary>Where it leads in the portal ("/incidents/INC-1042", "/oncall#swaps").</summary>
    public string? Link { get; set; }

    public long? IncidentNumber { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ReadAt { get; set; }
}

/// <summary>How an outbound channel delivers.</summary>
public enum ChannelKind
{
    /// <summary>A generic JSON POST of the notification.</summary>
    Webhook,

    /// <summary>A Slack-compatible incoming webhook (<c>{"text": ...}</c>).</summary>
    Slack,

    /// <summary>A Microsoft Teams workflow webhook (an Adaptive Card message).</summary>
    Teams,

    /// <summary>Email over SMTP.</summary>
    Email,
}

/// <summary>An outbound channel of a person or of a team: pages (and other notifications) are also sent there.</summary>
public sealed class NotificationChannel
{
    public int Id { get; set; }
    public int? PersonId { get; set; }
    public int? TeamId { get; set; }
    public ChannelKind Kind { get; set; }
    public required string Name { get; set; }

    /// <summary>The webhook URL, or the email address.</summary>
    public required string Target { get; set; }

    /// <summary>A webhook's signing secret, encrypted with the portal's Data Protection keys; null for channels that do not sign.</summary>
    public string? Secret { get; set; }

    public bool Enabled { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}

public enum DeliveryState
{
    Pending,
    Delivered,
    Failed,
}

/// <summary>
/// One message to one outbound channel, sent after the change that caused it committed. The dispatcher claims it through
/// <see cref="Version"/> (any node may send it, only one does), retries with backoff, and records how it ended.
/// </summary>
public sealed class Delivery
{
    public long Id { get; set; }
    public int ChannelId { get; set; }
    public long? NotificationId { get; set; }

    /// <summary>The notification, when it is being created in the same save.</summary>
    public Notification? Notification { get; set; }

    public long? IncidentNumber { get; set; }
    public required string Title { get; set; }
    public string? Body { get; set; }
    public string? Link { get; set; }
    public DeliveryState State { get; set; }
    public int Attempts { get; set; }
    public string? LastError { get; set; }
    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>When the dispatcher may (next) take it: now for a new one, later while a node holds it.</summary>
    public DateTimeOffset NextAttemptAt { get; set; }

    public DateTimeOffset? DeliveredAt { get; set; }
    public int Version { get; set; }
}
