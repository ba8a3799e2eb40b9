using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Portal.Bench;

/// <summary>
/// Cold start to ready: a new portal process on an empty SQLite file, timed until /health/ready answers 200
/// (migrations applied, provisioning done). Budget (DESIGN.md): under 3 s. Also timed with the demo world seeded.
/// </summary>
internal static class StartupScenario
{
    private static readonly TimeSpan Budget = TimeSpan.FromSeconds(3);

    public static async Task<int> RunAsync(string[] args)
    {
        var runs = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 5;
        var dll = PortalDll();
        Console.WriteLine($"startup: {runs} runs of {dll}");

        var empty = await MeasureAsync(dll, runs, new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__Mode"] = "Demo", ["Demo__Seed"] = "false" });
        var seeded = await MeasureAsync(dll, runs, new() { ["ASPNETCORE_ENVIRONMENT"] = "Production", ["Auth__Mode"] = "Demo", ["Demo__Seed"] = "true" });

        Report("empty SQLite", empty);
        Report("demo world seeded", seeded);
        var within = Median(empty) < Budget;
        Console.WriteLine($"budget: cold start to ready under {Budget.TotalSeconds:0} s (median, empty SQLite) -> {(within ? "within" : "OVER")}");
        return 0;
    }

    private static void Report(string name, List<TimeSpan> times)
    {
        var ms = times.Select(t => t.TotalMilliseconds).Order().ToList();
        Console.WriteLine($"{name,-20} min {ms[0],6:0} ms   median {Median(times).TotalMilliseconds,6:0} ms   max {ms[^1],6:0} ms");
    }

    private static TimeSpan Median(List<TimeSpan> times) => times.Order().ElementAt(times.Count / 2);

    private static async Task<List<TimeSpan>> MeasureAsync(string dll, int runs, Dictionary<string, string> environment)
    {
        var results = new List<TimeSpan>();
        for (var i = 0; i < runs; i++)
        {
            var folder = Path.Combine(Path.GetTempPath(), $"portal-bench-{Guid.NewGuid():N}");
            Directory.CreateDirectory(folder);
            var port = FreePort();
            var start = new ProcessStartInfo("dotnet")
            {
                WorkingDirectory = Path.GetDirectoryName(dll)!,
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            };
            start.ArgumentList.Add(dll);
            start.ArgumentList.Add("--urls");
            start.ArgumentList.Add($"http://127.0.0.1:{port}");
            start.Environment["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(folder, "portal.db")}";
            start.Environment["Logging__LogLevel__Default"] = "Warning";
            foreach (var (key, value) in environment)
            {
                start.Environment[key] = value;
            }

            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
            var clock = Stopwatch.StartNew();
            using var process = Process.Start(start)!;
            process.OutputDataReceived += (_, _) => { };
            process.ErrorDataReceived += (_, _) => { };
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            try
            {
                while (clock.Elapsed < TimeSpan.FromSeconds(60))
                {
                    try
                    {
                        var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health/ready"));
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            results.Add(clock.Elapsed);
                            break;
                        }
                    }
                    catch (HttpRequestException)
                    {
                    }
                    await Task.Delay(10);
                }
            }
            finally
            {
                process.Kill(entireProcessTree: true);
                await process.WaitForExitAsync();
                Directory.Delete(folder, recursive: true);
            }
        }
        return results;
    }

    private static string PortalDll()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
        {
            dir = dir.Parent;
        }
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(dir!.FullName, "Portal", "bin", configuration, "net10.0", "Portal.dll");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
