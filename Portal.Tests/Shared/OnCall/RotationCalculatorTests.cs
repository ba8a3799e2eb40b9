using System.Diagnostics;
using NodaTime;
using NodaTime.Text;
using Portal.Shared.OnCall;

namespace Portal.Tests.Shared.OnCall;

public class RotationCalculatorTests(ITestOutputHelper output)
{
    private static Instant Utc(string text) => InstantPattern.General.Parse(text).Value;

    private static Interval Window(string from, string to) => new(Utc(from), Utc(to));

    private static ScheduleLayer Layer(RotationKind rotation, string zone, string handoff, string startDate, params int[] members) => new()
    {
        Name = "primary", Members = [.. members], Rotation = rotation, Zone = zone,
        Handoff = TimeOnly.Parse(handoff, System.Globalization.CultureInfo.InvariantCulture),
        StartDate = DateOnly.Parse(startDate, System.Globalization.CultureInfo.InvariantCulture),
    };

    private static LocalDateTime Local(Instant instant, string zone) => instant.InZone(DateTimeZoneProviders.Tzdb[zone]).LocalDateTime;

    [Theory]
    // Northern DST: Dublin goes forward on 29 March 2026 and back on 25 October 2026.
    [InlineData("Europe/Dublin", "2026-03-02", "2026-03-02T00:00:00Z", "2026-05-04T00:00:00Z")]
    [InlineData("Europe/Dublin", "2026-10-05", "2026-10-05T00:00:00Z", "2026-11-30T00:00:00Z")]
    // New York: 8 March and 1 November 2026.
    [InlineData("America/New_York", "2026-02-23", "2026-02-23T12:00:00Z", "2026-04-06T12:00:00Z")]
    [InlineData("America/New_York", "2026-10-19", "2026-10-19T12:00:00Z", "2026-11-16T12:00:00Z")]
    // Southern DST: Sydney goes back on 5 April 2026 and forward on 4 October 2026.
    [InlineData("Australia/Sydney", "2026-03-23", "2026-03-22T22:00:00Z", "2026-04-27T00:00:00Z")]
    [InlineData("Australia/Sydney", "2026-09-21", "2026-09-20T22:00:00Z", "2026-10-26T00:00:00Z")]
    public void AWeeklyHandoffStaysAtItsLocalTimeAcrossDaylightSaving(string zone, string start, string from, string to)
    {
        var layer = Layer(RotationKind.Weekly, zone, "09:00", start, 1, 2, 3);
        var shifts = RotationCalculator.LayerShifts(layer, 0, Window(from, to));

        Assert.True(shifts.Count >= 4);
        foreach (var shift in shifts.Skip(1).SkipLast(1))
        {
            Assert.Equal(new LocalTime(9, 0), Local(shift.Start, zone).TimeOfDay);
            Assert.Equal(IsoDayOfWeek.Monday, Local(shift.Start, zone).DayOfWeek);
        }
        // The week that holds the change is an hour shorter or longer; every other week is 168 hours.
        var lengths = shifts.Skip(1).SkipLast(1).Select(s => (s.End - s.Start).TotalHours).ToList();
        Assert.Single(lengths, h => h is 167 or 169);
        Assert.All(lengths, h => Assert.Contains(h, new[] { 167.0, 168.0, 169.0 }));
        // People take turns in order.
        var people = shifts.Select(s => s.PersonId).ToList();
        for (var i = 1; i < people.Count; i++)
        {
            Assert.Equal(people[i - 1] % 3 + 1, people[i]);
        }
    }

    [Theory]
    [InlineData("Asia/Tokyo")]
    // Mexico City has kept standard time all year since 2022.
    [InlineData("America/Mexico_City")]
    public void ZonesWithoutDaylightSavingHaveDaysOfExactly24Hours(string zone)
    {
        var layer = Layer(RotationKind.Daily, zone, "09:00", "2026-01-01", 1, 2);
        var shifts = RotationCalculator.LayerShifts(layer, 0, Window("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z"));

        Assert.All(shifts.Skip(1).SkipLast(1), s => Assert.Equal(24, (s.End - s.Start).TotalHours));
        Assert.All(shifts.Skip(1), s => Assert.Equal(new LocalTime(9, 0), Local(s.Start, zone).TimeOfDay));
    }

    [Theory]
    // 01:30 does not exist in Dublin on 29 March 2026 (01:00 GMT becomes 02:00 IST): the handoff is at 02:30 IST.
    [InlineData("Europe/Dublin", "01:30", "2026-03-29", "2026-03-29T01:30:00Z")]
    // 02:30 does not exist in New York on 8 March 2026: the handoff is at 03:30 EDT.
    [InlineData("America/New_York", "02:30", "2026-03-08", "2026-03-08T07:30:00Z")]
    // 01:30 happens twice in New York on 1 November 2026: the first time (EDT) counts.
    [InlineData("America/New_York", "01:30", "2026-11-01", "2026-11-01T05:30:00Z")]
    // 02:30 does not exist in Sydney on 4 October 2026 (02:00 AEST becomes 03:00 AEDT).
    [InlineData("Australia/Sydney", "02:30", "2026-10-04", "2026-10-03T16:30:00Z")]
    public void AHandoffAtALocalTimeThatDoesNotExistOrRepeatsFollowsTheStatedRule(string zone, string handoff, string day, string expectedUtc)
    {
        var layer = Layer(RotationKind.Daily, zone, handoff, "2026-01-01", 1, 2);
        var date = DateTimeOffset.Parse(day + "T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        var shifts = RotationCalculator.LayerShifts(layer, 0, new Interval(Instant.FromDateTimeOffset(date.AddDays(-1)), Instant.FromDateTimeOffset(date.AddDays(2))));

        Assert.Contains(shifts, s => s.Start == Utc(expectedUtc));
        // Every day still has one handoff: no turn is skipped or doubled.
        Assert.All(shifts.Skip(1).SkipLast(1), s => Assert.InRange((s.End - s.Start).TotalHours, 23, 25));
    }

    [Fact]
    public void EveryNHoursCountsInLocalTimeSoTwelveHourHandoffsStayAtNineAndNine()
    {
        var layer = Layer(RotationKind.Hours, "Europe/Dublin", "09:00", "2026-03-25", 1, 2);
        layer.ShiftHours = 12;
        var shifts = RotationCalculator.LayerShifts(layer, 0, Window("2026-03-25T09:00:00Z", "2026-04-02T09:00:00Z"));

        Assert.All(shifts.Skip(1).SkipLast(1), s => Assert.Contains(Local(s.Start, "Europe/Dublin").Hour, new[] { 9, 21 }));
        Assert.Contains(shifts, s => (s.End - s.Start).TotalHours == 11);
        Assert.Equal([1, 2, 1, 2], shifts.Take(4).Select(s => s.PersonId));
    }

    [Fact]
    public void NothingIsOnCallBeforeTheLayerStarts()
    {
        var layer = Layer(RotationKind.Daily, "UTC", "09:00", "2026-12-01", 7);
        var schedule = RotationCalculator.Compute([layer], [], Window("2026-11-30T00:00:00Z", "2026-12-02T00:00:00Z"));

        Assert.Equal(Utc("2026-12-01T09:00:00Z"), schedule.Shifts.Single().Start);
        Assert.Equal(Window("2026-11-30T00:00:00Z", "2026-12-01T09:00:00Z"), schedule.Gaps.Single());
    }

    /// <summary>Five regional layers restricted to weekday business hours, the global billing schedule of the demo.</summary>
    private static List<ScheduleLayer> FollowTheSun() =>
    [
        Restricted(Layer(RotationKind.Weekly, "Asia/Tokyo", "09:00", "2026-01-05", 11, 12), "09:00", "17:00"),
        Restricted(Layer(RotationKind.Weekly, "Australia/Sydney", "09:00", "2026-01-05", 21, 22), "09:00", "17:00"),
        Restricted(Layer(RotationKind.Weekly, "Europe/Dublin", "09:00", "2026-01-05", 31, 32), "09:00", "17:00"),
        Restricted(Layer(RotationKind.Weekly, "America/New_York", "09:00", "2026-01-05", 41, 42), "09:00", "17:00"),
        Restricted(Layer(RotationKind.Weekly, "America/Mexico_City", "09:00", "2026-01-05", 51, 52), "09:00", "17:00"),
    ];

    private static ScheduleLayer Restricted(ScheduleLayer layer, string from, string to)
    {
        layer.Restrictions.Add(new LayerRestriction
        {
            Days = [DayOfWeek.Monday, DayOfWeek.Tuesday, DayOfWeek.Wednesday, DayOfWeek.Thursday, DayOfWeek.Friday],
            From = TimeOnly.Parse(from, System.Globalization.CultureInfo.InvariantCulture), To = TimeOnly.Parse(to, System.Globalization.CultureInfo.InvariantCulture),
        });
        return layer;
    }

    [Fact]
    public void FollowTheSunHandsOverByRegionAndShowsTheHoursNobodyCovers()
    {
        // Wednesday 25 November 2026, UTC.
        var schedule = RotationCalculator.Compute(FollowTheSun(), [], Window("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"));

        // Tokyo 09:00–17:00 JST is 00:00–08:00 UTC; the Tokyo layer is above Sydney's (22:00–06:00 UTC in summer).
        Assert.Equal(0, schedule.At(Utc("2026-11-25T00:30:00Z"))!.Source.Layer);
        Assert.Equal(0, schedule.At(Utc("2026-11-25T07:30:00Z"))!.Source.Layer);
        // Dublin (GMT) 09:00–17:00 UTC, above New York (14:00–22:00 UTC).
        Assert.Equal(2, schedule.At(Utc("2026-11-25T10:00:00Z"))!.Source.Layer);
        Assert.Equal(2, schedule.At(Utc("2026-11-25T16:30:00Z"))!.Source.Layer);
        Assert.Equal(3, schedule.At(Utc("2026-11-25T18:00:00Z"))!.Source.Layer);
        // 22:00 UTC is 09:00 Thursday in Sydney, above Mexico City (15:00–23:00 UTC).
        Assert.Equal(1, schedule.At(Utc("2026-11-25T22:30:00Z"))!.Source.Layer);
        // Tokyo ends 08:00 UTC, Dublin starts 09:00 UTC: that hour is the day's only gap, and it is shown.
        Assert.Equal([Window("2026-11-25T08:00:00Z", "2026-11-25T09:00:00Z")], schedule.Gaps);
        Assert.Null(schedule.At(Utc("2026-11-25T08:30:00Z")));
    }

    [Fact]
    public void AnOverrideReplacesWhoeverIsOnCallAndFillsAGap()
    {
        var layers = FollowTheSun();
        var overrides = new[]
        {
            new OverrideWindow(1, 99, Utc("2026-11-25T07:00:00Z"), Utc("2026-11-25T10:00:00Z")),
        };
        var schedule = RotationCalculator.Compute(layers, overrides, Window("2026-11-25T00:00:00Z", "2026-11-26T00:00:00Z"));

        var shift = schedule.At(Utc("2026-11-25T08:30:00Z"))!;
        Assert.Equal(99, shift.PersonId);
        Assert.Equal(1, shift.Source.OverrideId);
        Assert.Equal(Utc("2026-11-25T07:00:00Z"), shift.Start);
        Assert.Equal(Utc("2026-11-25T10:00:00Z"), shift.End);
        Assert.DoesNotContain(schedule.Gaps, g => g.Contains(Utc("2026-11-25T08:30:00Z")));
        Assert.Equal(0, schedule.At(Utc("2026-11-25T06:59:00Z"))!.Source.Layer);
        Assert.Equal(2, schedule.At(Utc("2026-11-25T10:00:00Z"))!.Source.Layer);
        // Each layer's own shifts come back too, untouched by the override: Dublin's day still starts at 09:00 UTC.
        Assert.Equal(5, schedule.Layers.Count);
        Assert.Contains(schedule.Layers[2], s => s.Start == Utc("2026-11-25T09:00:00Z") && s.End == Utc("2026-11-25T17:00:00Z"));
    }

    [Fact]
    public void AYearOfFiftyFollowTheSunSchedulesComputesFastEnoughForAPage()
    {
        var window = Window("2026-01-01T00:00:00Z", "2027-01-01T00:00:00Z");
        RotationCalculator.Compute(FollowTheSun(), [], window);
        var clock = Stopwatch.StartNew();
        var shifts = 0;
        for (var i = 0; i < 50; i++)
        {
            shifts += RotationCalculator.Compute(FollowTheSun(), [], window).Shifts.Count;
        }
        clock.Stop();
        output.WriteLine($"50 schedule-years: {shifts} shifts in {clock.ElapsedMilliseconds} ms");
        // About 261 weekdays × five regions a year, less the hours a higher layer takes.
        Assert.True(shifts > 50 * 4 * 250, $"{shifts} shifts");
        // Generous on a shared CI machine; bench numbers are in the closing note, not here.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"took {clock.Elapsed}");
    }
}
