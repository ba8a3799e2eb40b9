using System.Diagnostics;
using Npgsql;

namespace Portal.Tests.Support;

/// <summary>
/// A real PostgreSQL server in a temp folder on a free port, started from the installed binaries and stopped
/// after the tests. Each test gets a database of its own from <see cref="CreateDatabaseAsync"/>.
/// </summary>
public sealed class PostgresServer : IAsyncLifetime
{
    public const string InstallCommand = "apt-get install -y postgresql";
    private readonly string _folder = Path.Combine(Path.GetTempPath(), $"portal-pg-{Guid.NewGuid():N}");
    private string _bin = "";
    private bool _asPostgresUser;

    public int Port { get; private set; }

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Pooling=true;Timeout=15";

    public async ValueTask InitializeAsync()
    {
        await PrepareAsync();
        await StartAsync();
    }

    /// <summary>Makes the data folder and picks the port, without starting the server.</summary>
    public async Task PrepareAsync()
    {
        _bin = FindBinaries() ?? throw new InvalidOperationException(
            $"PostgreSQL server binaries (initdb, pg_ctl) were not found under /usr/lib/postgresql/*/bin. Install them: {InstallCommand}");
        // PostgreSQL refuses to run as root; CI runs as root, so the server runs as the postgres user there.
        _asPostgresUser = Environment.UserName == "root";
        Directory.CreateDirectory(_folder);
        if (_asPostgresUser)
        {
            await RunAsync("chown", ["-R", "postgres:postgres", _folder], asPostgres: false);
        }
        Port = Ports.Free();
        var data = Path.Combine(_folder, "data");
        await RunAsync(Path.Combine(_bin, "initdb"), ["-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync"], _asPostgresUser);
    }

    public async Task StartAsync()
    {
        var data = Path.Combine(_folder, "data");
        await RunAsync(Path.Combine(_bin, "pg_ctl"),
            ["-D", data, "-l", Path.Combine(_folder, "server.log"), "-w", "-t", "60",
             "-o", $"-p {Port} -k {_folder} -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off", "start"],
            _asPostgresUser);
    }

    /// <summary>Stops the server (clients are cut off, as in a restart); <see cref="StartAsync"/> brings it back.</summary>
    public async Task StopAsync() =>
        await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "fast", "-w", "stop"], _asPostgresUser);

    public async Task<string> CreateDatabaseAsync()
    {
        var name = $"portal_{Guid.NewGuid():N}";
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await command.ExecuteNonQueryAsync();
        return ConnectionString(name);
    }

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        if (!string.IsNullOrEmpty(_bin) && Directory.Exists(Path.Combine(_folder, "data")))
        {
            await RunAsync(Path.Combine(_bin, "pg_ctl"), ["-D", Path.Combine(_folder, "data"), "-m", "immediate", "-w", "stop"], _asPostgresUser, throwOnFailure: false);
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string? FindBinaries()
    {
        const string root = "/usr/lib/postgresql";
        if (!Directory.Exists(root))
        {
            return null;
        }
        return Directory.GetDirectories(root)
            .Select(d => Path.Combine(d, "bin"))
            .Where(b => File.Exists(Path.Combine(b, "initdb")) && File.Exists(Path.Combine(b, "pg_ctl")))
            .OrderByDescending(b => b, StringComparer.Ordinal)
            .FirstOrDefault();
    }

    private static async Task RunAsync(string file, string[] args, bool asPostgres, bool throwOnFailure = true)
    {
        var start = new ProcessStartInfo(asPostgres ? "runuser" : file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (asPostgres)
        {
            foreach (var a in new[] { "-u", "postgres", "--", file })
            {
                start.ArgumentList.Add(a);
            }
        }
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        using var process = Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0 && throwOnFailure)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}{await stdout}");
        }
    }
}
