using NodaTime;
using NodaTime.Extensions;

namespace Portal.Shared.OnCall;

/// <summary>Where a shift comes from: a layer (by its index, top first) or an override (by its id).</summary>
public readonly record struct ShiftSource(int? Layer, int? OverrideId)
{
    public static ShiftSource OfLayer(int index) => new(index, null);
    public static ShiftSource OfOverride(int id) => new(null, id);
    public bool IsOverride => OverrideId is not null;
}

/// <summary>Someone on call from <see cref="Start"/> (inclusive) to <see cref="End"/> (exclusive).</summary>
public sealed record Shift(int PersonId, Instant Start, Instant End, ShiftSource Source)
{
    public Interval Interval => new(Start, End);
}

/// <summary>An override as the calculator needs it.</summary>
public sealed record OverrideWindow(int Id, int PersonId, Instant Start, Instant End);

/// <summary>
/// The final schedule over a window: who is on call when, the stretches nobody covers, and each layer's own shifts
/// (top first) before layers above it and overrides took their part.
/// </summary>
public sealed record ComputedSchedule(IReadOnlyList<Shift> Shifts, IReadOnlyList<Interval> Gaps, IReadOnlyList<IReadOnlyList<Shift>> Layers)
{
    /// <summary>The shift covering an instant, or null in a gap.</summary>
    public Shift? At(Instant instant) => Shifts.FirstOrDefault(s => s.Start <= instant && instant < s.End);
}

/// <summary>
/// The rotation arithmetic, pure: given layers, overrides and a window, the shifts. Turn boundaries are counted in the
/// layer's local time (a 09:00 Dublin handoff stays 09:00 Dublin across daylight saving) and mapped to instants with
/// <see cref="HandoffRule"/>.
/// </summary>
public static class RotationCalculator
{
    /// <summary>The rule for local times that do not exist, or exist twice, on a daylight-saving day.</summary>
    public const string HandoffRule =
        "A handoff or window edge at a local time that does not exist (clocks go forward, e.g. 02:30) happens as much later " +
        "as the clocks jumped (03:30); a local time that happens twice (clocks go back) means the first time.";

    /// <summary>The turns of one layer inside the window, clipped to its restrictions. Sorted, never overlapping.</summary>
    public static List<Shift> LayerShifts(ScheduleLayer layer, int layerIndex, Interval window)
    {
        var shifts = new List<Shift>();
        if (layer.Members.Count == 0 || window.Start >= window.End)
        {
            return shifts;
        }
        var zone = DateTimeZoneProviders.Tzdb.GetZoneOrNull(layer.Zone) ?? throw new ArgumentException($"Unknown zone {layer.Zone}.", nameof(layer));
        var turns = Turns(layer, zone, window);
        var allowed = layer.Restrictions.Count == 0 ? [window] : RestrictionWindows(layer.Restrictions, zone, window);
        var j = 0;
        foreach (var (index, turn) in turns)
        {
            while (j < allowed.Count && allowed[j].End <= turn.Start)
            {
                j++;
            }
            var person = layer.Members[(int)(index % layer.Members.Count)];
            for (var k = j; k < allowed.Count && allowed[k].Start < turn.End; k++)
            {
                var start = Instant.Max(turn.Start, allowed[k].Start);
                var end = Instant.Min(turn.End, allowed[k].End);
                if (start < end)
                {
                    shifts.Add(new Shift(person, start, end, ShiftSource.OfLayer(layerIndex)));
                }
            }
        }
        return shifts;
    }

    /// <summary>
    /// The final schedule: at each instant the first layer that covers it, then overrides replace whoever that is (and
    /// fill gaps). Adjacent pieces of the same person from the same source are joined.
    /// </summary>
    public static ComputedSchedule Compute(IReadOnlyList<ScheduleLayer> layers, IReadOnlyList<OverrideWindow> overrides, Interval window)
    {
        var pieces = new List<Shift>();
        var layerShifts = new List<IReadOnlyList<Shift>>(layers.Count);
        List<Interval> uncovered = [window];
        for (var i = 0; i < layers.Count; i++)
        {
            var shifts = LayerShifts(layers[i], i, window);
            layerShifts.Add(shifts);
            var j = 0;
            foreach (var shift in shifts)
            {
                while (j < uncovered.Count && uncovered[j].End <= shift.Start)
                {
                    j++;
                }
                for (var k = j; k < uncovered.Count && uncovered[k].Start < shift.End; k++)
                {
                    var start = Instant.Max(shift.Start, uncovered[k].Start);
                    var end = Instant.Min(shift.End, uncovered[k].End);
                    if (start < end)
                    {
                        pieces.Add(shift with { Start = start, End = end });
                    }
                }
            }
            uncovered = Spans.Subtract(uncovered, Spans.Normalize(shifts.Select(s => s.Interval)));
        }

        var overridden = overrides
            .Select(o => new Shift(o.PersonId, Instant.Max(o.Start, window.Start), Instant.Min(o.End, window.End), ShiftSource.OfOverride(o.Id)))
            .Where(o => o.Start < o.End)
            .OrderBy(o => o.Start)
            .ToList();
        var overrideSpans = Spans.Normalize(overridden.Select(o => o.Interval));
        var final = new List<Shift>(pieces.Count + overridden.Count);
        foreach (var piece in pieces)
        {
            foreach (var left in Spans.Subtract([piece.Interval], overrideSpans))
            {
                final.Add(piece with { Start = left.Start, End = left.End });
            }
        }
        // Overlapping overrides are refused when stored; should two still overlap, the later-starting one wins from its start.
        for (var i = 0; i < overridden.Count; i++)
        {
            var o = overridden[i];
            var end = i + 1 < overridden.Count ? Instant.Min(o.End, Instant.Max(o.Start, overridden[i + 1].Start)) : o.End;
            if (o.Start < end)
            {
                final.Add(o with { End = end });
            }
        }
        final.Sort((a, b) => a.Start.CompareTo(b.Start));
        var joined = Join(final);
        var gaps = Spans.Subtract([window], Spans.Normalize(joined.Select(s => s.Interval)));
        return new ComputedSchedule(joined, gaps, layerShifts);
    }

    /// <summary>Who is on call at one instant (null in a gap), with where that comes from.</summary>
    public static Shift? OnCallAt(IReadOnlyList<ScheduleLayer> layers, IReadOnlyList<OverrideWindow> overrides, Instant at)
    {
        // A window wide enough to return the whole current shift, so its end (the next handoff) is known.
        var window = new Interval(at - Duration.FromDays(8), at + Duration.FromDays(8));
        return Compute(layers, overrides, window).At(at);
    }

    /// <summary>Maps a local date and time to an instant by <see cref="HandoffRule"/>.</summary>
    public static Instant Resolve(LocalDateTime local, DateTimeZone zone) =>
        zone.ResolveLocal(local, NodaTime.TimeZones.Resolvers.LenientResolver).ToInstant();

    private static List<Shift> Join(List<Shift> sorted)
    {
        var joined = new List<Shift>(sorted.Count);
        foreach (var s in sorted)
        {
            if (joined.Count > 0 && joined[^1].End == s.Start && joined[^1].PersonId == s.PersonId && joined[^1].Source == s.Source)
            {
                joined[^1] = joined[^1] with { End = s.End };
            }
            else
            {
                joined.Add(s);
            }
        }
        return joined;
    }

    private static LocalDateTime Boundary(LocalDateTime first, ScheduleLayer layer, long index) => layer.Rotation switch
    {
        RotationKind.Daily => first.PlusDays(checked((int)index)),
        RotationKind.Weekly => first.PlusWeeks(checked((int)index)),
        _ => first.PlusHours(index * Math.Max(1, layer.ShiftHours)),
    };

    /// <summary>The turns overlapping the window, each with its index since the first turn (which picks the person).</summary>
    private static List<(long Index, Interval Turn)> Turns(ScheduleLayer layer, DateTimeZone zone, Interval window)
    {
        var first = LocalDate.FromDateOnly(layer.StartDate).At(LocalTime.FromTimeOnly(layer.Handoff));
        var firstInstant = Resolve(first, zone);
        var from = Instant.Max(window.Start, firstInstant);
        var turns = new List<(long, Interval)>();
        if (from >= window.End)
        {
            return turns;
        }
        // Estimate the index of the turn holding "from" in local time, then step to the exact one.
        var local = from.InZone(zone).LocalDateTime;
        long index = layer.Rotation switch
        {
            RotationKind.Daily => Period.Between(first.Date, local.Date, PeriodUnits.Days).Days,
            RotationKind.Weekly => Period.Between(first.Date, local.Date, PeriodUnits.Days).Days / 7,
            _ => Period.Between(first, local, PeriodUnits.Hours).Hours / Math.Max(1, layer.ShiftHours),
        };
        index = Math.Max(0, index);
        while (index > 0 && Resolve(Boundary(first, layer, index), zone) > from)
        {
            index--;
        }
        while (Resolve(Boundary(first, layer, index + 1), zone) <= from)
        {
            index++;
        }
        var start = Resolve(Boundary(first, layer, index), zone);
        while (start < window.End)
        {
            var end = Resolve(Boundary(first, layer, index + 1), zone);
            if (start < end)
            {
                turns.Add((index, new Interval(start, end)));
            }
            (start, index) = (end, index + 1);
        }
        return turns;
    }

    /// <summary>The restriction windows touching the window, merged, in instants.</summary>
    private static List<Interval> RestrictionWindows(List<LayerRestriction> restrictions, DateTimeZone zone, Interval window)
    {
        var windows = new List<Interval>();
        var firstDay = window.Start.InZone(zone).Date.PlusDays(-1);
        var lastDay = window.End.InZone(zone).Date;
        for (var day = firstDay; day <= lastDay; day = day.PlusDays(1))
        {
            foreach (var r in restrictions)
            {
                if (r.Days.Count > 0 && !r.Days.Contains(day.DayOfWeek.ToDayOfWeek()))
                {
                    continue;
                }
                var from = LocalTime.FromTimeOnly(r.From);
                var to = LocalTime.FromTimeOnly(r.To);
                var start = Resolve(day.At(from), zone);
                var end = Resolve((to > from ? day : day.PlusDays(1)).At(to), zone);
                windows.Add(new Interval(start, end));
            }
        }
        return Spans.Intersect(Spans.Normalize(windows), [window]);
    }
}
