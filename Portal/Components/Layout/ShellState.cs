using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Components.Layout;

/// <summary>
/// What the app shell knows about the viewer for one circuit: who they are, the zone times are shown in,
/// dark mode and the region filter. Pages read it; the layout loads it.
/// </summary>
public sealed class ShellState
{
    private static readonly ZonedDateTimePattern LocalPattern = ZonedDateTimePattern.CreateWithInvariantCulture("ddd d MMM HH:mm x", null);
    private static readonly ZonedDateTimePattern ShortPattern = ZonedDateTimePattern.CreateWithInvariantCulture("d MMM HH:mm", null);
    private static readonly ZonedDateTimePattern ClockPattern = ZonedDateTimePattern.CreateWithInvariantCulture("HH:mm", null);

    public PersonView? Me { get; private set; }
    public bool DarkMode { get; private set; }
    public RegionCode? Region { get; private set; }
    public DateTimeZone Zone { get; private set; } = DateTimeZone.Utc;

    public event Action? Changed;

    public void SetMe(PersonView? me)
    {
        Me = me;
        DarkMode = me?.DarkMode ?? false;
        Zone = TimeZones.GetOrUtc(me?.ViewingZone);
        Changed?.Invoke();
    }

    public void SetPreferences(string? displayTimeZone, bool darkMode)
    {
        if (Me is not null)
        {
            Me = Me with { DisplayTimeZone = displayTimeZone, DarkMode = darkMode };
        }
        DarkMode = darkMode;
        Zone = TimeZones.GetOrUtc(Me?.ViewingZone);
        Changed?.Invoke();
    }

    public void SetRegion(RegionCode? region)
    {
        Region = region;
        Changed?.Invoke();
    }

    /// <summary>"Fri 20 Nov 18:12 JST" in the viewer's zone.</summary>
    public string Local(DateTimeOffset instant) => LocalPattern.Format(Instant.FromDateTimeOffset(instant).InZone(Zone));

    /// <summary>"20 Nov 18:12" in the viewer's zone, for tables whose header names the zone.</summary>
    public string DayAndTime(DateTimeOffset instant) => ShortPattern.Format(Instant.FromDateTimeOffset(instant).InZone(Zone));

    /// <summary>The viewer's zone abbreviation at an instant ("JST", "GMT").</summary>
    public string ZoneAbbreviation(DateTimeOffset instant) => Zone.GetZoneInterval(Instant.FromDateTimeOffset(instant)).Name;

    /// <summary>"2026-11-20 09:12:30Z", for hover titles.</summary>
    public static string Utc(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>"09:12" in the given zone.</summary>
    public static string ClockIn(DateTimeOffset instant, string zoneId) =>
        ClockPattern.Format(Instant.FromDateTimeOffset(instant).InZone(TimeZones.GetOrUtc(zoneId)));
}
