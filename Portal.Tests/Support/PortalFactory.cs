using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Data;

namespace Portal.Tests.Support;

/// <summary>
/// The real portal in-process, with a fake clock and a log that fails the test on unexpected errors, on a database of
/// its own: a SQLite file, or a PostgreSQL database when the suite runs on PostgreSQL (<see cref="TestEngine"/>).
/// A test that is about one engine names it; <c>postgres</c> puts the portal on a given PostgreSQL
/// database, and <c>sameDatabaseAs</c> restarts on the database of a portal stopped with
/// <see cref="DisposeAsyncKeepingDatabase"/>.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);
    private readonly Action<IServiceCollection>? _services;
    // A database this portal made on the shared server (or took over from a stopped portal), dropped when it stops.
    private readonly bool _ownsDatabase;
    // Whether this portal may start from the seeded demo database (SeededDemo), if its clock is unmoved when it starts.
    private readonly bool _fromSeeded;
    // Whether the database exists yet (a PostgreSQL database of its own is made when the portal starts).
    private bool _created;
    private bool _keepDatabase;

    public PortalFactory(string environment = "Development", IDictionary<string, string?>? settings = null, string? postgres = null,
        PortalFactory? sameDatabaseAs = null, DatabaseEngine? engine = null, Action<IServiceCollection>? services = null, bool seeded = true)
    {
        _services = services;
        _fromSeeded = seeded && environment == "Development" && sameDatabaseAs is null && postgres is null
            && settings?.Keys.Any(k => k.StartsWith("Demo:", StringComparison.OrdinalIgnoreCase)) != true;
        Environment = environment;
        Engine = postgres is not null ? DatabaseEngine.Postgres : sameDatabaseAs?.Engine ?? engine ?? TestEngine.Current;
        if (sameDatabaseAs is not null)
        {
            ConnectionString = sameDatabaseAs.ConnectionString;
            _ownsDatabase = sameDatabaseAs._ownsDatabase;
            _created = true;
            _folder = sameDatabaseAs._folder;
        }
        else if (postgres is not null)
        {
            ConnectionString = postgres;
            _created = true;
        }
        else if (Engine == DatabaseEngine.Postgres)
        {
            ConnectionString = SharedPostgres.NewDatabase();
            _ownsDatabase = true;
        }
        else
        {
            ConnectionString = $"Data Source={Path.Combine(_folder, "portal.db")}";
            _created = true;
        }
        Directory.CreateDirectory(_folder);
        if (Engine == DatabaseEngine.Postgres)
        {
            _settings["Database:Provider"] = "Postgres";
        }
        _settings["ConnectionStrings:Portal"] = ConnectionString;
        // Keep test output readable; warnings and errors still show, and errors fail the test.
        _settings["Logging:LogLevel:Default"] = "Warning";
        // Every test host makes a data protection key of its own and says it is unencrypted at rest (true, and expected
        // here): hundreds of those lines would bury a failing test's output.
        _settings["Logging:LogLevel:Microsoft.AspNetCore.DataProtection"] = "Error";
        _settings["Logging:Console:FormatterName"] = "simple";
        // The tests' webhook receivers listen on loopback, which outbound calls may reach only when allowed; the tests of
        // that rule set this to "" again.
        _settings["Notifications:AllowedOutboundRanges:0"] = "127.0.0.0/8";
        _settings["Automation:AllowedOutboundRanges:0"] = "127.0.0.0/8";
        // People and services, but an empty incident queue, unless a test asks for the history.
        _settings["Demo:History"] = "false";
        // The embedding model loads in every portal that has it on; the intelligence tests turn it on.
        _settings["AI:Enabled"] = "false";
        // Early warnings would notify the on-call of whatever a test's clock makes look unusual; their tests turn them on.
        _settings["AI:Warnings"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    public string Environment { get; }
    public DatabaseEngine Engine { get; }
    /// <summary>ConnectionStrings:Portal of this portal.</summary>
    public string ConnectionString { get; }
    /// <summary>The SQLite file (SQLite only).</summary>
    public string DatabasePath => Engine == DatabaseEngine.Sqlite
        ? new SqliteConnectionStringBuilder(ConnectionString).DataSource
        : throw new InvalidOperationException("This portal runs on PostgreSQL; it has no database file.");
    /// <summary>Where every portal's fake clock starts.</summary>
    public static readonly DateTimeOffset Start = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    public FakeTimeProvider Clock { get; } = new(Start);
    public ErrorLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        PrepareDatabase(seeded: _fromSeeded && Clock.GetUtcNow() == Start);
        builder.UseEnvironment(Environment);
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(Log));
        builder.ConfigureServices(services =>
        {
            services.AddSingleton<TimeProvider>(Clock);
            _services?.Invoke(services);
        });
    }

    public IDbContextFactory<PortalDbContext> Db => Services.GetRequiredService<IDbContextFactory<PortalDbContext>>();

    /// <summary>A context on this portal's database that does not need the host (e.g. after it refused to start).</summary>
    public PortalDbContext OpenContext()
    {
        PrepareDatabase(seeded: false);
        return TestEngine.OpenContext(Engine, ConnectionString);
    }

    /// <summary>
    /// Makes this portal's own database if it has none yet: a copy of the seeded demo database, or (PostgreSQL) of the
    /// migrated template; on SQLite without the seeded copy the portal makes its file itself.
    /// </summary>
    private void PrepareDatabase(bool seeded)
    {
        if (Engine == DatabaseEngine.Postgres)
        {
            if (!_created)
            {
                SharedPostgres.CreateDatabase(ConnectionString, seeded ? SeededDemo.PostgresDatabase : null);
                _created = true;
            }
            return;
        }
        if (seeded && SeededDemo.SqliteFile is { } copy && !File.Exists(DatabasePath))
        {
            File.Copy(copy, DatabasePath);
        }
    }

    /// <summary>Takes the database away under the running portal: deletes the SQLite file or drops the PostgreSQL database.</summary>
    public async Task RemoveDatabaseAsync()
    {
        SqliteConnection.ClearAllPools();
        if (Engine == DatabaseEngine.Postgres)
        {
            await SharedPostgres.DropDatabaseAsync(ConnectionString);
            return;
        }
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }

    /// <summary>A client that follows no redirects and keeps cookies, signed in as <paramref name="handle"/> through the demo page.</summary>
    public async Task<HttpClient> SignedInClientAsync(string handle)
    {
        var client = RealServer is { } server
            ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() }) { BaseAddress = server }
            : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await client.GetAsync(new Uri($"/account/demo?as={handle}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public HttpClient AnonymousClient() => RealServer is { } server
        ? new HttpClient(new SocketsHttpHandler { AllowAutoRedirect = false }) { BaseAddress = server }
        : CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    /// <summary>The address of the real (Kestrel) server when a test started one (<see cref="StartKestrel"/>); clients then go over TCP.</summary>
    public Uri? RealServer { get; private set; }

    /// <summary>Serves on a free loopback port over real sockets (for other processes, or clients that need TCP's back-pressure).</summary>
    public Uri StartKestrel()
    {
        UseKestrel(0);
        StartServer();
        RealServer = new Uri(Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First());
        return RealServer;
    }

    /// <summary>Stops the host but leaves the database, for restart tests (<c>sameDatabaseAs</c>).</summary>
    public ValueTask DisposeAsyncKeepingDatabase()
    {
        _keepDatabase = true;
        return DisposeAsync();
    }

    /// <summary>Stops the host; fails the test if anything logged an error the test did not declare with <see cref="ErrorLog.Expect"/>.</summary>
    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        try
        {
            Log.AssertClean();
        }
        finally
        {
            await RemoveDatabaseFilesAsync();
        }
    }

    private async Task RemoveDatabaseFilesAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_keepDatabase)
        {
            return;
        }
        if (_ownsDatabase)
        {
            await SharedPostgres.DropDatabaseAsync(ConnectionString);
        }
        RemoveFolder();
    }

    /// <summary>Deletes this portal's folder (its SQLite file, runbook exports).</summary>
    public void RemoveFolder()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine; the temp folder is cleaned by the OS later.
        }
    }
}
