using System.Globalization;

namespace Portal.Shared.Intelligence;

/// <summary>A robust z-score: how far a count is above the median of its baseline, in robust standard deviations.</summary>
public readonly record struct RobustScore(double Median, double Mean, double Scale, double Z);

/// <summary>A one-sided upper CUSUM over a series: the final sum, and where it first crossed the limit (or -1).</summary>
public readonly record struct CusumResult(double Sum, int AlarmAt, int RunStart);

/// <summary>
/// The early-warning detectors, as pure functions: a robust z-score of a short window against the same hour of the
/// week in earlier weeks (spikes), and an upper CUSUM of daily counts against their long average (slow drift).
/// Counts are small and often zero, so the scale has a Poisson floor: a quiet baseline does not make one event alarming.
/// </summary>
public static class Detectors
{
    /// <summary>A window this many robust deviations above its baseline is a spike…</summary>
    public const double SpikeZ = 4;

    /// <summary>…when it also holds at least this many events (three alerts in a quiet hour are not a warning).</summary>
    public const int SpikeMinCount = 5;

    /// <summary>CUSUM slack and limit, in standard deviations (the textbook k = 0.5, h = 5).</summary>
    public const double CusumK = 0.5;

    public const double CusumH = 5;

    public static double Median(IReadOnlyList<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>
    /// The robust z-score of <paramref name="observed"/> against <paramref name="baseline"/>: (x − median) / scale, where
    /// the scale is 1.4826 × the median absolute deviation, but never below √max(median, 1) (the spread of a Poisson count).
    /// </summary>
    public static RobustScore RobustZ(double observed, IReadOnlyList<double> baseline)
    {
        var median = Median(baseline);
        var mad = Median([.. baseline.Select(v => Math.Abs(v - median))]);
        var scale = Math.Max(1.4826 * mad, Math.Sqrt(Math.Max(median, 1)));
        var mean = baseline.Count == 0 ? 0 : baseline.Average();
        return new RobustScore(median, mean, scale, (observed - median) / scale);
    }

    /// <summary>A spike: high enough above the baseline, and enough events to mean something.</summary>
    public static bool IsSpike(double observed, RobustScore score, double z = SpikeZ, int minCount = SpikeMinCount) =>
        observed >= minCount && score.Z >= z;

    /// <summary>
    /// The upper CUSUM of <paramref name="series"/> against an in-control <paramref name="mean"/> and
    /// <paramref name="sd"/> (floored at √max(mean, 1)): S = max(0, S + (x − mean)/sd − k); alarm when S &gt; h.
    /// </summary>
    public static CusumResult Cusum(IReadOnlyList<double> series, double mean, double sd, double k = CusumK, double h = CusumH)
    {
        var scale = Math.Max(sd, Math.Sqrt(Math.Max(mean, 1)));
        var (sum, alarm, start) = (0.0, -1, -1);
        for (var i = 0; i < series.Count; i++)
        {
            var next = Math.Max(0, sum + (series[i] - mean) / scale - k);
            if (sum == 0 && next > 0)
            {
                start = i;
            }
            sum = next;
            if (sum == 0)
            {
                start = -1;
            }
            if (alarm < 0 && sum > h)
            {
                alarm = i;
            }
        }
        return new CusumResult(sum, alarm, start);
    }

    public static double StandardDeviation(IReadOnlyList<double> values)
    {
        if (values.Count < 2)
        {
            return 0;
        }
        var mean = values.Average();
        return Math.Sqrt(values.Sum(v => (v - mean) * (v - mean)) / (values.Count - 1));
    }

    /// <summary>"Tue 09:00 UTC": the hour of the week a baseline belongs to.</summary>
    public static string HourOfWeek(DateTimeOffset at) =>
        at.UtcDateTime.ToString("ddd HH:00", CultureInfo.InvariantCulture) + " UTC";

    /// <summary>
    /// A spike in words: "invoice-generation alerts 4.2× their Tue 09:00 UTC baseline for 20 min", or, over a baseline
    /// near zero, "6 in 20 min where the Tue 09:00 UTC baseline is near zero".
    /// </summary>
    public static string SpikeText(string subject, string signal, double observed, double baselineMean, DateTimeOffset at, int windowMinutes, TimeSpan lasting)
    {
        var minutes = Math.Max(windowMinutes, (int)Math.Round(lasting.TotalMinutes));
        var slot = HourOfWeek(at);
        var count = observed.ToString("0", CultureInfo.InvariantCulture);
        return baselineMean >= 0.25
            ? $"{subject} {signal} {(observed / baselineMean).ToString("0.0", CultureInfo.InvariantCulture)}× their {slot} baseline for {minutes} min ({count} in the last {windowMinutes} min)"
            : $"{subject} {signal}: {count} in the last {windowMinutes} min where the {slot} baseline is near zero; for {minutes} min";
    }

    /// <summary>A drift in words: "billing-dispute cases 1.8× their 8-week daily average for the last 9 days".</summary>
    public static string DriftText(string subject, string signal, double recentMean, double baselineMean, int days) =>
        $"{subject} {signal} {(recentMean / Math.Max(baselineMean, 0.1)).ToString("0.0", CultureInfo.InvariantCulture)}× their 8-week daily average for the last {days} days";
}

/// <summary>One day's forecast: the expected count and the range seen on the same weekday in the weeks it rests on.</summary>
public readonly record struct ForecastDay(int Day, double Expected, double Low, double High);

/// <summary>
/// A seasonal baseline forecast: each coming day is the average of the same weekday in the last <c>seasons</c> weeks,
/// with their lowest and highest as the range. Plain, explainable, and right for weekly-shaped support load.
/// </summary>
public static class Forecasts
{
    /// <summary><paramref name="daily"/> is oldest first and ends yesterday; day 0 of the answer is today.</summary>
    public static List<ForecastDay> Seasonal(IReadOnlyList<double> daily, int horizon, int season = 7, int seasons = 4)
    {
        var result = new List<ForecastDay>(horizon);
        for (var day = 0; day < horizon; day++)
        {
            var same = new List<double>();
            for (var back = 1; back <= seasons; back++)
            {
                // The same weekday, whole seasons before (day − season·back days from today).
                var index = daily.Count + day - season * back;
                if (index >= 0 && index < daily.Count)
                {
                    same.Add(daily[index]);
                }
            }
            result.Add(same.Count == 0 ? new ForecastDay(day, 0, 0, 0) : new ForecastDay(day, Math.Round(same.Average(), 1), same.Min(), same.Max()));
        }
        return result;
    }
}

/// <summary>How event times become the counts the detectors read.</summary>
public static class SignalWindows
{
    /// <summary>
    /// The count in the window ending <paramref name="now"/>, and its baseline: for each of the last
    /// <paramref name="weeks"/> weeks that <paramref name="historyStart"/> covers, the six windows of the same length
    /// around the same hour of the week (an hour either side).
    /// </summary>
    public static (double Observed, List<double> Baseline) HourOfWeek(IReadOnlyList<DateTimeOffset> events, DateTimeOffset now, TimeSpan window, int weeks,
        DateTimeOffset historyStart)
    {
        static double Count(IReadOnlyList<DateTimeOffset> events, DateTimeOffset from, DateTimeOffset to) => events.Count(e => e >= from && e < to);
        var observed = Count(events, now - window, now);
        var baseline = new List<double>();
        for (var week = 1; week <= weeks; week++)
        {
            var anchor = now.AddDays(-7 * week);
            if (anchor.AddHours(-1) < historyStart)
            {
                break;
            }
            for (var j = -2; j <= 3; j++)
            {
                var end = anchor + j * window;
                baseline.Add(Count(events, end - window, end));
            }
        }
        return (observed, baseline);
    }

    /// <summary>Counts per rolling day (24 hours), oldest first; the last day ends at <paramref name="now"/>.</summary>
    public static List<double> Daily(IReadOnlyList<DateTimeOffset> events, DateTimeOffset now, int days)
    {
        var counts = new double[days];
        foreach (var at in events)
        {
            var back = (int)Math.Floor((now - at).TotalDays);
            if (at < now && back < days)
            {
                counts[days - 1 - back]++;
            }
        }
        return [.. counts];
    }
}
