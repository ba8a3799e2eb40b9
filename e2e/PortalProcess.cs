using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.E2E;

/// <summary>
/// The portal as a real process on loopback, from the build output, with a fresh data folder; stopped after the tests.
/// </summary>
public sealed class PortalProcess : IAsyncDisposable
{
    private readonly ProcessStartInfo _start;
    private readonly StringBuilder _output = new();
    private readonly string _dataFolder;
    private Process _process;

    private PortalProcess(ProcessStartInfo start, string dataFolder, Uri baseUrl)
    {
        _start = start;
        _dataFolder = dataFolder;
        BaseUrl = baseUrl;
        _process = Launch();
    }

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(180);

    public Uri BaseUrl { get; }

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<PortalProcess> StartAsync(IDictionary<string, string>? settings = null)
    {
        var dll = Paths.PortalDll();
        var data = Path.Combine(Path.GetTempPath(), $"portal-e2e-{Guid.NewGuid():N}");
        Directory.CreateDirectory(data);
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
        // Build output serves static web assets only in Development.
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["ConnectionStrings__Portal"] = $"Data Source={Path.Combine(data, "portal.db")}";
        start.Environment["Logging__Console__FormatterName"] = "simple";
        // Every browser test signs in from 127.0.0.1; the per-address sign-in limit is for real clients.
        start.Environment["RateLimits__SignInPerMinute"] = "1000";
        // The embedding model (and the minute of one core it spends on the demo history) only where a test asks for it.
        start.Environment["AI__Enabled"] = "false";
        // A test portal lives a minute, mostly starting and seeding the demo world: profile-guided re-compilation costs
        // it more JIT time than it ever pays back (a seeded start: 17.7 s → 13.5 s).
        start.Environment["DOTNET_TieredPGO"] = "0";
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        var portal = new PortalProcess(start, data, new Uri($"http://127.0.0.1:{port}/"));
        try
        {
            await portal.WaitUntilReadyAsync();
        }
        catch
        {
            // A portal that did not come up is stopped, not left running beside the tests that follow.
            await portal.DisposeAsync();
            throw;
        }
        return portal;
    }

    private Process Launch()
    {
        var process = Process.Start(_start) ?? throw new InvalidOperationException("Could not start the portal process.");
        process.OutputDataReceived += (_, e) => Append(e.Data);
        process.ErrorDataReceived += (_, e) => Append(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    /// <summary>Kills the process as a crash would, keeping its data folder and port.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    /// <summary>Starts the portal again on the same port and data.</summary>
    public async Task RestartAsync()
    {
        _process.Dispose();
        _process = Launch();
        await WaitUntilReadyAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>
    /// Waits for <c>/health/ready</c>. A first start migrates and seeds the demo world (about 10 s of CPU); with two
    /// test classes, their browsers and other portals sharing two cores it has been seen to take over a minute.
    /// </summary>
    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = BaseUrl, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow.Add(ReadyTimeout);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"The portal exited with {_process.ExitCode}:\n{Output}");
            }
            try
            {
                if ((await http.GetAsync(new Uri("/health/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                // Not listening yet, or one probe took longer than its 5 s on a busy machine: ask again until the deadline.
            }
            await Task.Delay(200);
        }
        throw new TimeoutException($"The portal was not ready within {ReadyTimeout.TotalSeconds} s:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        try
        {
            Directory.Delete(_dataFolder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class Paths
{
    /// <summary>The folder holding Portal.sln.</summary>
    public static string RepositoryRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Portal.sln")))
        {
            dir = dir.Parent;
        }
        return dir?.FullName ?? throw new InvalidOperationException("Portal.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>Portal.dll of the same configuration as these tests (PORTAL_E2E_DLL overrides).</summary>
    public static string PortalDll()
    {
        if (Environment.GetEnvironmentVariable("PORTAL_E2E_DLL") is { Length: > 0 } given)
        {
            return given;
        }
        var configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        var dll = Path.Combine(RepositoryRoot(), "Portal", "bin", configuration, "net10.0", "Portal.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the portal first (dotnet build -c {configuration}); not found: {dll}");
    }

    public static string Artifacts(string name)
    {
        var folder = Path.Combine(RepositoryRoot(), "artifacts", "e2e");
        Directory.CreateDirectory(folder);
        return Path.Combine(folder, name);
    }
}
