using System.Globalization;
using System.Text.RegularExpressions;
using NodaTime;
using NodaTime.Calendars;

namespace Portal.Shared.Metrics;

/// <summary>A reporting period: instants in UTC, <see cref="End"/> exclusive, and its name ("2026-W47", "2026-11").</summary>
public sealed record ReportingPeriod(string Name, DateTimeOffset Start, DateTimeOffset End);

/// <summary>
/// ISO weeks and calendar months in the organisation's reporting zone: a week runs Monday 00:00 to the next Monday
/// 00:00 in that zone (so across a DST change it is 167 or 169 hours long), and an incident counts in the period it
/// was triggered in.
/// </summary>
public static partial class ReportingCalendar
{
    [GeneratedRegex(@"^(\d{4})-W(\d{1,2})$", RegexOptions.IgnoreCase)]
    private static partial Regex WeekPattern();

    [GeneratedRegex(@"^(\d{4})-(\d{1,2})$")]
    private static partial Regex MonthPattern();

    /// <summary>"2026-W47" in the zone, or null with a reason.</summary>
    public static ReportingPeriod? Week(string? text, DateTimeZone zone, out string? problem)
    {
        problem = null;
        var match = WeekPattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            problem = $"'{text}' is not an ISO week; write it like 2026-W47.";
            return null;
        }
        var (year, week) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        if (year is < 2000 or > 2100 || week < 1 || week > WeekYearRules.Iso.GetWeeksInWeekYear(year))
        {
            problem = $"{year} has no week {week}.";
            return null;
        }
        return Week(year, week, zone);
    }

    public static ReportingPeriod Week(int weekYear, int week, DateTimeZone zone)
    {
        var monday = WeekYearRules.Iso.GetLocalDate(weekYear, week, IsoDayOfWeek.Monday);
        return new ReportingPeriod(WeekName(weekYear, week), Start(monday, zone), Start(monday.PlusWeeks(1), zone));
    }

    /// <summary>The ISO week an instant falls in, in the zone.</summary>
    public static ReportingPeriod WeekOf(DateTimeOffset instant, DateTimeZone zone)
    {
        var date = Instant.FromDateTimeOffset(instant).InZone(zone).Date;
        return Week(WeekYearRules.Iso.GetWeekYear(date), WeekYearRules.Iso.GetWeekOfWeekYear(date), zone);
    }

    /// <summary>The week <paramref name="weeks"/> before (negative) or after this one.</summary>
    public static ReportingPeriod Shift(ReportingPeriod week, int weeks, DateTimeZone zone) =>
        WeekOf(week.Start.AddDays(7 * weeks + 3), zone);

    /// <summary>"2026-11" in the zone, or null with a reason.</summary>
    public static ReportingPeriod? Month(string? text, DateTimeZone zone, out string? problem)
    {
        problem = null;
        var match = MonthPattern().Match(text?.Trim() ?? "");
        if (!match.Success)
        {
            problem = $"'{text}' is not a month; write it like 2026-11.";
            return null;
        }
        var (year, month) = (int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), int.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture));
        if (year is < 2000 or > 2100 || month is < 1 or > 12)
        {
            problem = $"'{text}' is not a month; write it like 2026-11.";
            return null;
        }
        return Month(year, month, zone);
    }

    public static ReportingPeriod Month(int year, int month, DateTimeZone zone)
    {
        var first = new LocalDate(year, month, 1);
        return new ReportingPeriod($"{year:0000}-{month:00}", Start(first, zone), Start(first.PlusMonths(1), zone));
    }

    public static ReportingPeriod MonthOf(DateTimeOffset instant, DateTimeZone zone)
    {
        var date = Instant.FromDateTimeOffset(instant).InZone(zone).Date;
        return Month(date.Year, date.Month, zone);
    }

    public static ReportingPeriod ShiftMonths(ReportingPeriod month, int months, DateTimeZone zone)
    {
        var date = Instant.FromDateTimeOffset(month.Start).InZone(zone).Date.PlusMonths(months);
        return Month(date.Year, date.Month, zone);
    }

    /// <summary>The <paramref name="count"/> weeks ending with <paramref name="last"/>, oldest first.</summary>
    public static IReadOnlyList<ReportingPeriod> WeeksEndingWith(ReportingPeriod last, int count, DateTimeZone zone) =>
        [.. Enumerable.Range(0, count).Select(i => Shift(last, i - count + 1, zone))];

    /// <summary>The <paramref name="count"/> months ending with <paramref name="last"/>, oldest first.</summary>
    public static IReadOnlyList<ReportingPeriod> MonthsEndingWith(ReportingPeriod last, int count, DateTimeZone zone) =>
        [.. Enumerable.Range(0, count).Select(i => ShiftMonths(last, i - count + 1, zone))];

    /// <summary>Nearest-rank percentile (the value at rank ⌈p·n⌉ of the sorted values), the rule the database queries use too.</summary>
    public static double? Percentile(IReadOnlyList<double> sorted, double p) =>
        sorted.Count == 0 ? null : sorted[RankIndex(sorted.Count, p)];

    /// <summary>The 0-based index of the nearest-rank percentile among <paramref name="n"/> sorted values.</summary>
    public static int RankIndex(int n, double p) => Math.Clamp((int)Math.Ceiling(p * n) - 1, 0, n - 1);

    private static string WeekName(int year, int week) => $"{year:0000}-W{week:00}";

    private static DateTimeOffset Start(LocalDate date, DateTimeZone zone) => date.AtStartOfDayInZone(zone).ToDateTimeOffset().ToUniversalTime();
}
