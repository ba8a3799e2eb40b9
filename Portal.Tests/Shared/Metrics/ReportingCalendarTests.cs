using NodaTime;
using Portal.Shared.Metrics;

namespace Portal.Tests.Shared.Metrics;

public sealed class ReportingCalendarTests
{
    private static DateTimeOffset Utc(int y, int m, int d, int h = 0) => new(y, m, d, h, 0, 0, TimeSpan.Zero);

    private static DateTimeZone Zone(string id) => DateTimeZoneProviders.Tzdb[id];

    [Fact]
    public void AnIsoWeekRunsMondayToMondayInTheReportingZone()
    {
        var utc = ReportingCalendar.Week("2026-W47", DateTimeZone.Utc, out _)!;
        Assert.Equal((Utc(2026, 11, 16), Utc(2026, 11, 23)), (utc.Start, utc.End));

        // Tokyo is 9 hours ahead: its Monday midnight is Sunday 15:00 UTC.
        var tokyo = ReportingCalendar.Week("2026-W47", Zone("Asia/Tokyo"), out _)!;
        Assert.Equal((Utc(2026, 11, 15, 15), Utc(2026, 11, 22, 15)), (tokyo.Start, tokyo.End));
    }

    [Fact]
    public void AWeekAcrossTheEndOfSummerTimeIsAnHourLonger()
    {
        // Dublin leaves summer time on Sunday 25 October 2026: week 43 starts at 00:00 IST and ends at 00:00 GMT.
        var week = ReportingCalendar.Week("2026-W43", Zone("Europe/Dublin"), out _)!;
        Assert.Equal(Utc(2026, 10, 18, 23), week.Start);
        Assert.Equal(Utc(2026, 10, 26), week.End);
        Assert.Equal(TimeSpan.FromHours(169), week.End - week.Start);
    }

    [Fact]
    public void AMonthRunsFromItsFirstMidnightToTheNextInTheZone()
    {
        var march = ReportingCalendar.Month("2026-03", Zone("Europe/Dublin"), out _)!;
        Assert.Equal(Utc(2026, 3, 1), march.Start);
        Assert.Equal(Utc(2026, 3, 31, 23), march.End);   // 1 April 00:00 IST
        var november = ReportingCalendar.Month("2026-11", Zone("Asia/Tokyo"), out _)!;
        Assert.Equal(Utc(2026, 10, 31, 15), november.Start);
        Assert.Equal("2026-10", ReportingCalendar.ShiftMonths(november, -1, Zone("Asia/Tokyo")).Name);
        Assert.Equal("2025-12", ReportingCalendar.ShiftMonths(ReportingCalendar.Month(2026, 1, DateTimeZone.Utc), -1, DateTimeZone.Utc).Name);
    }

    [Theory]
    [InlineData("2026-47", "is not an ISO week")]
    [InlineData("2026-W60", "2026 has no week 60.")]
    [InlineData("2025-W53", "2025 has no week 53.")]
    [InlineData("", "is not an ISO week")]
    public void ABadWeekSaysWhy(string text, string expected)
    {
        Assert.Null(ReportingCalendar.Week(text, DateTimeZone.Utc, out var problem));
        Assert.Contains(expected, problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("2026-13")]
    [InlineData("November")]
    public void ABadMonthSaysWhy(string text)
    {
        Assert.Null(ReportingCalendar.Month(text, DateTimeZone.Utc, out var problem));
        Assert.Contains("write it like 2026-11", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void WeeksAreCountedAcrossYearEnds()
    {
        // 2026 has 53 ISO weeks; the week after its last is 2027-W01.
        var last = ReportingCalendar.Week("2026-W53", DateTimeZone.Utc, out _)!;
        Assert.Equal("2027-W01", ReportingCalendar.Shift(last, 1, DateTimeZone.Utc).Name);
        var trend = ReportingCalendar.WeeksEndingWith(ReportingCalendar.Week(2027, 2, DateTimeZone.Utc), 4, DateTimeZone.Utc);
        Assert.Equal(["2026-W52", "2026-W53", "2027-W01", "2027-W02"], trend.Select(w => w.Name));
        Assert.Equal("2026-W48", ReportingCalendar.WeekOf(Utc(2026, 11, 26, 12), DateTimeZone.Utc).Name);
    }

    [Fact]
    public void PercentilesAreNearestRank()
    {
        double[] values = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
        Assert.Equal(5, ReportingCalendar.Percentile(values, 0.5));
        Assert.Equal(9, ReportingCalendar.Percentile(values, 0.9));
        Assert.Equal(7, ReportingCalendar.Percentile([7], 0.9));
        Assert.Null(ReportingCalendar.Percentile([], 0.5));
    }
}
