using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Intelligence;
using Portal.Shared.OnCall;

namespace Portal.Features.Intelligence;

public sealed record WarningView(long Id, string Scope, string Subject, string Signal, string Detector, string Text, double Observed, double Baseline, double Score,
    DateTimeOffset StartedAt, DateTimeOffset LastSeenAt, DateTimeOffset? EndedAt);

/// <summary>A region's forecast of one load: the next seven days and the seven after, each expected with its range, and the last seven for comparison.</summary>
public sealed record ForecastView(RegionCode Region, string Load, double LastWeek, double NextWeek, double NextWeekLow, double NextWeekHigh, double WeekAfter,
    double WeekAfterLow, double WeekAfterHigh, IReadOnlyList<double> Daily);

public sealed record Insights(IReadOnlyList<WarningView> Active, IReadOnlyList<WarningView> Recent, IReadOnlyList<ForecastView> Forecast, string Method, DateTimeOffset At);

/// <summary>
/// What the insights page and <c>/api/insights</c> show: the warnings open now and those of the last week, and a
/// forecast of the coming two weeks' incidents, cases and pages per region for capacity planning.
/// </summary>
public sealed class InsightsService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public const string Method =
        "Seasonal baseline: each coming day is the average of the same weekday in the last four weeks, its range their lowest and highest. "
        + "Pages are on-call load: every page a person received about an incident of the region.";

    private const int HistoryDays = 28;

    public async Task<Insights> GetAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var since = now.AddDays(-7);
        var warnings = await db.EarlyWarnings.AsNoTracking().Where(w => w.EndedAt == null || w.EndedAt >= since).OrderByDescending(w => w.StartedAt).Take(200)
            .Select(w => new WarningView(w.Id, w.Scope, w.Subject, w.Signal, w.Detector, w.Text, w.Observed, w.Baseline, w.Score, w.StartedAt, w.LastSeenAt, w.EndedAt))
            .ToListAsync(cancellationToken);
        var from = now.AddDays(-HistoryDays);
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.TriggeredAt >= from && i.TriggeredAt < now).Select(i => new { i.Region, At = i.TriggeredAt }).ToListAsync(cancellationToken);
        var cases = await db.Cases.AsNoTracking().Where(c => c.CreatedAt >= from && c.CreatedAt < now).Select(c => new { c.Region, At = c.CreatedAt }).ToListAsync(cancellationToken);
        var pages = await db.Notifications.AsNoTracking().Where(n => n.Kind == NotificationKind.Page && n.CreatedAt >= from && n.CreatedAt < now && n.IncidentNumber != null)
            .Join(db.Incidents, n => n.IncidentNumber, i => i.Number, (n, i) => new { i.Region, At = n.CreatedAt }).ToListAsync(cancellationToken);
        var forecast = new List<ForecastView>();
        foreach (var region in Regions.All.Select(r => r.Code))
        {
            forecast.Add(Forecast(region, "incidents", [.. incidents.Where(e => e.Region == region).Select(e => e.At)], now));
            forecast.Add(Forecast(region, "cases", [.. cases.Where(e => e.Region == region).Select(e => e.At)], now));
            forecast.Add(Forecast(region, "pages", [.. pages.Where(e => e.Region == region).Select(e => e.At)], now));
        }
        return new Insights([.. warnings.Where(w => w.EndedAt is null)], [.. warnings.Where(w => w.EndedAt is not null)], forecast, Method, now);
    }

    /// <summary>Just the warnings open now (the queue's banner).</summary>
    public async Task<List<WarningView>> ActiveAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.EarlyWarnings.AsNoTracking().Where(w => w.EndedAt == null).OrderByDescending(w => w.Score).Take(20)
            .Select(w => new WarningView(w.Id, w.Scope, w.Subject, w.Signal, w.Detector, w.Text, w.Observed, w.Baseline, w.Score, w.StartedAt, w.LastSeenAt, w.EndedAt))
            .ToListAsync(cancellationToken);
    }

    private static ForecastView Forecast(RegionCode region, string load, List<DateTimeOffset> events, DateTimeOffset now)
    {
        var daily = SignalWindows.Daily(events, now, HistoryDays);
        var days = Forecasts.Seasonal(daily, 14);
        var (next, after) = (days[..7], days[7..]);
        return new ForecastView(region, load, daily[^7..].Sum(), Math.Round(next.Sum(d => d.Expected), 1), next.Sum(d => d.Low), next.Sum(d => d.High),
            Math.Round(after.Sum(d => d.Expected), 1), after.Sum(d => d.Low), after.Sum(d => d.High), [.. days.Select(d => d.Expected)]);
    }
}
