using Portal.Shared.Intelligence;

namespace Portal.Tests.Shared.Intelligence;

public sealed class DetectorsTests
{
    [Theory]
    [InlineData(new double[] { }, 0)]
    [InlineData(new double[] { 3 }, 3)]
    [InlineData(new double[] { 5, 1, 3 }, 3)]
    [InlineData(new double[] { 4, 1, 3, 2 }, 2.5)]
    public void TheMedianOfOddEvenAndEmpty(double[] values, double expected) => Assert.Equal(expected, Detectors.Median(values));

    // observed, baseline, expected z (to 2 places), spike?
    [Theory]
    [InlineData(6, new double[] { 0, 0, 0, 0, 1, 0, 0, 0 }, 6.0, true)]      // quiet hour: the Poisson floor (1) is the scale
    [InlineData(4, new double[] { 0, 0, 0, 0, 0, 0, 0, 0 }, 4.0, false)]     // too few events to mean anything
    [InlineData(5, new double[] { 0, 0, 0, 0, 0, 0, 0, 0 }, 5.0, true)]      // the smallest spike there is
    [InlineData(20, new double[] { 10, 12, 8, 11, 9, 10, 30, 10 }, 3.16, false)] // busy slot, one outlier week does not move the median
    [InlineData(30, new double[] { 10, 12, 8, 11, 9, 10, 30, 10 }, 6.32, true)]
    [InlineData(40, new double[] { 10, 20, 30, 40, 50, 60, 70, 80 }, -0.17, false)] // a wide baseline: 1.4826 × MAD is the scale
    public void ARobustZScoreWithAPoissonFloor(double observed, double[] baseline, double z, bool spike)
    {
        var score = Detectors.RobustZ(observed, baseline);
        Assert.Equal(z, score.Z, 2);
        Assert.Equal(spike, Detectors.IsSpike(observed, score));
    }

    [Fact]
    public void OneWildWeekInTheBaselineDoesNotHideTheNextSpike()
    {
        // A mean-and-sd score would be dragged up by the 40; the median and MAD are not.
        var baseline = new double[] { 1, 0, 2, 1, 40, 1, 0, 1 };
        Assert.True(Detectors.IsSpike(8, Detectors.RobustZ(8, baseline)));
        var mean = baseline.Average();
        Assert.True((8 - mean) / Detectors.StandardDeviation(baseline) < 1, "a plain z-score would have missed it");
    }

    // series, mean, sd, alarm at (-1: none)
    [Theory]
    [InlineData(new double[] { 4, 5, 3, 4, 6, 2, 4 }, 4, 2, -1)]                      // in control
    [InlineData(new double[] { 4, 6, 6, 7, 6, 7, 8, 7 }, 4, 2, 7)]                    // a slow rise: each day a little high
    [InlineData(new double[] { 4, 20, 4, 4, 4, 4 }, 4, 2, 1)]                         // one huge day crosses at once
    [InlineData(new double[] { 10, 13, 13, 14, 13, 14, 15, 14 }, 10, 1, -1)]           // sd 1 is below the Poisson floor √10
    [InlineData(new double[] { 0, 1, 0, 0, 2, 0, 1 }, 0.5, 0, -1)]                     // sparse counts: the Poisson floor keeps it quiet
    public void AnUpperCusumCatchesSlowDrift(double[] series, double mean, double sd, int alarmAt) =>
        Assert.Equal(alarmAt, Detectors.Cusum(series, mean, sd).AlarmAt);

    [Fact]
    public void TheCusumRunStartsWhereTheRiseBegan()
    {
        var result = Detectors.Cusum([4, 3, 4, 8, 8, 8, 8], 4, 2);
        Assert.Equal(3, result.RunStart);
        Assert.Equal(6, result.AlarmAt);
        Assert.Equal(2.5, Detectors.Cusum([8, 8, 4], 4, 2).Sum, 6);
    }

    [Fact]
    public void WarningsInWords()
    {
        var tuesday = new DateTimeOffset(2026, 12, 1, 9, 40, 0, TimeSpan.Zero);
        Assert.Equal("Tue 09:00 UTC", Detectors.HourOfWeek(tuesday));
        Assert.Equal("invoice-generation alerts 4.2× their Tue 09:00 UTC baseline for 20 min (21 in the last 20 min)",
            Detectors.SpikeText("invoice-generation", "alerts", 21, 5, tuesday, 20, TimeSpan.FromMinutes(5)));
        Assert.Equal("EU incidents: 6 in the last 20 min where the Tue 09:00 UTC baseline is near zero; for 45 min",
            Detectors.SpikeText("EU", "incidents", 6, 0.1, tuesday, 20, TimeSpan.FromMinutes(45)));
        Assert.Equal("billing-dispute cases 1.8× their 8-week daily average for the last 9 days", Detectors.DriftText("billing-dispute", "cases", 9, 5, 9));
    }

    [Fact]
    public void ASeasonalForecastAveragesTheSameWeekday()
    {
        // Four weeks, oldest first, ending yesterday: weekday 0 of each week is busy.
        var daily = new List<double>();
        foreach (var week in new[] { 10.0, 12, 14, 16 })
        {
            daily.AddRange([week, 2, 2, 2, 2, 1, 1]);
        }
        var forecast = Forecasts.Seasonal(daily, 14);
        Assert.Equal(14, forecast.Count);
        // Today is the weekday after the last seen one, like index 0 of each week.
        Assert.Equal(new ForecastDay(0, 13, 10, 16), forecast[0]);
        Assert.Equal(new ForecastDay(1, 2, 2, 2), forecast[1]);
        // Next week's busy day rests on the three weeks the history still has.
        Assert.Equal(new ForecastDay(7, 14, 12, 16), forecast[7]);
        Assert.Equal(new ForecastDay(3, 0, 0, 0), Forecasts.Seasonal([], 5)[3]);
    }
}

public sealed class SignalWindowsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 1, 9, 40, 0, TimeSpan.Zero);

    [Fact]
    public void TheWindowAndTheSameHourOfTheWeekInEarlierWeeks()
    {
        var window = TimeSpan.FromMinutes(20);
        DateTimeOffset[] events =
        [
            Now.AddMinutes(-5), Now.AddMinutes(-19), Now.AddMinutes(-21),        // two in the window, one just before it
            Now.AddDays(-7).AddMinutes(-10), Now.AddDays(-7).AddMinutes(50),     // last week: the anchor's window and the last one
            Now.AddDays(-7).AddMinutes(70),                                     // outside the hour either side
            Now.AddDays(-14).AddMinutes(-55),                                   // two weeks ago: the first window
        ];
        var (observed, baseline) = SignalWindows.HourOfWeek(events, Now, window, 8, historyStart: Now.AddDays(-15));
        Assert.Equal(2, observed);
        // Two weeks of history, six windows each; the third week is before the history starts.
        Assert.Equal([0, 0, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0], baseline);
        Assert.Empty(SignalWindows.HourOfWeek(events, Now, window, 8, historyStart: Now.AddDays(-3)).Baseline);
    }

    [Fact]
    public void DailyCountsAreRollingDaysEndingNow()
    {
        DateTimeOffset[] events = [Now.AddHours(-1), Now.AddHours(-23), Now.AddHours(-25), Now.AddDays(-2.5), Now.AddDays(-9), Now.AddMinutes(1)];
        Assert.Equal([1, 1, 2], SignalWindows.Daily(events, Now, 3));
    }
}
