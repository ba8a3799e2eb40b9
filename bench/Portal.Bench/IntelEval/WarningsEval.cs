using Portal.Shared.Intelligence;

namespace Portal.Bench.IntelEval;

/// <summary>
/// The early warnings on simulated alert streams: per service, a background of alerts whose rate follows the hour of
/// the week (busy working hours, quiet nights), the history's incidents each firing alerts once open, and for seven in
/// ten a precursor (alerts rising in the 40 minutes before anyone opened the incident). The spike detector runs every
/// two minutes over the scored weeks exactly as the portal runs it. Scored by time, no point-adjust: an incident is
/// warned when a warning began in the hour before it opened; a warning is false when no incident of its service opened
/// within an hour either side of its start.
/// </summary>
internal static class WarningsEval
{
    public sealed record Result(int Incidents, int Warned, double MedianLead, double FalsePerServiceWeek);

    public static Result Run(History history, double z = Detectors.SpikeZ, int minCount = Detectors.SpikeMinCount)
    {
        var random = new Random(11);
        var window = TimeSpan.FromMinutes(20);
        var step = TimeSpan.FromMinutes(2);
        var leads = new List<double>();
        var (scored, falseWarnings) = (0, 0);
        var services = history.Incidents.Select(i => i.Family.Service).Distinct().ToList();
        foreach (var service in services)
        {
            var incidents = history.Incidents.Where(i => i.Family.Service == service).Select(i => i.OpenedAt).Order().ToList();
            var events = new List<DateTimeOffset>();
            // Background: a Poisson count per 10 minutes with a working-hours rate.
            for (var t = history.Start; t < history.Split.AddDays(7 * History.ScoredWeeks); t = t.AddMinutes(10))
            {
                var busy = t.UtcDateTime.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday) && t.UtcDateTime.Hour is >= 8 and < 18;
                for (var k = Poisson(random, busy ? 0.5 : 0.15); k > 0; k--)
                {
                    events.Add(t.AddMinutes(random.NextDouble() * 10));
                }
            }
            foreach (var opened in incidents)
            {
                for (var k = random.Next(4, 9); k > 0; k--)
                {
                    events.Add(opened.AddMinutes(random.NextDouble() * 30));
                }
                if (random.NextDouble() < 0.7)
                {
                    // The precursor: a rising trickle of alerts in the 40 minutes before it was opened.
                    for (var k = random.Next(6, 11); k > 0; k--)
                    {
                        events.Add(opened.AddMinutes(-40 * Math.Sqrt(random.NextDouble())));
                    }
                }
            }
            var sorted = events.Order().ToArray();
            var starts = new List<DateTimeOffset>();
            var (firing, lastFired) = (false, DateTimeOffset.MinValue);
            for (var now = history.Split; now < history.Split.AddDays(7 * History.ScoredWeeks); now += step)
            {
                var (observed, baseline) = SignalWindows.HourOfWeek(Slice(sorted, now, window), now, window, 8, history.Start);
                var spike = baseline.Count >= 12 && Detectors.IsSpike(observed, Detectors.RobustZ(observed, baseline), z, minCount);
                if (spike)
                {
                    if (!firing)
                    {
                        starts.Add(now);
                    }
                    (firing, lastFired) = (true, now);
                }
                else if (firing && now - lastFired >= window)
                {
                    firing = false;
                }
            }
            foreach (var opened in incidents.Where(i => i >= history.Split))
            {
                scored++;
                var warned = starts.Where(s => s <= opened && s >= opened.AddHours(-1)).Select(s => (opened - s).TotalMinutes).DefaultIfEmpty(-1).Max();
                if (warned >= 0)
                {
                    leads.Add(warned);
                }
            }
            falseWarnings += starts.Count(s => !incidents.Any(i => Math.Abs((i - s).TotalMinutes) <= 60));
        }
        leads.Sort();
        var median = leads.Count == 0 ? 0 : leads[leads.Count / 2];
        return new Result(scored, leads.Count, median, falseWarnings / (double)services.Count / History.ScoredWeeks);
    }

    /// <summary>Only the events the detector reads at <paramref name="now"/>: the window, and two hours around the same time in each earlier week.</summary>
    private static List<DateTimeOffset> Slice(DateTimeOffset[] sorted, DateTimeOffset now, TimeSpan window)
    {
        var result = new List<DateTimeOffset>();
        void Take(DateTimeOffset from, DateTimeOffset to)
        {
            var i = Array.BinarySearch(sorted, from);
            for (i = i < 0 ? ~i : i; i < sorted.Length && sorted[i] < to; i++)
            {
                result.Add(sorted[i]);
            }
        }
        Take(now - window, now);
        for (var week = 1; week <= 8; week++)
        {
            var anchor = now.AddDays(-7 * week);
            Take(anchor - 3 * window, anchor + 3 * window);
        }
        return result;
    }

    private static int Poisson(Random random, double mean)
    {
        var (limit, product, k) = (Math.Exp(-mean), random.NextDouble(), 0);
        while (product > limit)
        {
            k++;
            product *= random.NextDouble();
        }
        return k;
    }
}
