namespace Portal.Shared.OnCall;

/// <summary>How a layer's turns are cut: one day, one week, or a fixed number of hours, counted in local time.</summary>
public enum RotationKind
{
    Daily,
    Weekly,
    Hours,
}

/// <summary>An on-call schedule of one team: layers stacked by priority (the first layer is checked first), then overrides.</summary>
public sealed class Schedule
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? TeamId { get; set; }

    /// <summary>An accepted shift swap on this schedule waits for a manager's approval before it becomes an override.</summary>
    public bool SwapsNeedApproval { get; set; }

    /// <summary>Top first: at any instant the first layer that covers it decides who is on call.</summary>
    public List<ScheduleLayer> Layers { get; set; } = [];

    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>
/// One rotation: people take turns in order, each turn starting at the handoff time in the layer's zone, from the start
/// date on; restrictions, when present, limit the layer to those windows (in the same zone).
/// </summary>
public sealed class ScheduleLayer
{
    public string Name { get; set; } = "";

    /// <summary>Person ids in turn order; the first person takes the turn that begins on the start date.</summary>
    public List<int> Members { get; set; } = [];

    public RotationKind Rotation { get; set; } = RotationKind.Weekly;

    /// <summary>The length of a turn when <see cref="Rotation"/> is <see cref="RotationKind.Hours"/>.</summary>
    public int ShiftHours { get; set; } = 12;

    public TimeOnly Handoff { get; set; } = new(9, 0);

    /// <summary>IANA zone the handoff time and the restrictions are read in.</summary>
    public string Zone { get; set; } = "UTC";

    public DateOnly StartDate { get; set; }

    /// <summary>Windows the layer covers; none means all the time.</summary>
    public List<LayerRestriction> Restrictions { get; set; } = [];
}

/// <summary>
/// A time-of-day window on some weekdays (all days when none are named). A window whose end is before its start runs
/// past midnight into the next day; one whose end equals its start lasts a full day (00:00 to 00:00 is the whole day).
/// </summary>
public sealed class LayerRestriction
{
    public List<DayOfWeek> Days { get; set; } = [];
    public TimeOnly From { get; set; }
    public TimeOnly To { get; set; }
}

/// <summary>Someone replaces whoever the layers put on call, for a window.</summary>
public sealed class ScheduleOverride
{
    public int Id { get; set; }
    public int ScheduleId { get; set; }
    public int PersonId { get; set; }
    public DateTimeOffset Start { get; set; }
    public DateTimeOffset End { get; set; }
    public string? Reason { get; set; }
    public int? CreatedById { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
