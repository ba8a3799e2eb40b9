using Microsoft.AspNetCore.DataProtection;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Polly;
using Polly.Retry;
using Portal.Infrastructure.Provisioning;

namespace Portal.Infrastructure.Data;

public static class DataModule
{
    public static void AddPortalData(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("Database").Get<DatabaseOptions>() ?? new DatabaseOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<DatabaseReadiness>();
        var connectionString = builder.Configuration.GetConnectionString("Portal");

        switch (options.Provider)
        {
            case DatabaseProvider.Postgres:
                if (string.IsNullOrWhiteSpace(connectionString))
                {
                    throw new InvalidOperationException(
                        "Database:Provider is Postgres but ConnectionStrings:Portal is empty. " +
                        "Set it, e.g. ConnectionStrings__Portal=\"Host=db;Database=portal;Username=portal;Password=...\".");
                }
                connectionString = PostgresConnectionString(connectionString);
                builder.Services.AddDbContextFactory<PostgresPortalDbContext>(o => o.UseNpgsql(connectionString));
                builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<PostgresPortalDbContext>>();
                builder.Services.AddSingleton(sp => new MigrationContexts(() => new PostgresPortalDbContext(
                    MigrationOptions<PostgresPortalDbContext>(sp).UseNpgsql(connectionString).Options)));
                break;
            default:
                var sqlite = SqliteConnectionString(connectionString, builder.Environment.ContentRootPath);
                builder.Services.AddDbContextFactory<SqlitePortalDbContext>(o => o.UseSqlite(sqlite).AddInterceptors(new SqlitePragmas()));
                builder.Services.AddSingleton<IDbContextFactory<PortalDbContext>, PortalDbContextFactory<SqlitePortalDbContext>>();
                builder.Services.AddSingleton(sp => new MigrationContexts(() => new SqlitePortalDbContext(
                    MigrationOptions<SqlitePortalDbContext>(sp).UseSqlite(sqlite).AddInterceptors(new SqlitePragmas()).Options)));
                break;
        }

        builder.Services.AddHealthChecks().AddCheck<DatabaseHealthCheck>("database", tags: ["ready"]);
        // The Data Protection keys (sign-in cookies, antiforgery) live in the database, so every node reads the same
        // key ring. Data Protection asks for a scoped context; it is the only user of this registration.
        builder.Services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContext());
        builder.Services.AddDataProtection().SetApplicationName("Portal").PersistKeysToDbContext<PortalDbContext>();
        builder.Services.AddSingleton<Provisioner>();
        builder.Services.Configure<ProvisioningOptions>(builder.Configuration.GetSection("Provisioning"));
    }

    /// <summary>
    /// Options for the context that applies migrations. On a new database EF first reads a history table that does not
    /// exist yet and logs that as an error (dotnet/efcore#37328), and a database that is still starting fails to connect;
    /// both are expected there (the retry loop logs a warning per attempt), so only here they are logged at Debug.
    /// A migration that really fails still throws and stops startup.
    /// </summary>
    private static DbContextOptionsBuilder<TContext> MigrationOptions<TContext>(IServiceProvider services)
        where TContext : DbContext =>
        new DbContextOptionsBuilder<TContext>()
            .UseLoggerFactory(services.GetRequiredService<ILoggerFactory>())
            .ConfigureWarnings(w => w.Log((RelationalEventId.CommandError, LogLevel.Debug), (RelationalEventId.ConnectionError, LogLevel.Debug)));

    /// <summary>Connections one node keeps open to PostgreSQL at most, unless its connection string says otherwise.</summary>
    public const int DefaultPostgresPoolSize = 20;

    private static readonly string[] PoolSizeKeys = ["Maximum Pool Size", "MaxPoolSize"];

    /// <summary>
    /// ConnectionStrings:Portal for PostgreSQL, with a pool of <see cref="DefaultPostgresPoolSize"/> unless it sets one.
    /// Npgsql's own default (100 per node) is PostgreSQL's whole default max_connections: a second node under load
    /// was refused ("53300: sorry, too many clients already"). Requests beyond the pool wait for a connection.
    /// </summary>
    internal static string PostgresConnectionString(string configured)
    {
        var given = new System.Data.Common.DbConnectionStringBuilder { ConnectionString = configured };
        if (PoolSizeKeys.Any(given.ContainsKey))
        {
            return configured;
        }
        return new Npgsql.NpgsqlConnectionStringBuilder(configured) { MaxPoolSize = DefaultPostgresPoolSize }.ToString();
    }

    /// <summary>The SQLite file: ConnectionStrings:Portal if set, else data/portal.db under the content root.</summary>
    internal static string SqliteConnectionString(string? configured, string contentRoot)
    {
        var csb = new SqliteConnectionStringBuilder(string.IsNullOrWhiteSpace(configured)
            ? $"Data Source={Path.Combine(contentRoot, "data", "portal.db")}"
            : configured);
        if (!string.IsNullOrEmpty(csb.DataSource) && csb.DataSource != ":memory:")
        {
            var folder = Path.GetDirectoryName(Path.GetFullPath(csb.DataSource));
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }
        }
        csb.Pooling = true;
        return csb.ToString();
    }

    /// <summary>Migrates (with retry while the database is unreachable), seeds the demo world if wanted, applies provisioning.</summary>
    public static async Task InitializePortalDataAsync(this WebApplication app)
    {
        var services = app.Services;
        var options = services.GetRequiredService<DatabaseOptions>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("Portal.Database");
        var migrationContexts = services.GetRequiredService<MigrationContexts>();
        var stopping = app.Lifetime.ApplicationStopping;

        var untilReachable = new RetryStrategyOptions
        {
            ShouldHandle = new PredicateBuilder().Handle<Exception>(IsTransient),
            MaxRetryAttempts = int.MaxValue,
            Delay = TimeSpan.FromMilliseconds(500),
            BackoffType = DelayBackoffType.Exponential,
            MaxDelay = TimeSpan.FromSeconds(5),
            OnRetry = args =>
            {
                logger.LogWarning("Database not reachable yet (attempt {Attempt}): {Reason}", args.AttemptNumber + 1, args.Outcome.Exception?.Message);
                return ValueTask.CompletedTask;
            },
        };
        var retry = new ResiliencePipelineBuilder().AddRetry(untilReachable).AddTimeout(options.StartupTimeout).Build();

        // Nodes started together (replicas of one deployment) take turns: the first migrates, seeds and provisions; the
        // others then find nothing left to do. Without this two nodes create the same tables at once and one fails.
        // Waiting for the turn has no time limit: the holder is alive (a node that dies releases the lock with its
        // connection), however long its seed takes.
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var phases = new List<string>();
        void Phase(string name)
        {
            phases.Add($"{name} {watch.ElapsedMilliseconds} ms");
            watch.Restart();
        }
        var startup = await new ResiliencePipelineBuilder().AddRetry(untilReachable).Build().ExecuteAsync(async ct =>
        {
            await using var db = migrationContexts.Create();
            return await db.HoldAsync("portal.startup", () => logger.LogInformation("Another node is preparing the database; waiting for it"), ct);
        }, stopping);
        Phase("turn");
        try
        {
            await retry.ExecuteAsync(async ct =>
            {
                await using var db = migrationContexts.Create();
                // Checked, not re-planned: MigrateAsync also builds the migrations' snapshot model and compares it with the
                // current one on every start (the tests' MigrationTests guard that instead), which a database that is up
                // to date does not need. The history table and the assembly's migration names tell what is pending.
                if ((await db.Database.GetPendingMigrationsAsync(ct)).Any())
                {
                    await db.Database.MigrateAsync(ct);
                }
                if (db is SqlitePortalDbContext)
                {
                    // WAL lets readers go on while one writer commits; it is a property of the file, set once.
                    await db.Database.ExecuteSqlRawAsync("PRAGMA journal_mode = WAL;", ct);
                }
            }, stopping);
            Phase("migrations");
            foreach (var seeder in services.GetServices<IStartupSeeder>())
            {
                await seeder.SeedIfWantedAsync(stopping);
            }
            Phase("seed");
            await services.GetRequiredService<Provisioner>().ApplyAsync(stopping);
            Phase("provisioning");
        }
        finally
        {
            if (startup is not null)
            {
                await startup.DisposeAsync();
            }
        }
        services.GetRequiredService<DatabaseReadiness>().MarkReady();
        // Start-up's phases, for `bench startup` and for an operator wondering why a start is slow.
        using var process = System.Diagnostics.Process.GetCurrentProcess();
        logger.LogInformation("Database ready ({Provider}) after {Phases}; the process started {Uptime} ms ago", options.Provider, string.Join(", ", phases),
            (long)(DateTime.Now - process.StartTime).TotalMilliseconds);
    }

    private static bool IsTransient(Exception exception) => exception switch
    {
        Npgsql.NpgsqlException npgsql => npgsql.IsTransient || npgsql.InnerException is System.Net.Sockets.SocketException,
        System.Net.Sockets.SocketException => true,
        TimeoutException => true,
        SqliteException { SqliteErrorCode: 5 or 6 } => true, // busy, locked
        _ => false,
    };
}

/// <summary>Makes the context that applies migrations at startup.</summary>
public sealed class MigrationContexts(Func<PortalDbContext> create)
{
    public PortalDbContext Create() => create();
}

/// <summary>Set once migrations, seeding and provisioning are done; /health/ready waits for it.</summary>
public sealed class DatabaseReadiness
{
    private volatile bool _ready;

    public bool IsReady => _ready;

    public void MarkReady() => _ready = true;
}
