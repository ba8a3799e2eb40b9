using Portal.Shared.Admin;
using Portal.Shared.OnCall;
using Portal.Shared;

namespace Portal.Features.OnCall;

/// <summary>A layer as the API and the editor write it: people by handle, times as "HH:mm", the start date as "yyyy-MM-dd".</summary>
public sealed record LayerDocument(
    string? Name, List<string>? Members, RotationKind Rotation, int? ShiftHours, string? Handoff, string? Zone, string? StartDate,
    List<RestrictionDocument>? Restrictions);

/// <summary>A restriction window; no days means every day; an end before the start runs past midnight.</summary>
public sealed record RestrictionDocument(List<DayOfWeek>? Days, string? From, string? To);

/// <summary>A schedule as code (<c>/api/schedules</c>): layers top first. <see cref="Version"/> must match on update.</summary>
public sealed record ScheduleDocument(
    string? Name, string? Team, [property: MultiLine] string? Description, bool SwapsNeedApproval, List<LayerDocument>? Layers, int? Version = null);

/// <summary>A stored schedule with its id and version.</summary>
public sealed record ScheduleView(
    int Id, string Name, string? Team, string? Description, bool SwapsNeedApproval, List<LayerDocument> Layers, int Version);

/// <summary>A row of the schedule list.</summary>
public sealed record ScheduleSummary(int Id, string Name, string? Team, string? TeamName, RegionCode? Region, int Layers, OnCallPerson? Now);

/// <summary>Someone on call, and until when (the next handoff, or the end of the computed window).</summary>
public sealed record OnCallPerson(string Handle, string Name, string TimeZone, DateTimeOffset Since, DateTimeOffset Until, string Source);

/// <summary>A final shift: who, from when to when (UTC), and whether a layer or an override put them there.</summary>
public sealed record ShiftView(string Handle, string Name, string TimeZone, DateTimeOffset Start, DateTimeOffset End, int? Layer, string? LayerName, int? OverrideId);

public sealed record GapView(DateTimeOffset Start, DateTimeOffset End);

/// <summary>The final schedule over a window, each layer's own shifts, and the gaps nobody covers.</summary>
public sealed record ScheduleShifts(int ScheduleId, DateTimeOffset From, DateTimeOffset To, List<ShiftView> Shifts, List<GapView> Gaps, List<List<ShiftView>> Layers);

/// <summary>Who is on call now for one schedule, with the schedule's team and region.</summary>
public sealed record OnCallNow(int ScheduleId, string Schedule, string? Team, string? TeamName, RegionCode? Region, OnCallPerson? Person, DateTimeOffset At);

public sealed record OverrideRequest(int? ScheduleId, string? Person, DateTimeOffset? Start, DateTimeOffset? End, [property: MultiLine] string? Reason);

public sealed record OverrideView(int Id, int ScheduleId, string Schedule, string Handle, string Name, DateTimeOffset Start, DateTimeOffset End, string? Reason, string? CreatedBy);

/// <summary>
/// A target of an escalation level as code: <c>Ref</c> is the schedule's id, the person's handle, the team's slug, or
/// the other policy's id. <c>Name</c> is filled in on the way out.
/// </summary>
public sealed record TargetDocument(EscalationTargetKind Kind, string? Ref, string? Name = null);

public sealed record LevelDocument(int DelayMinutes, List<TargetDocument>? Targets);

/// <summary>An escalation policy as code (<c>/api/escalation-policies</c>); <see cref="Services"/> are the slugs it is assigned to.</summary>
public sealed record EscalationPolicyDocument(
    string? Name, string? Team, [property: MultiLine] string? Description, int Repeat, List<LevelDocument>? Levels, List<string>? Services, int? Version = null);

public sealed record EscalationPolicyView(
    int Id, string Name, string? Team, string? Description, int Repeat, List<LevelDocument> Levels, List<string> Services, int Version);

/// <summary>Where an incident's escalation stands.</summary>
public sealed record EscalationStatus(long Incident, int PolicyId, string Policy, EscalationState State, int Level, int Levels, int Round, DateTimeOffset? NextAt);
