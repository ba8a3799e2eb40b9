using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared;

namespace Portal.Features.Incidents;

/// <summary>A new incident as a person or script describes it. Service and team are slugs; people are handles.</summary>
public sealed record NewIncident(
    string? Title, [property: MultiLine] string? Description = null, Severity? Severity = null, string? Service = null, string? Team = null,
    string? Region = null, string? Assignee = null, int? AdvertisersAffected = null, decimal? RevenueAtRiskUsd = null,
    IReadOnlyList<string>? Tags = null);

/// <summary>An incident as the queue lists it.</summary>
public sealed record IncidentRow(
    long Number, string Key, string Title, Severity Severity, IncidentStatus Status,
    string? Service, string? Team, RegionCode Region, string? Assignee, string? AssigneeName,
    DateTimeOffset TriggeredAt, DateTimeOffset UpdatedAt, int Version, bool Breached,
    DateTimeOffset? AcknowledgedAt = null, DateTimeOffset? MitigatedAt = null, DateTimeOffset? ResolvedAt = null);

/// <summary>An incident with everything the detail page and <c>GET /api/incidents/{number}</c> show.</summary>
public sealed record IncidentDetail(
    long Number, string Key, string Title, string? Description, Severity Severity, IncidentStatus Status,
    string? Service, string? Team, RegionCode Region, string? Assignee, string? AssigneeName, string? Commander, string? CommanderName,
    DateTimeOffset TriggeredAt, DateTimeOffset? AcknowledgedAt, DateTimeOffset? MitigatedAt, DateTimeOffset? ResolvedAt, DateTimeOffset UpdatedAt,
    int? AdvertisersAffected, decimal? RevenueAtRiskUsd, IReadOnlyList<string> Tags, string? ResolutionNote,
    int Version, IReadOnlyList<SlaClock> Sla, IReadOnlyList<TimelineEntry> Timeline, string? MergedInto = null);
