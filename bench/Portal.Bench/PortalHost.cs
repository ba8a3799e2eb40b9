using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Portal.Bench;

/// <summary>A portal process from the build output, on a fresh SQLite file and a free loopback port.</summary>
internal sealed class PortalHost : IAsyncDisposable
{
    private readonly Process _process;
    private readonly string _folder;

    private PortalHost(Process process, string folder, Uri baseUrl)
    {
        (_process, _folder, BaseUrl) = (process, folder, baseUrl);
    }

    public Uri BaseUrl { get; }

    /// <summary>The portal's process id (dotnet runs the app in its own process).</summary>
    public int ProcessId => _process.Id;

    /// <summary>A bare Kestrel app on a free loopback port, without logging: the baselines and targets the scenarios measure against.</summary>
    public static (Microsoft.AspNetCore.Builder.WebApplicationBuilder Builder, Uri Root) BareBuilder()
    {
        var port = FreePort();
        var builder = Microsoft.AspNetCore.Builder.WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        return (builder, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Starts the portal and returns once it listens (not waiting for readiness, so start-up can be timed).</summary>
    public static PortalHost Start(IDictionary<string, string> environment)
    {
        var dll = PortalDll();
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
        var process = Process.Start(start)!;
        // BENCH_PORTAL_LOG=1 prints the portal's own log (e.g. with Logging__LogLevel__Portal.Features.Alerts=Debug).
        var echo = Environment.GetEnvironmentVariable("BENCH_PORTAL_LOG") == "1";
        process.OutputDataReceived += (_, e) =>
        {
            if (echo && e.Data is not null)
            {
                Console.WriteLine("portal: " + e.Data);
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new PortalHost(process, folder, new Uri($"http://127.0.0.1:{port}/"));
    }

    /// <summary>Polls /health/ready until it answers 200; the time it took.</summary>
    public async Task<TimeSpan> WaitUntilReadyAsync(Stopwatch since)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        while (since.Elapsed < TimeSpan.FromSeconds(60))
        {
            try
            {
                if ((await http.GetAsync(new Uri(BaseUrl, "health/ready"))).StatusCode == HttpStatusCode.OK)
                {
                    return since.Elapsed;
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or listening but not answering within the client's timeout while it starts.
            }
            await Task.Delay(10);
        }
        throw new TimeoutException("The portal did not become ready within 60 s.");
    }

    public async ValueTask DisposeAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
        _process.Dispose();
        Directory.Delete(_folder, recursive: true);
    }

    private static string PortalDll()
    {
        // BENCH_PORTAL_DLL: another build of the portal, for example a ReadyToRun publish (dotnet publish Portal -c Release -r linux-x64).
        if (Environment.GetEnvironmentVariable("BENCH_PORTAL_DLL") is { Length: > 0 } given)
        {
            return given;
        }
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
        {
            dir = dir.Parent;
        }
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(dir!.FullName, "Portal", "bin", configuration, "net10.0", "Portal.dll");
    }

    internal static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
