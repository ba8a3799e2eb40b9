using NodaTime;
using Portal.Shared.Admin;
using Portal.Shared.OnCall;

namespace Portal.Shared.Cases;

/// <summary>
/// When a region's team works: a daily window on working days, in the region's zone, less its public holidays. SLA
/// clocks on business hours count only the time inside these windows. Local times are resolved the way rotations
/// are (<see cref="RotationCalculator.Resolve"/>), so a window on a DST day is as long as the wall clock says.
/// </summary>
public sealed class BusinessCalendar
{
    /// <summary>How far ahead a clock is looked for: ten years of days with no working window is a broken calendar.</summary>
    private const int MaxDays = 3660;

    public DateTimeZone Zone { get; }
    public LocalTime Opens { get; }
    public LocalTime Closes { get; }
    public IReadOnlySet<IsoDayOfWeek> WorkingDays { get; }
    public IReadOnlySet<LocalDate> Holidays { get; }

    /// <summary>Every hour of every day counts (calendar hours).</summary>
    public static BusinessCalendar AlwaysOpen { get; } = new(DateTimeZone.Utc, LocalTime.Midnight, LocalTime.Midnight,
        [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday, IsoDayOfWeek.Saturday, IsoDayOfWeek.Sunday], []);

    /// <param name="zone">The zone the windows are in.</param>
    /// <param name="opens">When a working day starts.</param>
    /// <param name="closes">When it ends; equal to <paramref name="opens"/> means the whole day.</param>
    /// <param name="workingDays">The days of the week worked; at least one.</param>
    /// <param name="holidays">Dates not worked.</param>
    public BusinessCalendar(DateTimeZone zone, LocalTime opens, LocalTime closes, IEnumerable<IsoDayOfWeek> workingDays, IEnumerable<LocalDate> holidays)
    {
        Zone = zone;
        (Opens, Closes) = (opens, closes);
        WorkingDays = workingDays.ToHashSet();
        Holidays = holidays.ToHashSet();
        if (WorkingDays.Count == 0)
        {
            throw new ArgumentException("A calendar needs at least one working day.", nameof(workingDays));
        }
        if (closes < opens)
        {
            throw new ArgumentException("A working day closes after it opens.", nameof(closes));
        }
    }

    /// <summary>The working window of <paramref name="date"/>, or null on a day off.</summary>
    public Interval? WindowOf(LocalDate date)
    {
        if (!WorkingDays.Contains(date.DayOfWeek) || Holidays.Contains(date))
        {
            return null;
        }
        var start = RotationCalculator.Resolve(date.At(Opens), Zone);
        var end = Closes == Opens ? RotationCalculator.Resolve(date.PlusDays(1).AtMidnight(), Zone) : RotationCalculator.Resolve(date.At(Closes), Zone);
        return end > start ? new Interval(start, end) : null;
    }

    /// <summary>Whether <paramref name="instant"/> falls inside working hours.</summary>
    public bool IsWorking(Instant instant) => WindowOf(instant.InZone(Zone).Date) is { } w && w.Contains(instant);

    /// <summary>The working time between two instants (zero when <paramref name="to"/> is not after <paramref name="from"/>).</summary>
    public Duration WorkingBetween(Instant from, Instant to)
    {
        if (to <= from)
        {
            return Duration.Zero;
        }
        var total = Duration.Zero;
        for (var day = from.InZone(Zone).Date.PlusDays(-1); day <= to.InZone(Zone).Date; day = day.PlusDays(1))
        {
            if (WindowOf(day) is { } w)
            {
                var start = Max(w.Start, from);
                var end = Min(w.End, to);
                if (end > start)
                {
                    total += end - start;
                }
            }
        }
        return total;
    }

    /// <summary>The instant at which <paramref name="work"/> of working time has passed since <paramref name="from"/>.</summary>
    public Instant Add(Instant from, Duration work)
    {
        if (work <= Duration.Zero)
        {
            return from;
        }
        var left = work;
        var first = from.InZone(Zone).Date.PlusDays(-1);
        for (var day = first; day <= first.PlusDays(MaxDays); day = day.PlusDays(1))
        {
            if (WindowOf(day) is not { } w || w.End <= from)
            {
                continue;
            }
            var start = Max(w.Start, from);
            var length = w.End - start;
            if (left <= length)
            {
                return start + left;
            }
            left -= length;
        }
        throw new InvalidOperationException("The calendar has no working time in the next ten years.");
    }

    private static Instant Max(Instant a, Instant b) => a > b ? a : b;

    private static Instant Min(Instant a, Instant b) => a < b ? a : b;
}

/// <summary>A region's working week and public holidays as stored and edited; <see cref="ToCalendar"/> makes the rule.</summary>
public sealed class RegionCalendar
{
    public RegionCode Region { get; set; }

    /// <summary>"09:00".</summary>
    public string Opens { get; set; } = "09:00";

    /// <summary>"18:00".</summary>
    public string Closes { get; set; } = "18:00";

    public List<IsoDayOfWeek> WorkingDays { get; set; } = [IsoDayOfWeek.Monday, IsoDayOfWeek.Tuesday, IsoDayOfWeek.Wednesday, IsoDayOfWeek.Thursday, IsoDayOfWeek.Friday];

    /// <summary>Public holidays as ISO dates ("2026-12-25").</summary>
    public List<string> Holidays { get; set; } = [];

    public BusinessCalendar ToCalendar() => new(
        Regions.Get(Region).Zone,
        CaseTime.ParseTime(Opens) ?? new LocalTime(9, 0),
        CaseTime.ParseTime(Closes) ?? new LocalTime(18, 0),
        WorkingDays.Count > 0 ? WorkingDays : [IsoDayOfWeek.Monday],
        Holidays.Select(CaseTime.ParseDate).OfType<LocalDate>());
}

/// <summary>Parsing the times and dates a calendar is edited in.</summary>
public static class CaseTime
{
    public static LocalTime? ParseTime(string? text) =>
        NodaTime.Text.LocalTimePattern.CreateWithInvariantCulture("HH:mm").Parse(text?.Trim() ?? "") is { Success: true } r ? r.Value : null;

    public static LocalDate? ParseDate(string? text) =>
        NodaTime.Text.LocalDatePattern.Iso.Parse(text?.Trim() ?? "") is { Success: true } r ? r.Value : null;
}
