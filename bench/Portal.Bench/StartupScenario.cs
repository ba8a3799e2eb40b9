using System.Diagnostics;

namespace Portal.Bench;

/// <summary>
/// Cold start to ready: a new portal process on an empty SQLite file, timed until /health/ready answers 200
/// (migrations applied, provisioning done). Budgets (issue 23): under 2 s, and under 5 s with the demo world seeded.
/// </summary>
internal static class StartupScenario
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SeededBudget = TimeSpan.FromSeconds(5);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 5;
        Console.WriteLine($"startup: {runs} runs");
        var empty = await MeasureAsync(runs, new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__Mode"] = "Demo", ["Demo__Seed"] = "false" });
        var seeded = await MeasureAsync(runs, new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__Mode"] = "Demo", ["Demo__Seed"] = "true" });
        // The embedding model's share: the same empty start with intelligence off.
        var noModel = await MeasureAsync(runs, new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__Mode"] = "Demo", ["Demo__Seed"] = "false", ["AI__Enabled"] = "false" });
        Report("empty SQLite", empty);
        Report("demo world seeded", seeded);
        Report("empty, intelligence off", noModel);
        Verdicts.Measured("the embedding model's share of an empty start (median with − without)", (Median(empty) - Median(noModel)).TotalSeconds, "s");
        var (withModel, withoutModel) = (await ResidentAsync(true), await ResidentAsync(false));
        Verdicts.Measured("resident memory, idle after start, intelligence on", withModel, "MB");
        Verdicts.Measured("resident memory, idle after start, intelligence off", withoutModel, "MB");
        Verdicts.Under("cold start to ready, empty SQLite (median)", Median(empty).TotalSeconds, Budget.TotalSeconds, "s");
        Verdicts.Under("cold start to ready, demo world seeded (median)", Median(seeded).TotalSeconds, SeededBudget.TotalSeconds, "s");
        return 0;
    }

    private static async Task<List<TimeSpan>> MeasureAsync(int runs, Dictionary<string, string> environment)
    {
        var results = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            await using var host = PortalHost.Start(environment);
            results.Add(await host.WaitUntilReadyAsync(clock));
        }
        return results;
    }

    /// <summary>A demo portal's resident set once ready and idle for five seconds (the model, when on, loads meanwhile).</summary>
    private static async Task<double> ResidentAsync(bool intelligence)
    {
        await using var host = PortalHost.Start(new Dictionary<string, string>
        {
            ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__Mode"] = "Demo", ["Demo__Seed"] = "true", ["AI__Enabled"] = intelligence ? "true" : "false",
        });
        await host.WaitUntilReadyAsync(Stopwatch.StartNew());
        await Task.Delay(TimeSpan.FromSeconds(5));
        var status = await File.ReadAllLinesAsync($"/proc/{host.ProcessId}/status");
        var kb = long.Parse(status.First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture);
        return kb / 1024.0;
    }

    private static void Report(string name, List<TimeSpan> times)
    {
        var ms = times.Select(t => t.TotalMilliseconds).Order().ToList();
        Console.WriteLine($"{name,-20} min {ms[0],6:0} ms   median {Median(times).TotalMilliseconds,6:0} ms   max {ms[^1],6:0} ms");
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);
}
