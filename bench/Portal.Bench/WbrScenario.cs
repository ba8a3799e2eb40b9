using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.Extensions.Logging.Abstractions;
using Portal.Features.Metrics;
using Portal.Features.OnCall;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Live;
using Portal.Shared.Metrics;

namespace Portal.Bench;

/// <summary>
/// The WBR over 1,000,000 incidents (SQLite; one a minute, so about 10,000 a week): the time ReviewPackService takes
/// to compute a week against the week before, the 13-week trend, SEV1s and overdue actions. Budget: under 1 s.
/// </summary>
internal static class WbrScenario
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 1_000_000;
        var folder = Path.Combine(Path.GetTempPath(), $"portal-bench-wbr-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        try
        {
            var options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={Path.Combine(folder, "wbr.db")}").Options;
            var factory = new PortalDbContextFactory<SqlitePortalDbContext>(new PooledDbContextFactory<SqlitePortalDbContext>(options));
            await QueueScenario.PrepareAsync(factory, count);
            var clock = TimeProvider.System;
            var feed = new InMemoryLiveFeed(NullLogger<InMemoryLiveFeed>.Instance);
            var audit = new Portal.Infrastructure.Auth.AuditWriter(factory, clock, new Portal.Infrastructure.Web.ClientOrigin());
            var oncall = new OnCallService(factory, clock, audit);
            var metrics = new MetricsService(factory, oncall, new MetricsOptions(), clock);
            var packs = new ReviewPackService(factory, metrics, new Portal.Features.Metrics.CaseMetricsService(factory, clock), clock, []);
            var week = ReportingCalendar.Shift(ReportingCalendar.WeekOf(clock.GetUtcNow(), metrics.Zone), -1, metrics.Zone).Name;

            var first = await packs.WbrAsync(week);
            Console.WriteLine($"wbr {week}: {first.Current.Incidents:N0} incidents this week, {first.Prior.Incidents:N0} the week before, " +
                $"{first.Trend.Sum(t => t.Incidents):N0} over 13 weeks; {first.Callouts.Count} callouts");
            var times = new List<double>();
            for (var i = 0; i < 10; i++)
            {
                var watch = Stopwatch.StartNew();
                await packs.WbrAsync(week);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            var monthWatch = Stopwatch.StartNew();
            var mbr = await packs.MbrAsync(null);
            var monthMs = monthWatch.Elapsed.TotalMilliseconds;
            Console.WriteLine($"WBR over {count:N0} incidents: p50 {times[times.Count / 2]:0} ms   max {times[^1]:0} ms   (MBR {mbr.Period.Name}, 12-month trend: {monthMs:0} ms)");
            Verdicts.Under($"WBR, {count:N0} incidents (p50)", times[times.Count / 2], Budget.TotalMilliseconds, "ms");
            Verdicts.Under($"MBR with its 12-month trend, {count:N0} incidents", monthMs, Budget.TotalMilliseconds, "ms");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }
}
