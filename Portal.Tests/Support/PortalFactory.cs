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
/// The real portal in-process, on a SQLite file of its own (or on PostgreSQL when given a connection string),
/// with a fake clock and a log that fails the test on unexpected errors.
/// </summary>
public sealed class PortalFactory : WebApplicationFactory<Program>
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "portal-tests", Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string?> _settings = new(StringComparer.OrdinalIgnoreCase);

    public PortalFactory(string environment = "Development", IDictionary<string, string?>? settings = null, string? postgres = null, string? databasePath = null,
        Action<IServiceCollection>? services = null)
    {
        _services = services;
        Environment = environment;
        Directory.CreateDirectory(_folder);
        DatabasePath = databasePath ?? Path.Combine(_folder, "portal.db");
        if (postgres is null)
        {
            _settings["ConnectionStrings:Portal"] = $"Data Source={DatabasePath}";
        }
        else
        {
            _settings["Database:Provider"] = "Postgres";
            _settings["ConnectionStrings:Portal"] = postgres;
        }
        // Keep test output readable; warnings and errors still show, and errors fail the test.
        _settings["Logging:LogLevel:Default"] = "Warning";
        _settings["Logging:Console:FormatterName"] = "simple";
        // People and services, but an empty incident queue, unless a test asks for the history.
        _settings["Demo:History"] = "false";
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            _settings[key] = value;
        }
    }

    private readonly Action<IServiceCollection>? _services;

    public string Environment { get; }
    public string DatabasePath { get; }
    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));
    public ErrorLog Log { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
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

    /// <summary>A client that follows no redirects and keeps cookies, signed in as <paramref name="handle"/> through the demo page.</summary>
    public async Task<HttpClient> SignedInClientAsync(string handle)
    {
        var client = CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });
        var response = await client.GetAsync(new Uri($"/account/demo?as={handle}", UriKind.Relative), TestContext.Current.CancellationToken);
        Assert.Equal(System.Net.HttpStatusCode.Redirect, response.StatusCode);
        return client;
    }

    public HttpClient AnonymousClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false });

    private bool _keepFile;

    /// <summary>Stops the host but leaves the database file, for restart tests.</summary>
    public ValueTask DisposeAsyncKeepingFile()
    {
        _keepFile = true;
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
            await RemoveFilesAsync();
        }
    }

    private ValueTask RemoveFilesAsync()
    {
        SqliteConnection.ClearAllPools();
        if (_keepFile)
        {
            return ValueTask.CompletedTask;
        }
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
            // A file still open on a slow machine; the temp folder is cleaned by the OS later.
        }
        return ValueTask.CompletedTask;
    }
}
