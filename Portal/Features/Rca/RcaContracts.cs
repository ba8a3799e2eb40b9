using Portal.Shared;
using Portal.Shared.Rca;
using MaxLengthAttribute = System.ComponentModel.DataAnnotations.MaxLengthAttribute;

namespace Portal.Features.Rca;

public sealed record RcaCreate(string? Title, List<string>? Incidents);

/// <summary>The sections of an RCA as the editor and <c>PUT /api/rcas/{id}</c> send them; <see cref="Version"/> must match.</summary>
public sealed record RcaSections(
    string? Title, [property: MultiLine] string? Summary, int? AdvertisersAffected, decimal? RevenueImpactUsd, int? ImpactMinutes, List<string>? Regions,
    List<RcaTimelineEntry>? Timeline, List<WhyNode>? Whys, RootCauseCategory? RootCause, [property: MultiLine] string? ContributingFactors, [property: MultiLine] string? WentWell, [property: MultiLine] string? Lessons,
    List<string>? Reviewers, int Version, [property: MultiLine] string? Reason = null);

public sealed record ActionInput(string? Title, string? Owner, DateOnly? DueDate, ActionPriority Priority = ActionPriority.P2, ActionKind Kind = ActionKind.Prevent, [property: MaxLength(2000)] string? TrackerUrl = null);

public sealed record ActionView(int Id, int RcaId, string Rca, string Title, string Owner, string OwnerName, DateOnly DueDate, ActionPriority Priority, ActionKind Kind,
    ActionStatus Status, string? TrackerUrl, string? VerificationNote, DateTimeOffset? ClosedAt, bool Overdue, int Version);

public sealed record RcaEventView(long Id, RcaEventKind Kind, string? Section, string Author, string? Text, DateTimeOffset At, bool HasSnapshot);

public sealed record FamilyIncident(long Number, string Key, string Title, Severity Severity, DateTimeOffset TriggeredAt, string Reason, bool RecurredAfterFix);

public sealed record RcaSummary(int Id, string Title, RcaState State, string Author, List<string> Incidents, DateTimeOffset? DueAt, bool Overdue, bool RecurredAfterFix, int OpenActions);

/// <summary>An RCA with everything its page shows.</summary>
public sealed record RcaView(
    int Id, string Title, RcaState State, string Author, string AuthorName, List<string> Incidents, RcaSections Sections, RcaDurations Durations,
    List<string> Missing, List<ActionView> Actions, List<RcaEventView> Events, List<FamilyIncident> Family, DateTimeOffset? DueAt, bool Overdue,
    bool RecurredAfterFix, string? RecurrenceIncident, DateTimeOffset UpdatedAt, DateTimeOffset? PublishedAt);

/// <summary>A recurrence family as the API lists it. (A named record: the build-time request delegates cannot name an anonymous type.)</summary>
public sealed record FamilyView(int Id, string Key, string Title, IReadOnlyList<FamilyIncident> Incidents);
