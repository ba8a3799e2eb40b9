using Portal.Shared.Admin;
using Portal.Shared.OnCall;
using Portal.Shared.Team;

namespace Portal.Shared.Demo;

/// <summary>A demo schedule with people by handle: the seeder maps handles to ids.</summary>
public sealed record DemoSchedule(string Name, string? TeamSlug, string Description, IReadOnlyList<DemoLayer> Layers);

public sealed record DemoLayer(string Name, IReadOnlyList<string> Members, RotationKind Rotation, int ShiftHours, TimeOnly Handoff, string Zone, IReadOnlyList<LayerRestriction> Restrictions);

/// <summary>A demo override, placed relative to the moment the world is seeded.</summary>
public sealed record DemoOverride(string Schedule, string Handle, TimeSpan FromNow, TimeSpan Length, string Reason);

/// <summary>
/// The demo's on-call: a global follow-the-sun billing schedule (each region's business hours, a weekend layer, and the
/// real gaps between them), one 24/7 schedule per regional team, and overrides around now.
/// </summary>
public static class DemoSchedules
{
    public const string FollowTheSun = "Billing follow-the-sun";

    /// <summary>Every layer starts on this Monday, so weekly handoffs fall on Mondays.</summary>
    public static readonly DateOnly Start = new(2026, 1, 5);

    private static readonly DayOfWeek[] Weekdays = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday];

    public static string RegionalName(RegionCode region) => $"Billing Support {region} primary";

    public static IReadOnlyList<DemoSchedule> Generate(DemoWorld world)
    {
        List<string> Engineers(RegionCode region) =>
            [.. world.People.Where(p => p.Region == region && p.Role == PortalRole.Engineer).Select(p => p.Handle)];

        var business = new[] { new LayerRestriction { Days = [.. Weekdays], From = new TimeOnly(9, 0), To = new TimeOnly(17, 0) } };
        var sun = Regions.All
            .Select(r => new DemoLayer($"{r.Code} business hours", Engineers(r.Code).Take(4).ToList(), RotationKind.Weekly, 12, new TimeOnly(9, 0), r.DefaultTimeZone, business))
            .ToList();
        // Weekends: 12-hour turns across the regions' senior engineers, in UTC, Saturday 00:00 to Monday 00:00.
        var weekendCrew = Regions.All.Select(r => Engineers(r.Code).Last()).ToList();
        sun.Add(new DemoLayer("Weekend", weekendCrew, RotationKind.Hours, 12, new TimeOnly(0, 0), "UTC",
            [new LayerRestriction { Days = [DayOfWeek.Saturday, DayOfWeek.Sunday], From = new TimeOnly(0, 0), To = new TimeOnly(0, 0) }]));

        var schedules = new List<DemoSchedule>
        {
            new(FollowTheSun, null, "Billing incidents around the clock: each region covers its business hours, a weekend crew the rest.", sun),
        };
        foreach (var region in Regions.All)
        {
            var team = DemoWorld.TeamSlug(region.Code);
            var engineers = Engineers(region.Code);
            schedules.Add(new DemoSchedule(RegionalName(region.Code), team, $"Primary on-call of {region.Name}'s billing support team, 24/7, weekly from Monday 09:00.",
            [
                new DemoLayer("Primary", engineers.Take(5).ToList(), RotationKind.Weekly, 12, new TimeOnly(9, 0), region.DefaultTimeZone, []),
            ]));
        }
        return schedules;
    }

    /// <summary>A cover running now on the EU schedule, and one tomorrow on the US schedule.</summary>
    public static IReadOnlyList<DemoOverride> Overrides(DemoWorld world)
    {
        string Engineer(RegionCode region, int index) =>
            world.People.Where(p => p.Region == region && p.Role == PortalRole.Engineer).ElementAt(index).Handle;
        return
        [
            new(RegionalName(RegionCode.EU), Engineer(RegionCode.EU, 5), TimeSpan.FromHours(-1), TimeSpan.FromHours(5), "Covering a dentist appointment"),
            new(RegionalName(RegionCode.US), Engineer(RegionCode.US, 6), TimeSpan.FromHours(20), TimeSpan.FromHours(12), "Swap for the release night"),
        ];
    }
}
