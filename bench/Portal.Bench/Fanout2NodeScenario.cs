using System.Diagnostics;
using System.Net.Http.Headers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Portal.Infrastructure.Live;

namespace Portal.Bench;

/// <summary>
/// Live fan-out across two nodes: two portal processes on one PostgreSQL and one Redis (both started here from the
/// installed binaries), N hub clients split between them, every change committed through node B's API. Clients on
/// node A measure commit → receipt across nodes (through Redis), clients on node B the same within the node.
/// </summary>
internal static class Fanout2NodeScenario
{
    private const string Token = "bench-fanout-token-000000000000";

    public static async Task<int> RunAsync(string[] args)
    {
        var clients = args.Length > 0 && int.TryParse(args[0], out var c) ? c : 1000;
        var seconds = args.Length > 1 && int.TryParse(args[1], out var s) ? s : 10;
        var folder = Path.Combine(Path.GetTempPath(), $"portal-bench-2node-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var (pgPort, redisPort) = (PortalHost.FreePort(), PortalHost.FreePort());
        Process? redis = null;
        try
        {
            await StartPostgresAsync(folder, pgPort);
            redis = Process.Start(new ProcessStartInfo("redis-server", ["--port", $"{redisPort}", "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
            {
                RedirectStandardOutput = true, UseShellExecute = false,
            })!;
            var environment = new Dictionary<string, string>
            {
                ["ASPNETCORE_ENVIRONMENT"] = "Development",
                ["Demo__History"] = "false",
                ["RateLimits__ApiPerMinute"] = "1000000",
                ["Provisioning__ApiTokens__0__Token"] = Token,
                ["Provisioning__ApiTokens__0__User"] = "grace.coleman@portal.example",
                ["Database__Provider"] = "Postgres",
                ["ConnectionStrings__Portal"] = $"Host=127.0.0.1;Port={pgPort};Database=postgres;Username=postgres",
                ["Live__Redis"] = $"127.0.0.1:{redisPort}",
            };
            await using var a = PortalHost.Start(environment);
            await a.WaitUntilReadyAsync(Stopwatch.StartNew());
            await using var b = PortalHost.Start(environment);
            await b.WaitUntilReadyAsync(Stopwatch.StartNew());

            var (onA, onB) = (new FanoutScenario.Latencies(), new FanoutScenario.Latencies());
            var connections = new List<HubConnection>();
            foreach (var batch in Enumerable.Range(0, clients).Chunk(50))
            {
                connections.AddRange(await Task.WhenAll(batch.Select(async i =>
                {
                    var (host, latencies) = i % 2 == 0 ? (a, onA) : (b, onB);
                    var connection = new HubConnectionBuilder().WithUrl(new Uri(host.BaseUrl, "hubs/live"), o =>
                    {
                        o.Transports = HttpTransportType.WebSockets;
                        o.SkipNegotiation = true;
                        o.AccessTokenProvider = () => Task.FromResult<string?>(Token);
                    }).Build();
                    connection.On<IncidentChangedMessage>(LiveHub.ChangedMethod, m => latencies.Add((DateTimeOffset.UtcNow - m.UpdatedAt).TotalMilliseconds));
                    await connection.StartAsync();
                    await connection.InvokeAsync("Subscribe", "incidents");
                    return connection;
                })));
            }
            Console.WriteLine($"fanout-2node: {clients} hub clients, half on node A and half on node B; every change committed on node B");
            using var http = new HttpClient { BaseAddress = b.BaseUrl };
            http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Token);

            await FanoutScenario.SendAtFiftyPerSecondAsync(http, 250, "warm-up");
            await Task.WhenAll(onA.WaitForAsync(250 * clients / 2), onB.WaitForAsync(250 * clients / 2));
            onA.Reset();
            onB.Reset();

            var changes = 50 * seconds;
            await FanoutScenario.SendAtFiftyPerSecondAsync(http, changes, "sustained");
            await Task.WhenAll(onA.WaitForAsync(changes * clients / 2), onB.WaitForAsync(changes * clients / 2));
            var acrossNodes = onA.Report("node A (across nodes, via Redis)", changes * clients / 2);
            var sameNode = onB.Report("node B (where it was committed)", changes * clients / 2);
            // The budget (issue 23) is 1.5 × fanout's one-node figure, which `bench all` measures in the same run.
            Verdicts.Measured($"commit on B → {clients / 2:N0} clients on A, 50 changes/s, p99", acrossNodes, "ms");
            Verdicts.Measured($"commit on B → {clients / 2:N0} clients on B, 50 changes/s, p99", sameNode, "ms");
            await Task.WhenAll(connections.Select(x => x.DisposeAsync().AsTask()));
            return 0;
        }
        finally
        {
            redis?.Kill(entireProcessTree: true);
            await RunAsync("runuser", ["-u", "postgres", "--", PgBin("pg_ctl"), "-D", Path.Combine(folder, "pg"), "-m", "immediate", "-w", "stop"], throwOnFailure: false);
            Directory.Delete(folder, recursive: true);
        }
    }

    internal static string PgBin(string name) =>
        Directory.GetDirectories("/usr/lib/postgresql").Select(d => Path.Combine(d, "bin", name)).FirstOrDefault(File.Exists)
            ?? throw new InvalidOperationException("PostgreSQL server binaries were not found: apt-get install -y postgresql");

    internal static async Task StartPostgresAsync(string folder, int port)
    {
        await RunAsync("chown", ["postgres:postgres", folder]);
        var data = Path.Combine(folder, "pg");
        await RunAsync("runuser", ["-u", "postgres", "--", PgBin("initdb"), "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"]);
        await RunAsync("runuser", ["-u", "postgres", "--", PgBin("pg_ctl"), "-D", data, "-l", Path.Combine(folder, "pg.log"), "-w",
            "-o", $"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off", "start"]);
    }

    internal static async Task RunAsync(string file, string[] arguments, bool throwOnFailure = true)
    {
        using var process = Process.Start(new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false })!;
        var error = await process.StandardError.ReadToEndAsync();
        await process.StandardOutput.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', arguments)} failed: {error}");
        }
    }
}
