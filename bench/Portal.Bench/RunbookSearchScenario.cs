using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Features.Runbooks;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Web;
using Portal.Shared.Runbooks;

namespace Portal.Bench;

/// <summary>
/// Runbook search over 10,000 generated runbooks (SQLite FTS5): p50/p95 of the search itself and of the API's list
/// call (search, then the matching runbooks read back), for realistic queries. Budget (issue 6): p95 under 50 ms.
/// </summary>
internal static class RunbookSearchScenario
{
    private static readonly TimeSpan Budget = TimeSpan.FromMilliseconds(50);

    private static readonly string[] Queries =
    [
        "invoices not generated queue growing", "gateway timeout", "settlement lag", "campaign overspend pacing", "promo credit applied twice",
        "reconciliation mismatch drift", "VAT wrong on invoice", "fx rates stale", "advertiser charged twice", "refunds stuck",
        "kubectl scale workers", "escalate SEV2", "acquirer file", "month-end close", "partner token",
    ];

    public static async Task<int> RunAsync(string[] args)
    {
        var count = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 10_000;
        var folder = Path.Combine(Path.GetTempPath(), $"portal-bench-runbooks-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var connection = $"Data Source={Path.Combine(folder, "runbooks.db")}";
        try
        {
            var options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(connection).Options;
            var factory = new PortalDbContextFactory<SqlitePortalDbContext>(new PooledDbContextFactory<SqlitePortalDbContext>(options));
            await PrepareAsync(factory, count);
            var service = new RunbookService(factory, new MarkdownRenderer(), TimeProvider.System);
            Console.WriteLine($"runbook-search: {count:N0} runbooks; {Queries.Length} queries, 40 rounds each");

            var search = await MeasureAsync(async q =>
            {
                await using var db = await factory.CreateDbContextAsync();
                return (await RunbookSearch.SearchAsync(db, q, 50, CancellationToken.None)).Count;
            });
            Report("search (FTS5, top 50)", search);
            var list = await MeasureAsync(async q => (await service.ListAsync(q, limit: 50)).Count);
            Report("GET /api/runbooks?q= (top 50)", list);
            var p95 = list[(int)(list.Count * 0.95)];
            Verdicts.Under($"runbook search p95, {count:N0} runbooks", p95, Budget.TotalMilliseconds, "ms");
            return 0;
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(folder, recursive: true);
        }
    }

    private static async Task<List<double>> MeasureAsync(Func<string, Task<int>> run)
    {
        foreach (var q in Queries)
        {
            await run(q);
        }
        var times = new List<double>();
        for (var round = 0; round < 40; round++)
        {
            foreach (var q in Queries)
            {
                var clock = Stopwatch.StartNew();
                await run(q);
                times.Add(clock.Elapsed.TotalMilliseconds);
            }
        }
        times.Sort();
        return times;
    }

    private static void Report(string name, List<double> times) =>
        Console.WriteLine($"{name,-30} p50 {times[times.Count / 2],6:0.00} ms   p95 {times[(int)(times.Count * 0.95)],6:0.00} ms   max {times[^1],6:0.00} ms");

    /// <summary>The demo's 25 runbooks, each copied count/25 times with its own slug, numbers and a few words of its own.</summary>
    private static async Task PrepareAsync(IDbContextFactory<PortalDbContext> factory, int count)
    {
        await using var db = await factory.CreateDbContextAsync();
        await db.Database.MigrateAsync();
        await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;");
        var folder = Path.Combine(AppContext.BaseDirectory, "Features", "Demo", "Runbooks");
        var sources = Directory.GetFiles(folder, "*.md").Select(f => RunbookFiles.Parse(File.ReadAllText(f)).File!).ToList();
        var words = new[] { "ledger", "queue", "timeout", "worker", "region", "dashboard", "retry", "batch", "partner", "cache", "deploy", "rollback" };
        var random = new Random(7);
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < count; i += 500)
        {
            for (var j = i; j < Math.Min(count, i + 500); j++)
            {
                var source = sources[j % sources.Count];
                var extra = string.Join(' ', Enumerable.Range(0, 12).Select(_ => words[random.Next(words.Length)]));
                db.Runbooks.Add(new Runbook
                {
                    Slug = $"{source.Slug}-{j}", Title = $"{source.Title} ({j})", Body = $"{source.Body}\n\nNotes {j}: {extra}.\n", Services = source.Services ?? [],
                    Tags = source.Tags ?? [], Revision = 1, CreatedAt = DateTimeOffset.UtcNow, UpdatedAt = DateTimeOffset.UtcNow,
                });
            }
            await db.SaveChangesAsync();
            db.ChangeTracker.Clear();
        }
        await db.Database.ExecuteSqlRawAsync("""
            INSERT INTO "RunbookSearch" (rowid, "Title", "Body", "Tags") SELECT "Id", "Title", "Body", "Tags" FROM "Runbooks";
            INSERT INTO "RunbookSearch" ("RunbookSearch") VALUES ('optimize');
            """);
        Console.WriteLine($"generated and indexed {count:N0} runbooks in {clock.Elapsed.TotalSeconds:0.0} s");
    }
}
