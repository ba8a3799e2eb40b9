using NodaTime;
using Portal.Shared.Admin;

namespace Portal.Shared.Automation;

/// <summary>
/// A freeze: a fixed span (a release freeze), or the last days of every month in a zone (month-end close); for one
/// region, or all when <see cref="Region"/> is null.
/// </summary>
public sealed record FreezeWindow(string Name, RegionCode? Region = null, DateTimeOffset? Start = null, DateTimeOffset? End = null,
    int? LastDaysOfMonth = null, string? TimeZone = null);

/// <summary>Which freeze, if any, is on for a region now: during one, only approved manual runs go.</summary>
public static class FreezeWindows
{
    /// <summary>Why a window is wrong; null when it is right.</summary>
    public static string? Problem(FreezeWindow window) => window switch
    {
        { Name: null or "" } => "Name the freeze (\"Month-end close\").",
        { LastDaysOfMonth: { } days } when days is < 1 or > 10 => $"'{window.Name}': the last 1 to 10 days of the month.",
        { LastDaysOfMonth: not null, Start: not null } or { LastDaysOfMonth: not null, End: not null } => $"'{window.Name}': either a span or the month's last days, not both.",
        { LastDaysOfMonth: not null, TimeZone: var zone } when !TimeZones.IsValid(zone) => $"'{window.Name}': '{zone}' is not a time zone (like Asia/Tokyo).",
        { LastDaysOfMonth: null, Start: null } or { LastDaysOfMonth: null, End: null } => $"'{window.Name}': give a start and an end, or the month's last days.",
        { Start: { } start, End: { } end } when end <= start => $"'{window.Name}': it ends before it starts.",
        _ => null,
    };

    /// <summary>The name of the freeze on for <paramref name="region"/> at <paramref name="now"/>, or null.</summary>
    public static string? Active(IEnumerable<FreezeWindow> windows, RegionCode? region, DateTimeOffset now) =>
        windows.Where(w => w.Region is null || w.Region == region).FirstOrDefault(w => IsOn(w, now))?.Name;

    private static bool IsOn(FreezeWindow window, DateTimeOffset now)
    {
        if (window.LastDaysOfMonth is { } days)
        {
            var local = Instant.FromDateTimeOffset(now).InZone(TimeZones.GetOrUtc(window.TimeZone)).Date;
            return local.Day > local.Calendar.GetDaysInMonth(local.Year, local.Month) - days;
        }
        return window.Start <= now && now < window.End;
    }
}
