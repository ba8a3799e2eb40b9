using System.Diagnostics;
using System.Net.Http.Json;

namespace Portal.Tests.Support;

/// <summary>
/// A real Prometheus Alertmanager from the installed binary, on a free port with clustering off, its configuration
/// and storage in a temp folder; stopped on dispose. Alerts are posted to its API as Prometheus would.
/// </summary>
public sealed class AlertmanagerServer : IAsyncDisposable
{
    public const string Binary = "/usr/bin/prometheus-alertmanager";
    public const string InstallCommand = "apt-get install -y prometheus-alertmanager";
    private readonly string _folder;
    private readonly Process _process;
    private readonly HttpClient _http;

    private AlertmanagerServer(Process process, Uri url, string folder)
    {
        (_process, Url, _folder) = (process, url, folder);
        _http = new HttpClient { BaseAddress = url, Timeout = TimeSpan.FromSeconds(10) };
    }

    public Uri Url { get; }

    /// <summary>Starts Alertmanager with <paramref name="configYaml"/> and waits until it is ready.</summary>
    public static async Task<AlertmanagerServer> StartAsync(string configYaml)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"Prometheus Alertmanager was not found at {Binary}. Install it: {InstallCommand}");
        }
        var folder = Path.Combine(Path.GetTempPath(), $"portal-am-{Guid.NewGuid():N}");
        Directory.CreateDirectory(folder);
        var config = Path.Combine(folder, "alertmanager.yml");
        await File.WriteAllTextAsync(config, configYaml);
        var port = Ports.Free();
        var start = new ProcessStartInfo(Binary) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in new[]
        {
            $"--config.file={config}", $"--storage.path={Path.Combine(folder, "data")}", $"--web.listen-address=127.0.0.1:{port}",
            "--cluster.listen-address=", "--log.level=warn",
        })
        {
            start.ArgumentList.Add(arg);
        }
        var process = Process.Start(start)!;
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new AlertmanagerServer(process, new Uri($"http://127.0.0.1:{port}/"), folder);
        await server.WaitReadyAsync();
        return server;
    }

    private async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(20))
        {
            if (_process.HasExited)
            {
                throw new InvalidOperationException($"Alertmanager exited with code {_process.ExitCode}; check its configuration.");
            }
            try
            {
                if ((await _http.GetAsync(new Uri("-/ready", UriKind.Relative))).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(100);
        }
        throw new TimeoutException("Alertmanager did not become ready within 20 s.");
    }

    /// <summary>Posts alerts to Alertmanager's API v2, as Prometheus does; an alert with <c>endsAt</c> in the past has ended.</summary>
    public async Task PostAlertsAsync(IEnumerable<object> alerts)
    {
        using var response = await _http.PostAsJsonAsync(new Uri("api/v2/alerts", UriKind.Relative), alerts);
        response.EnsureSuccessStatusCode();
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
        _http.Dispose();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
