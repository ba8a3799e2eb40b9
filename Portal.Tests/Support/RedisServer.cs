using System.Diagnostics;

namespace Portal.Tests.Support;

/// <summary>
/// A real Redis server on a free loopback port, started from the installed <c>redis-server</c> (no persistence) and
/// stopped after the tests. It can be stopped and started again on the same port, to test an outage.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    public const string InstallCommand = "apt-get install -y redis-server";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"portal-redis-{Guid.NewGuid():N}");
    private Process? _process;

    public int Port { get; } = Ports.Free();

    public string ConnectionString => $"127.0.0.1:{Port}";

    /// <summary>True between <see cref="StartAsync"/> and <see cref="StopAsync"/>.</summary>
    public bool Running => _process is { HasExited: false };

    public async ValueTask InitializeAsync() => await StartAsync();

    public async Task StartAsync()
    {
        const string binary = "/usr/bin/redis-server";
        if (!File.Exists(binary))
        {
            throw new InvalidOperationException($"redis-server was not found at {binary}. Install it: {InstallCommand}");
        }
        Directory.CreateDirectory(_folder);
        _process = Process.Start(new ProcessStartInfo(binary)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", _folder },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        })!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var process = _process;
        if (!await Ports.WaitUntilListeningAsync(Port, TimeSpan.FromSeconds(15), () => process.HasExited))
        {
            throw new InvalidOperationException($"redis-server did not start listening on port {Port} within 15 s.");
        }
    }

    /// <summary>Kills the server (as an outage would); <see cref="StartAsync"/> brings it back on the same port.</summary>
    public async Task StopAsync()
    {
        if (_process is { HasExited: false } process)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        _process = null;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
