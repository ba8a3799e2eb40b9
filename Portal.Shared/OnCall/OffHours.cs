using NodaTime;

namespace Portal.Shared.OnCall;

/// <summary>Off-hours in a person's own zone: nights (22:00 to 07:00) and weekends (Saturday and Sunday).</summary>
public static class OffHours
{
    public static readonly LocalTime NightStart = new(22, 0);
    public static readonly LocalTime NightEnd = new(7, 0);

    public static bool IsNight(Instant instant, DateTimeZone zone)
    {
        var time = instant.InZone(zone).TimeOfDay;
        return time >= NightStart || time < NightEnd;
    }

    public static bool IsWeekend(Instant instant, DateTimeZone zone) =>
        instant.InZone(zone).DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday;

    public static bool IsOffHours(Instant instant, DateTimeZone zone) => IsNight(instant, zone) || IsWeekend(instant, zone);

    /// <summary>Whether any part of the interval falls in the night, and whether any part falls on a weekend, in the zone.</summary>
    public static (bool Night, bool Weekend) Touches(Interval interval, DateTimeZone zone)
    {
        bool night = false, weekend = false;
        var first = interval.Start.InZone(zone).Date.PlusDays(-1);
        var last = interval.End.InZone(zone).Date;
        for (var day = first; day <= last && !(night && weekend); day = day.PlusDays(1))
        {
            var nightStart = RotationCalculator.Resolve(day.At(NightStart), zone);
            var nightEnd = RotationCalculator.Resolve(day.PlusDays(1).At(NightEnd), zone);
            night |= nightStart < interval.End && interval.Start < nightEnd;
            if (day.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
            {
                var dayStart = RotationCalculator.Resolve(day.AtMidnight(), zone);
                var dayEnd = RotationCalculator.Resolve(day.PlusDays(1).AtMidnight(), zone);
                weekend |= dayStart < interval.End && interval.Start < dayEnd;
            }
        }
        return (night, weekend);
    }

    /// <summary>How much of the interval falls off-hours (night or weekend) in the zone.</summary>
    public static Duration OffHoursWithin(Interval interval, DateTimeZone zone)
    {
        var off = new List<Interval>();
        var first = interval.Start.InZone(zone).Date.PlusDays(-1);
        var last = interval.End.InZone(zone).Date;
        for (var day = first; day <= last; day = day.PlusDays(1))
        {
            off.Add(new Interval(RotationCalculator.Resolve(day.At(NightStart), zone), RotationCalculator.Resolve(day.PlusDays(1).At(NightEnd), zone)));
            if (day.DayOfWeek is IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
            {
                off.Add(new Interval(RotationCalculator.Resolve(day.AtMidnight(), zone), RotationCalculator.Resolve(day.PlusDays(1).AtMidnight(), zone)));
            }
        }
        return Spans.Total(Spans.Intersect(Spans.Normalize(off), [interval]));
    }
}
