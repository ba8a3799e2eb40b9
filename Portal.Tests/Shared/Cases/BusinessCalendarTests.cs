using NodaTime;
using NodaTime.Text;
using Portal.Shared.Admin;
using Portal.Shared.Cases;

namespace Portal.Tests.Shared.Cases;

/// <summary>Business-hour clocks in each region's zone: weekends, public holidays and the DST changes of 2026.</summary>
public class BusinessCalendarTests
{
    private static readonly LocalDateTimePattern Local = LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm");

    private static DateTimeOffset At(RegionCode region, string local) =>
        RegionCalendars.Default(region).ToCalendar().Zone.AtStrictly(Local.Parse(local).Value).ToDateTimeOffset();

    private static string LocalOf(RegionCode region, DateTimeOffset instant) =>
        Local.Format(Instant.FromDateTimeOffset(instant).InZone(RegionCalendars.Default(region).ToCalendar().Zone).LocalDateTime);

    public static TheoryData<RegionCode, string, int, string, string> Dues => new()
    {
        { RegionCode.US, "2026-11-27 17:00", 240, "2026-11-30 12:00", "one hour on Friday, the weekend off, three on Monday" },
        { RegionCode.US, "2026-10-30 16:00", 240, "2026-11-02 11:00", "across the end of daylight saving time (1 November)" },
        { RegionCode.US, "2026-11-25 17:00", 180, "2026-11-27 11:00", "Thanksgiving is a holiday" },
        { RegionCode.US, "2026-12-24 12:00", 600, "2026-12-28 13:00", "Christmas Day off" },
        { RegionCode.EU, "2026-03-27 17:00", 120, "2026-03-30 10:00", "across the start of summer time in Dublin (29 March)" },
        { RegionCode.EU, "2026-03-16 18:00", 60, "2026-03-18 10:00", "opened at closing time; Saint Patrick's Day off" },
        { RegionCode.EU, "2026-10-23 17:30", 60, "2026-10-27 09:30", "the end of summer time (25 October) and the October bank holiday" },
        { RegionCode.JP, "2026-04-28 17:00", 120, "2026-04-30 10:00", "Showa Day" },
        { RegionCode.JP, "2026-05-01 17:00", 120, "2026-05-07 10:00", "Golden Week: a weekend and three holidays" },
        { RegionCode.JP, "2026-09-18 08:00", 540, "2026-09-18 18:00", "opened before opening time: the whole Friday" },
        { RegionCode.JP, "2026-09-18 18:30", 30, "2026-09-24 09:30", "Silver Week: a weekend and three holidays" },
        { RegionCode.MX, "2026-11-13 17:30", 60, "2026-11-17 09:30", "Revolution Day (third Monday of November)" },
        { RegionCode.MX, "2026-10-30 17:00", 120, "2026-11-02 10:00", "no daylight saving time since 2022" },
        { RegionCode.AU, "2026-10-02 17:00", 120, "2026-10-06 10:00", "the start of daylight saving time and Labour Day the next day" },
        { RegionCode.AU, "2026-04-02 17:00", 120, "2026-04-07 10:00", "Good Friday and Easter Monday" },
        { RegionCode.AU, "2026-04-03 10:00", 60, "2026-04-07 10:00", "opened on a holiday" },
    };

    [Theory]
    [MemberData(nameof(Dues))]
    public void ABusinessHourClockCountsOnlyWorkingTime(RegionCode region, string opened, int minutes, string due, string why)
    {
        var calendar = RegionCalendars.Default(region).ToCalendar();
        var dueAt = CaseSla.Due(calendar, At(region, opened), TimeSpan.FromMinutes(minutes));
        Assert.True(LocalOf(region, dueAt) == due, $"{why}: due {LocalOf(region, dueAt)}, expected {due}");
        // And back: the working time between opening and due is the target.
        Assert.Equal(Duration.FromMinutes(minutes), calendar.WorkingBetween(Instant.FromDateTimeOffset(At(region, opened)), Instant.FromDateTimeOffset(dueAt)));
    }

    [Fact]
    public void ACalendarHourClockCountsElapsedTimeAcrossDaylightSaving()
    {
        // 05:30Z on 8 March 2026 is 00:30 EST; the clocks go forward at 02:00 local. Four hours later is 09:30Z, whatever the wall clock says.
        var opened = DateTimeOffset.Parse("2026-03-08T05:30:00Z", System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(opened.AddHours(4), CaseSla.Due(BusinessCalendar.AlwaysOpen, opened, TimeSpan.FromHours(4)));
    }

    [Fact]
    public void AWorkingDayOnTheDayTheClocksChangeIsAsLongAsTheWallClockSays()
    {
        // A 24-hour "day" calendar in Dublin: the day summer time starts has 23 hours, the day it ends 25.
        var zone = DateTimeZoneProviders.Tzdb["Europe/Dublin"];
        var allDay = new BusinessCalendar(zone, LocalTime.Midnight, LocalTime.Midnight, Enum.GetValues<IsoDayOfWeek>().Where(d => d != IsoDayOfWeek.None), []);
        Assert.Equal(Duration.FromHours(23), allDay.WindowOf(new LocalDate(2026, 3, 29))!.Value.Duration);
        Assert.Equal(Duration.FromHours(25), allDay.WindowOf(new LocalDate(2026, 10, 25))!.Value.Duration);
    }

    [Fact]
    public void HolidaysAndWeekendsAreNotWorked()
    {
        var us = RegionCalendars.Default(RegionCode.US).ToCalendar();
        Assert.Null(us.WindowOf(new LocalDate(2026, 12, 25)));
        Assert.Null(us.WindowOf(new LocalDate(2026, 12, 26)));
        Assert.NotNull(us.WindowOf(new LocalDate(2026, 12, 28)));
        Assert.False(us.IsWorking(Instant.FromDateTimeOffset(At(RegionCode.US, "2026-12-28 08:59"))));
        Assert.True(us.IsWorking(Instant.FromDateTimeOffset(At(RegionCode.US, "2026-12-28 09:00"))));
        Assert.False(us.IsWorking(Instant.FromDateTimeOffset(At(RegionCode.US, "2026-12-28 18:00"))));
    }

    [Fact]
    public void EveryRegionHasACalendarWithHolidaysInBothYears()
    {
        foreach (var region in Enum.GetValues<RegionCode>())
        {
            var stored = RegionCalendars.Default(region);
            Assert.All(stored.Holidays, h => Assert.NotNull(CaseTime.ParseDate(h)));
            Assert.Contains(stored.Holidays, h => h.StartsWith("2026-", StringComparison.Ordinal));
            Assert.Contains(stored.Holidays, h => h.StartsWith("2027-", StringComparison.Ordinal));
            Assert.Equal(stored.Holidays.Count, stored.ToCalendar().Holidays.Count);
        }
    }

    [Fact]
    public void ACalendarWithoutWorkingDaysOrThatClosesBeforeItOpensIsRefused()
    {
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(DateTimeZone.Utc, new LocalTime(9, 0), new LocalTime(18, 0), [], []));
        Assert.Throws<ArgumentException>(() => new BusinessCalendar(DateTimeZone.Utc, new LocalTime(18, 0), new LocalTime(9, 0), [IsoDayOfWeek.Monday], []));
    }
}
