using Portal.Shared.OnCall;
using MaxLengthAttribute = System.ComponentModel.DataAnnotations.MaxLengthAttribute;

namespace Portal.Features.Notifications;

public sealed record NotificationView(long Id, NotificationKind Kind, string Title, string? Body, string? Link, long? Incident, DateTimeOffset CreatedAt, bool Read);

public sealed record ChannelRequest(ChannelKind Kind, string? Name, [property: MaxLength(2000)] string? Target, string? Team = null);

/// <summary>An outbound channel; a new webhook's <see cref="Secret"/> (to verify its signatures) is in the answer that creates it, and never again.</summary>
public sealed record ChannelView(int Id, ChannelKind Kind, string Name, string TargetHint, string? Team, string? Person, bool Enabled, string? Secret = null);

public sealed record DeliveryView(long Id, string Channel, ChannelKind Kind, string Title, DeliveryState State, int Attempts, string? LastError, DateTimeOffset CreatedAt, DateTimeOffset? DeliveredAt);
