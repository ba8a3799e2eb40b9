using System.Diagnostics;
using System.Text;
using Portal.Tests.Support;

namespace Portal.E2E;

/// <summary>
/// HAProxy from Debian in front of two portal processes, running the repository's <c>deploy/haproxy.cfg</c> as an
/// operator would (sticky cookie PORTAL_NODE, WebSockets, <c>/health/ready</c> checks).
/// </summary>
public sealed class LoadBalancer : IAsyncDisposable
{
    public const string Binary = "/usr/sbin/haproxy";
    public const string InstallCommand = "apt-get install -y haproxy";
    public const string NodeCookie = "PORTAL_NODE";

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private LoadBalancer(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    /// <summary>Starts HAProxy with node <c>a</c> and node <c>b</c> behind it and waits until it listens.</summary>
    public static async Task<LoadBalancer> StartAsync(Uri nodeA, Uri nodeB)
    {
        if (!File.Exists(Binary))
        {
            throw new InvalidOperationException($"HAProxy is not installed at {Binary}. Install it: {InstallCommand}");
        }
        var port = Ports.Free();
        var start = new ProcessStartInfo(Binary)
        {
            ArgumentList = { "-f", Path.Combine(Paths.RepositoryRoot(), "deploy", "haproxy.cfg"), "-db" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.Environment["PORTAL_LB"] = $"127.0.0.1:{port}";
        start.Environment["PORTAL_NODE_A"] = $"127.0.0.1:{nodeA.Port}";
        start.Environment["PORTAL_NODE_B"] = $"127.0.0.1:{nodeB.Port}";
        var balancer = new LoadBalancer(Process.Start(start)!, new Uri($"http://127.0.0.1:{port}/"));
        balancer._process.OutputDataReceived += (_, e) => balancer.Append(e.Data);
        balancer._process.ErrorDataReceived += (_, e) => balancer.Append(e.Data);
        balancer._process.BeginOutputReadLine();
        balancer._process.BeginErrorReadLine();
        if (!await Ports.WaitUntilListeningAsync(port, TimeSpan.FromSeconds(15), () => balancer._process.HasExited))
        {
            await balancer.DisposeAsync();
            throw new InvalidOperationException($"haproxy did not listen on {port} within 15 s:\n{balancer.Output}");
        }
        return balancer;
    }

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

    private void Append(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
