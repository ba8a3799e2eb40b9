using NodaTime;
using Portal.Shared.OnCall;

namespace Portal.Tests.Shared.OnCall;

/// <summary>
/// Random layers, restrictions, overrides and windows (seeded, so a failure repeats), checked against a brute-force
/// oracle that walks every turn boundary from the layer's first turn.
/// </summary>
public class RotationPropertyTests
{
    private static readonly string[] Zones = ["Europe/Dublin", "America/New_York", "Australia/Sydney", "Asia/Tokyo", "America/Mexico_City", "UTC"];
    private static readonly string[] Times = ["00:00", "01:30", "02:00", "02:30", "03:00", "09:00", "17:00", "22:00", "23:30"];

    // Days around each DST change of 2026 in the zones above, and ordinary days.
    private static readonly LocalDate[] Anchors =
    [
        new(2026, 3, 8), new(2026, 3, 29), new(2026, 4, 5), new(2026, 10, 4), new(2026, 10, 25), new(2026, 11, 1), new(2026, 6, 15), new(2026, 1, 10),
    ];

    public static TheoryData<int> Seeds() => [.. Enumerable.Range(1, 60)];

    private static TimeOnly AnyTime(Random random) => TimeOnly.Parse(Times[random.Next(Times.Length)], System.Globalization.CultureInfo.InvariantCulture);

    private static ScheduleLayer RandomLayer(Random random)
    {
        var layer = new ScheduleLayer
        {
            Name = "random",
            Members = [.. Enumerable.Range(1, random.Next(1, 5)).Select(i => i * 10 + random.Next(10))],
            Rotation = (RotationKind)random.Next(3),
            ShiftHours = new[] { 1, 5, 8, 12, 24, 36 }[random.Next(6)],
            Handoff = AnyTime(random),
            Zone = Zones[random.Next(Zones.Length)],
            StartDate = DateOnly.FromDateTime(Anchors[random.Next(Anchors.Length)].PlusDays(-random.Next(0, 30)).ToDateTimeUnspecified()),
        };
        for (var r = random.Next(0, 3); r > 0; r--)
        {
            var from = AnyTime(random);
            var to = AnyTime(random);
            layer.Restrictions.Add(new LayerRestriction
            {
                Days = [.. Enum.GetValues<DayOfWeek>().Where(_ => random.Next(3) > 0)],
                From = from,
                To = to,
            });
        }
        return layer;
    }

    private static Interval RandomWindow(Random random)
    {
        var anchor = Anchors[random.Next(Anchors.Length)].AtStartOfDayInZone(DateTimeZone.Utc).ToInstant();
        var start = anchor + Duration.FromMinutes(random.Next(-7 * 24 * 60, 7 * 24 * 60));
        return new Interval(start, start + Duration.FromMinutes(random.Next(60, 14 * 24 * 60)));
    }

    /// <summary>Who the layer puts on call at an instant, by walking its boundaries one by one; null when not covered.</summary>
    private sealed class LayerOracle(ScheduleLayer layer, Instant until)
    {
        private readonly DateTimeZone _zone = DateTimeZoneProviders.Tzdb[layer.Zone];
        private readonly List<Instant> _boundaries = Boundaries(layer, until);

        private static List<Instant> Boundaries(ScheduleLayer layer, Instant until)
        {
            var zone = DateTimeZoneProviders.Tzdb[layer.Zone];
            var first = LocalDate.FromDateOnly(layer.StartDate).At(LocalTime.FromTimeOnly(layer.Handoff));
            var list = new List<Instant>();
            for (var k = 0; ; k++)
            {
                var local = layer.Rotation switch
                {
                    RotationKind.Daily => first.PlusDays(k),
                    RotationKind.Weekly => first.PlusDays(7 * k),
                    _ => first.PlusHours((long)k * layer.ShiftHours),
                };
                var instant = zone.ResolveLocal(local, NodaTime.TimeZones.Resolvers.LenientResolver).ToInstant();
                list.Add(instant);
                if (instant > until)
                {
                    return list;
                }
            }
        }

        public int? PersonAt(Instant t)
        {
            // The last boundary at or before t; turns of zero length (two boundaries on one instant) give way to the later one.
            var k = _boundaries.FindLastIndex(b => b <= t);
            if (k < 0 || !Allowed(t))
            {
                return null;
            }
            return layer.Members[k % layer.Members.Count];
        }

        private bool Allowed(Instant t)
        {
            if (layer.Restrictions.Count == 0)
            {
                return true;
            }
            var today = t.InZone(_zone).Date;
            foreach (var day in new[] { today.PlusDays(-1), today })
            {
                foreach (var r in layer.Restrictions)
                {
                    if (r.Days.Count > 0 && !r.Days.Contains((DayOfWeek)((int)day.DayOfWeek % 7)))
                    {
                        continue;
                    }
                    var from = LocalTime.FromTimeOnly(r.From);
                    var to = LocalTime.FromTimeOnly(r.To);
                    var start = RotationCalculator.Resolve(day.At(from), _zone);
                    var end = RotationCalculator.Resolve((to > from ? day : day.PlusDays(1)).At(to), _zone);
                    if (start <= t && t < end)
                    {
                        return true;
                    }
                }
            }
            return false;
        }
    }

    private static IEnumerable<Instant> Probes(Random random, Interval window, IEnumerable<Shift> shifts)
    {
        for (var i = 0; i < 150; i++)
        {
            yield return window.Start + Duration.FromTicks((long)(random.NextDouble() * window.Duration.BclCompatibleTicks));
        }
        foreach (var s in shifts)
        {
            yield return s.Start;
            if (s.Start - Duration.Epsilon >= window.Start)
            {
                yield return s.Start - Duration.FromSeconds(1);
            }
            yield return s.End - Duration.FromSeconds(1);
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void ALayersShiftsAreOrderedNeverOverlapAndLeaveNoHoleInsideItsRestrictions(int seed)
    {
        var random = new Random(seed);
        var layer = RandomLayer(random);
        var window = RandomWindow(random);
        var shifts = RotationCalculator.LayerShifts(layer, 0, window);
        var oracle = new LayerOracle(layer, window.End);

        for (var i = 0; i < shifts.Count; i++)
        {
            Assert.True(shifts[i].Start < shifts[i].End, $"seed {seed}: empty shift");
            Assert.True(window.Start <= shifts[i].Start && shifts[i].End <= window.End, $"seed {seed}: shift outside the window");
            if (i > 0)
            {
                Assert.True(shifts[i - 1].End <= shifts[i].Start, $"seed {seed}: shifts {i - 1} and {i} overlap");
            }
        }
        foreach (var t in Probes(random, window, shifts).Where(t => window.Contains(t)))
        {
            var computed = shifts.FirstOrDefault(s => s.Start <= t && t < s.End)?.PersonId;
            Assert.True(oracle.PersonAt(t) == computed, $"seed {seed}: at {t} the oracle says {oracle.PersonAt(t)}, the calculator {computed}");
        }
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void TheFinalScheduleIsTheFirstCoveringLayerThenOverridesAndEveryOtherInstantIsAGap(int seed)
    {
        var random = new Random(seed);
        var layers = Enumerable.Range(0, random.Next(1, 4)).Select(_ => RandomLayer(random)).ToList();
        var window = RandomWindow(random);
        var overrides = new List<OverrideWindow>();
        var cursor = window.Start - Duration.FromHours(random.Next(0, 12));
        for (var id = 1; id <= random.Next(0, 4); id++)
        {
            var start = cursor + Duration.FromMinutes(random.Next(30, 3 * 24 * 60));
            var end = start + Duration.FromMinutes(random.Next(30, 2 * 24 * 60));
            overrides.Add(new OverrideWindow(id, 900 + id, start, end));
            cursor = end;
        }
        var schedule = RotationCalculator.Compute(layers, overrides, window);
        var oracles = layers.Select(l => new LayerOracle(l, window.End)).ToList();

        for (var i = 1; i < schedule.Shifts.Count; i++)
        {
            Assert.True(schedule.Shifts[i - 1].End <= schedule.Shifts[i].Start, $"seed {seed}: final shifts overlap");
        }
        foreach (var t in Probes(random, window, schedule.Shifts).Where(t => window.Contains(t)))
        {
            var expected = overrides.FirstOrDefault(o => o.Start <= t && t < o.End)?.PersonId
                ?? oracles.Select(o => o.PersonAt(t)).FirstOrDefault(p => p is not null);
            var shift = schedule.At(t);
            Assert.True(expected == shift?.PersonId, $"seed {seed}: at {t} expected {expected}, got {shift?.PersonId}");
            Assert.Equal(expected is null, schedule.Gaps.Any(g => g.Contains(t)));
        }
        // Shifts and gaps tile the window exactly.
        Assert.Equal(window.Duration, Spans.Total(schedule.Shifts.Select(s => s.Interval)) + Spans.Total(schedule.Gaps));
    }
}
