using System.Diagnostics;

namespace Portal.Bench;

/// <summary>
/// Alert ingestion on PostgreSQL (started here), through one portal node and then through two (with Redis for their
/// live feed): requests per second with every event committed before its 202, unique dedup keys.
/// </summary>
internal static class Ingest2NodeScenario
{
    public static async Task<int> RunAsync(string[] args)
    {
        var seconds = args.Length > 0 && int.TryParse(args[0], out var s) ? s : 10;
        var senders = args.Length > 1 && int.TryParse(args[1], out var c) ? c : 32;
        var folder = Path.Combine(Path.GetTempPath(), $"portal-bench-ingest2-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var (pgPort, redisPort) = (PortalHost.FreePort(), PortalHost.FreePort());
        Process? redis = null;
        try
        {
            await Fanout2NodeScenario.StartPostgresAsync(folder, pgPort);
            redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", $"{redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            var environment = IngestScenario.Settings();
            environment["Database__Provider"] = "Postgres";
            environment["ConnectionStrings__Portal"] = $"Host=127.0.0.1;Port={pgPort};Database=postgres;Username=postgres";
            environment["Live__Redis"] = $"127.0.0.1:{redisPort}";
            await using var bare = await IngestScenario.BareEndpoint.StartAsync();
            await IngestScenario.LoadAsync([bare.Url], senders, IngestScenario.Warmup, IngestScenario.Unique("warm-bare"));
            var baseline = await IngestScenario.LoadAsync([bare.Url], senders, seconds, IngestScenario.Unique("bare"));
            IngestScenario.Report("bare Kestrel endpoint (202)", baseline);
            await using var a = PortalHost.Start(environment);
            await a.WaitUntilReadyAsync(Stopwatch.StartNew());
            Console.WriteLine($"ingest-2node: {senders} concurrent senders, {seconds} s per run, PostgreSQL");
            var one = new[] { new Uri(a.BaseUrl, "v2/enqueue") };
            await IngestScenario.LoadAsync(one, senders, IngestScenario.Warmup, IngestScenario.Unique("warm-a"));
            var single = await IngestScenario.LoadAsync(one, senders, seconds, IngestScenario.Unique("one"));
            IngestScenario.Report("one node", single);

            await using var b = PortalHost.Start(environment);
            await b.WaitUntilReadyAsync(Stopwatch.StartNew());
            var two = new[] { one[0], new Uri(b.BaseUrl, "v2/enqueue") };
            await IngestScenario.LoadAsync(two, senders, IngestScenario.Warmup, IngestScenario.Unique("warm-b"));
            var both = await IngestScenario.LoadAsync(two, senders, seconds, IngestScenario.Unique("two"));
            IngestScenario.Report("two nodes (senders split)", both);
            Verdicts.AtLeast("ingestion, unique keys, PostgreSQL, one node", single.PerSecond, baseline.PerSecond, 0.25, "/s", single.Failures == 0, $"{single.Failures} not 202");
            Verdicts.Under("ingestion, unique keys, PostgreSQL, one node, p99", single.P99, 50, "ms");
            // All processes share this machine's cores, so a second node has no cores of its own to add.
            Verdicts.AtLeast("ingestion, PostgreSQL, two nodes (× one node)", both.PerSecond, single.PerSecond, 1.70, "/s", both.Failures == 0, $"{both.Failures} not 202");
            return 0;
        }
        finally
        {
            redis?.Kill(entireProcessTree: true);
            await Fanout2NodeScenario.RunAsync("runuser", ["-u", "postgres", "--", Fanout2NodeScenario.PgBin("pg_ctl"), "-D", Path.Combine(folder, "pg"), "-m", "immediate", "-w", "stop"],
                throwOnFailure: false);
            Directory.Delete(folder, recursive: true);
        }
    }
}
