using System.Globalization;
using NodaTime;
using NodaTime.Text;
using Portal.Shared.Admin;
using Portal.Shared.OnCall;

namespace Portal.Features.OnCall;

public enum CalendarBlockKind
{
    Shift,
    Override,
    Gap,
}

/// <summary>A piece of one day in the calendar: where it sits (percent of the day) and what it says.</summary>
public sealed record CalendarBlock(
    CalendarBlockKind Kind, string? Handle, string Label, string Hours, string Title, double Top, double Height, bool Night, bool Weekend, int Colour);

public sealed record CalendarDay(LocalDate Date, bool IsToday, List<CalendarBlock> Blocks);

/// <summary>Hours on call in the period, and how many of them were off-hours in the person's own zone.</summary>
public sealed record CalendarLoad(string Handle, string Name, double Hours, double OffHours);

/// <summary>
/// Lays a schedule's shifts out in the viewer's zone: one column per day (a shift over midnight is cut in two), each
/// block placed by its share of that day (23 or 25 hours on a daylight-saving day), gaps as blocks of their own. Night
/// and weekend are judged in the on-call person's zone, not the viewer's.
/// </summary>
public static class ScheduleCalendar
{
    private static readonly LocalTimePattern Clock = LocalTimePattern.CreateWithInvariantCulture("HH:mm");
    private static readonly ZonedDateTimePattern Stamp = ZonedDateTimePattern.CreateWithInvariantCulture("ddd d MMM HH:mm x", null);

    /// <summary>The Monday of the week holding the date.</summary>
    public static LocalDate WeekStart(LocalDate date) => date.PlusDays(-((int)date.DayOfWeek - 1));

    /// <summary>The first Monday on or before the first of the month, so a month view is whole weeks.</summary>
    public static LocalDate MonthGridStart(LocalDate date) => WeekStart(new LocalDate(date.Year, date.Month, 1));

    public static Interval Window(LocalDate first, int days, DateTimeZone viewer) =>
        new(RotationCalculator.Resolve(first.AtMidnight(), viewer), RotationCalculator.Resolve(first.PlusDays(days).AtMidnight(), viewer));

    public static List<CalendarDay> Lay(IReadOnlyList<ShiftView> shifts, IReadOnlyList<GapView> gaps, LocalDate first, int days, DateTimeZone viewer, Instant now)
    {
        var today = now.InZone(viewer).Date;
        var colours = shifts.Select(s => s.Handle).Distinct().Select((h, i) => (h, i)).ToDictionary(x => x.h, x => x.i % 8);
        var result = new List<CalendarDay>(days);
        for (var d = 0; d < days; d++)
        {
            var date = first.PlusDays(d);
            var day = new Interval(RotationCalculator.Resolve(date.AtMidnight(), viewer), RotationCalculator.Resolve(date.PlusDays(1).AtMidnight(), viewer));
            var blocks = new List<CalendarBlock>();
            foreach (var shift in shifts)
            {
                if (Clip(Instant.FromDateTimeOffset(shift.Start), Instant.FromDateTimeOffset(shift.End), day) is not { } piece)
                {
                    continue;
                }
                var own = TimeZones.GetOrUtc(shift.TimeZone);
                var (night, weekend) = OffHours.Touches(piece, own);
                var kind = shift.OverrideId is null ? CalendarBlockKind.Shift : CalendarBlockKind.Override;
                var whole = new Interval(Instant.FromDateTimeOffset(shift.Start), Instant.FromDateTimeOffset(shift.End));
                var title = $"{shift.Name} ({(kind == CalendarBlockKind.Override ? "override" : shift.LayerName)}): "
                    + $"{Stamp.Format(whole.Start.InZone(viewer))} – {Stamp.Format(whole.End.InZone(viewer))} your time; "
                    + $"{Stamp.Format(whole.Start.InZone(own))} – {Stamp.Format(whole.End.InZone(own))} in {shift.TimeZone}"
                    + (night ? "; nights" : "") + (weekend ? "; weekend" : "");
                blocks.Add(Block(kind, shift.Handle, shift.Name, piece, day, viewer, title, night, weekend, colours[shift.Handle]));
            }
            foreach (var gap in gaps)
            {
                if (Clip(Instant.FromDateTimeOffset(gap.Start), Instant.FromDateTimeOffset(gap.End), day) is { } piece)
                {
                    var title = $"Nobody is on call: {Stamp.Format(piece.Start.InZone(viewer))} – {Stamp.Format(piece.End.InZone(viewer))}";
                    blocks.Add(Block(CalendarBlockKind.Gap, null, "Gap", piece, day, viewer, title, false, false, 0));
                }
            }
            blocks.Sort((a, b) => a.Top.CompareTo(b.Top));
            result.Add(new CalendarDay(date, date == today, blocks));
        }
        return result;
    }

    /// <summary>Hours on call per person inside the window, with the off-hours part in each person's zone; most first.</summary>
    public static List<CalendarLoad> Load(IReadOnlyList<ShiftView> shifts, Interval window) =>
        [.. shifts
            .Select(s => (Shift: s, Piece: Clip(Instant.FromDateTimeOffset(s.Start), Instant.FromDateTimeOffset(s.End), window)))
            .Where(x => x.Piece is not null)
            .GroupBy(x => x.Shift.Handle)
            .Select(g => new CalendarLoad(g.Key, g.First().Shift.Name,
                g.Sum(x => x.Piece!.Value.Duration.TotalHours),
                g.Sum(x => OffHours.OffHoursWithin(x.Piece!.Value, TimeZones.GetOrUtc(x.Shift.TimeZone)).TotalHours)))
            .OrderByDescending(l => l.Hours)
            .ThenBy(l => l.Name, StringComparer.Ordinal)];

    private static Interval? Clip(Instant start, Instant end, Interval day)
    {
        var s = Instant.Max(start, day.Start);
        var e = Instant.Min(end, day.End);
        return s < e ? new Interval(s, e) : null;
    }

    private static CalendarBlock Block(CalendarBlockKind kind, string? handle, string label, Interval piece, Interval day, DateTimeZone viewer, string title, bool night, bool weekend, int colour)
    {
        var length = day.Duration.TotalMinutes;
        var top = (piece.Start - day.Start).TotalMinutes / length * 100;
        var height = piece.Duration.TotalMinutes / length * 100;
        var endClock = piece.End == day.End ? "24:00" : Clock.Format(piece.End.InZone(viewer).TimeOfDay);
        var hours = string.Create(CultureInfo.InvariantCulture, $"{Clock.Format(piece.Start.InZone(viewer).TimeOfDay)}–{endClock}");
        return new CalendarBlock(kind, handle, label, hours, title, Math.Round(top, 3), Math.Round(height, 3), night, weekend, colour);
    }
}
