using Microsoft.EntityFrameworkCore;
using Portal.Features.Notifications;
using Portal.Features.OnCall;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Intelligence;
using Portal.Shared.Live;
using Portal.Shared.OnCall;

namespace Portal.Features.Intelligence;

/// <summary>
/// Early warnings: every round, each signal of each subject against its own baseline — a spike of the last window
/// against the same hour of the week in earlier weeks (robust z-score), and a slow drift of daily counts (upper CUSUM).
/// A new warning is committed, pushed live (topic <see cref="Topic"/>) and sent to the on-call of the service or region
/// at low urgency; it never opens an incident. It ends when the signal falls back.
/// </summary>
public sealed class EarlyWarningService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, IntelligenceOptions options,
    DeliverySignal deliveries, ILogger<EarlyWarningService> logger) : IDisposable
{
    /// <summary>The live topic of warnings (a broadcast: the queue and the insights page listen).</summary>
    public const string Topic = "insights";

    public const string Spike = "hour-of-week";
    public const string Drift = "cusum";

    private const int RecentDays = 14;
    private const int BaselineDays = 56;

    private readonly SemaphoreSlim _round = new(1, 1);
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, DateTimeOffset> _starts = new();
    private (DateTimeOffset Hour, List<((string, string, string, string) Key, Firing Value)> Found)? _drifts;

    /// <summary>Evaluates every signal now; returns how many warnings began.</summary>
    public async Task<int> EvaluateAsync(CancellationToken cancellationToken = default)
    {
        await _round.WaitAsync(cancellationToken);
        try
        {
            return await RoundAsync(cancellationToken);
        }
        finally
        {
            _round.Release();
        }
    }

    private async Task<int> RoundAsync(CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var exclusive = await db.BeginExclusiveAsync("intelligence.warnings", cancellationToken);
        var firing = new Dictionary<(string Scope, string Subject, string Signal, string Detector), Firing>();
        foreach (var series in WarningSeries.All)
        {
            foreach (var (key, value) in await SpikesAsync(db, series, now, cancellationToken))
            {
                firing[key] = value;
            }
        }
        foreach (var (key, value) in await DriftsAsync(db, now, cancellationToken))
        {
            firing[key] = value;
        }
        var open = await db.EarlyWarnings.Where(w => w.EndedAt == null).ToListAsync(cancellationToken);
        var began = new List<EarlyWarning>();
        foreach (var ((scope, subject, signal, detector), value) in firing)
        {
            var warning = open.FirstOrDefault(w => w.Scope == scope && w.Subject == subject && w.Signal == signal && w.Detector == detector);
            if (warning is null)
            {
                warning = new EarlyWarning { Scope = scope, Subject = subject, Signal = signal, Detector = detector, Text = "", StartedAt = now };
                db.EarlyWarnings.Add(warning);
                began.Add(warning);
            }
            (warning.Observed, warning.Baseline, warning.Score, warning.LastSeenAt) = (value.Observed, Math.Round(value.Baseline, 2), Math.Round(value.Score, 2), now);
            warning.Text = Cap(value.Text(now - warning.StartedAt));
        }
        // A spike ends once a whole window has passed without it; a drift as soon as its sum falls back.
        var ended = open.Where(w => !firing.ContainsKey((w.Scope, w.Subject, w.Signal, w.Detector))
            && (w.Detector == Drift || now - w.LastSeenAt >= options.WarningWindow)).ToList();
        foreach (var warning in ended)
        {
            warning.EndedAt = now;
        }
        var notices = new List<LiveNotice>();
        foreach (var warning in began)
        {
            var (people, teams) = await OnCallForAsync(db, warning, now, cancellationToken);
            notices.AddRange(await NotificationService.StageAsync(db, people, teams,
                new NoticeDraft(NotificationKind.Warning, "Early warning: " + warning.Text, "Low urgency: nothing is open yet. See what the signal is doing.", "/insights"), now, cancellationToken));
        }
        await db.SaveChangesAsync(cancellationToken);
        if (exclusive is not null)
        {
            // Saved, so committed to the end even while the node stops: a commit cut off by shutdown is logged as an error.
            await exclusive.CommitAsync(CancellationToken.None);
        }
        if (began.Count > 0 || ended.Count > 0)
        {
            logger.LogInformation("Early warnings: {Began} began, {Ended} ended", began.Count, ended.Count);
            foreach (var notice in notices)
            {
                await feed.PublishAsync(notice, cancellationToken);
            }
            deliveries.Wake();
            foreach (var warning in began)
            {
                await feed.PublishAsync(new LiveNotice(Topic, "warning", warning.Text, "/insights"), cancellationToken);
            }
            if (began.Count == 0)
            {
                await feed.PublishAsync(new LiveNotice(Topic, "warning-ended", $"{ended.Count} early warning(s) ended", "/insights"), cancellationToken);
            }
        }
        return began.Count;
    }

    private sealed record Firing(double Observed, double Baseline, double Score, Func<TimeSpan, string> Text);

    /// <summary>
    /// The spikes of one series now: the last window of each subject against the same hour of the week in earlier weeks,
    /// read fresh each round (the window and two hours a week back, for the weeks its history covers).
    /// </summary>
    private async Task<List<((string, string, string, string) Key, Firing Value)>> SpikesAsync(PortalDbContext db, WarningSeries series, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var window = options.WarningWindow;
        var end = now.AddTicks(1);
        var current = await series.Read(db, end - window, end, cancellationToken);
        if (current.Count == 0 || await HistoryStartAsync(db, series, now, cancellationToken) is not { } start)
        {
            return [];
        }
        var events = new List<SignalEvent>(current);
        for (var week = 1; week <= options.WarningWeeks && end.AddDays(-7 * week).AddHours(-1) >= start; week++)
        {
            var anchor = end.AddDays(-7 * week);
            events.AddRange(await series.Read(db, anchor + (-3 * window), anchor + (3 * window), cancellationToken));
        }
        var result = new List<((string, string, string, string), Firing)>();
        foreach (var subject in current.Select(e => e.Subject).Distinct(StringComparer.Ordinal))
        {
            var times = events.Where(e => e.Subject == subject).Select(e => e.At).ToList();
            var (observed, baseline) = SignalWindows.HourOfWeek(times, end, window, options.WarningWeeks, start);
            if (baseline.Count < 12)
            {
                continue; // fewer than two weeks of history: nothing to compare with yet
            }
            var score = Detectors.RobustZ(observed, baseline);
            if (Detectors.IsSpike(observed, score, options.WarningZ))
            {
                result.Add(((series.Scope, subject, series.Signal, Spike), new Firing(observed, score.Mean, score.Z,
                    lasting => Detectors.SpikeText(subject, series.Signal, observed, score.Mean, now, (int)window.TotalMinutes, lasting))));
            }
        }
        return result;
    }

    /// <summary>When a series' history begins: read until there is one, then kept (it only moves when history is loaded).</summary>
    private async Task<DateTimeOffset?> HistoryStartAsync(PortalDbContext db, WarningSeries series, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (_starts.TryGetValue(series.Name, out var known))
        {
            return known;
        }
        var first = await series.Read(db, now.AddDays(-(options.WarningWeeks * 7) - 1), now.AddDays(-14), cancellationToken);
        if (first.Count == 0)
        {
            return null;
        }
        return _starts[series.Name] = first.Min(e => e.At);
    }

    /// <summary>
    /// The slow drifts: daily counts of the last two weeks of each subject against the eight weeks before (upper CUSUM).
    /// Daily counts move slowly, so they are worked out once an hour.
    /// </summary>
    private async Task<List<((string, string, string, string) Key, Firing Value)>> DriftsAsync(PortalDbContext db, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        if (_drifts is { } cached && cached.Hour == hour)
        {
            return cached.Found;
        }
        var found = new List<((string, string, string, string), Firing)>();
        var from = hour.AddDays(-(RecentDays + BaselineDays));
        var any = false;
        foreach (var series in WarningSeries.All)
        {
            var events = await series.Read(db, from, hour, cancellationToken);
            any |= events.Count > 0;
            if (events.Count == 0 || (hour - events.Min(e => e.At)).TotalDays < RecentDays + 28)
            {
                continue; // the drift needs four weeks of baseline before the recent two
            }
            foreach (var group in events.GroupBy(e => e.Subject, StringComparer.Ordinal))
            {
                var daily = SignalWindows.Daily([.. group.Select(e => e.At)], hour, RecentDays + BaselineDays);
                var (baseline, recent) = (daily[..BaselineDays], daily[BaselineDays..]);
                var mean = baseline.Average();
                var cusum = Detectors.Cusum(recent, mean, Detectors.StandardDeviation(baseline));
                if (cusum.AlarmAt >= 0 && cusum.Sum > Detectors.CusumH && cusum.RunStart >= 0 && recent.Sum() >= 10)
                {
                    var days = recent.Count - cusum.RunStart;
                    var recentMean = recent[cusum.RunStart..].Average();
                    var subject = group.Key;
                    found.Add(((series.Scope, subject, series.Signal, Drift),
                        new Firing(recentMean, mean, cusum.Sum, _ => Detectors.DriftText(subject, series.Signal, recentMean, mean, days))));
                }
            }
        }
        // Kept for the hour only once there is history (a node that starts before the history is loaded looks again).
        _drifts = any ? (hour, found) : null;
        return found;
    }

    /// <summary>Who hears of a warning: whoever is on call for the service's owning team, or for the region's teams. Cases: nobody is paged.</summary>
    private static async Task<(List<int> People, List<int> Teams)> OnCallForAsync(PortalDbContext db, EarlyWarning warning, DateTimeOffset now, CancellationToken cancellationToken)
    {
        List<int> teams = warning.Scope switch
        {
            "service" => await db.Services.AsNoTracking().Where(s => s.Slug == warning.Subject && s.OwningTeamId != null).Select(s => s.OwningTeamId!.Value).ToListAsync(cancellationToken),
            "region" when warning.Signal == "incidents" && Regions.TryParse(warning.Subject, out var region) =>
                await db.Teams.AsNoTracking().Where(t => t.Region == region).Select(t => t.Id).ToListAsync(cancellationToken),
            _ => [],
        };
        if (teams.Count == 0)
        {
            return ([], []);
        }
        var schedules = await db.Schedules.AsNoTracking().Where(s => s.TeamId != null && teams.Contains(s.TeamId.Value)).ToListAsync(cancellationToken);
        var onCall = await OnCallService.OnCallAtAsync(db, schedules, now, cancellationToken);
        return ([.. onCall.Values.Distinct()], []);
    }

    private static string Cap(string text) => text.Length <= 400 ? text : text[..399] + "…";

    public void Dispose() => _round.Dispose();
}

/// <summary>Wakes the early-warning round.</summary>
public sealed class EarlyWarningSignal : Background.ProcessorSignal;

/// <summary>Runs the early-warning round every <see cref="IntelligenceOptions.WarningInterval"/>.</summary>
public sealed class EarlyWarningProcessor(EarlyWarningService warnings, EarlyWarningSignal signal, TimeProvider clock, IntelligenceOptions options, ILogger<EarlyWarningProcessor> logger)
    : Background.PollingProcessor(signal, clock, options.WarningInterval, logger)
{
    protected override async Task<int> RunOnceAsync(CancellationToken cancellationToken)
    {
        if (!options.Warnings)
        {
            return 0;
        }
        await warnings.EvaluateAsync(cancellationToken);
        return 0;
    }
}
