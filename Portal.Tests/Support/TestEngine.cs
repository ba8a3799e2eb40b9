using Microsoft.EntityFrameworkCore;
using Npgsql;
using Portal.Infrastructure.Data;

[assembly: AssemblyFixture(typeof(Portal.Tests.Support.TestDatabases))]

namespace Portal.Tests.Support;

/// <summary>The two databases the portal runs on.</summary>
public enum DatabaseEngine
{
    Sqlite,
    Postgres,
}

/// <summary>
/// The one fixture parameter of the integration suite: the database every <see cref="PortalFactory"/> and
/// <see cref="TestDatabase"/> runs on unless a test names its own. SQLite by default; <c>PORTAL_TEST_DATABASE=postgres</c>
/// runs the same tests on a real PostgreSQL that <see cref="SharedPostgres"/> starts. <c>./test.sh</c> runs both.
/// </summary>
public static class TestEngine
{
    public const string Variable = "PORTAL_TEST_DATABASE";

    public static DatabaseEngine Current { get; } = Parse(Environment.GetEnvironmentVariable(Variable));

    private static DatabaseEngine Parse(string? value) => value?.Trim().ToLowerInvariant() switch
    {
        null or "" or "sqlite" => DatabaseEngine.Sqlite,
        "postgres" or "postgresql" => DatabaseEngine.Postgres,
        _ => throw new InvalidOperationException($"{Variable}='{value}' is neither 'sqlite' nor 'postgres'."),
    };

    /// <summary>A context straight on a database, without a host (for a host that refused to start, or service tests).</summary>
    public static PortalDbContext OpenContext(DatabaseEngine engine, string connectionString) => engine switch
    {
        DatabaseEngine.Postgres => new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql(connectionString).Options),
        _ => new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite(connectionString).Options),
    };
}

/// <summary>
/// What every test run prepares once, before its first test: on PostgreSQL the shared server and its migrated template
/// (<see cref="SharedPostgres"/>), and on either engine the demo world's seeded copy (<see cref="SeededDemo"/>).
/// </summary>
public sealed class TestDatabases : IAsyncLifetime
{
    public async ValueTask InitializeAsync()
    {
        await SharedPostgres.StartAsync();
        await SeededDemo.BuildAsync();
    }

    public async ValueTask DisposeAsync()
    {
        await SeededDemo.DeleteAsync();
        await SharedPostgres.StopAsync();
    }
}

/// <summary>
/// When the suite runs on PostgreSQL: one server for the whole test run, and a migrated template database that each
/// test's database is copied from (a copy takes a fraction of the time the migrations do). Does nothing on SQLite.
/// </summary>
public static class SharedPostgres
{
    private const string Template = "portal_template";
    private static PostgresServer? _server;

    public static async Task StartAsync()
    {
        if (TestEngine.Current != DatabaseEngine.Postgres)
        {
            return;
        }
        var server = new PostgresServer();
        await server.InitializeAsync();
        await Execute(server.ConnectionString("postgres"), $"CREATE DATABASE \"{Template}\"");
        await using (var context = TestEngine.OpenContext(DatabaseEngine.Postgres, server.ConnectionString(Template)))
        {
            await context.Database.MigrateAsync();
        }
        // A database with open connections cannot be copied.
        NpgsqlConnection.ClearAllPools();
        _server = server;
    }

    /// <summary>The connection string of a new database on the shared server, made by <see cref="CreateDatabase"/>.</summary>
    public static string NewDatabase()
    {
        var server = _server ?? throw new InvalidOperationException($"The shared PostgreSQL server is not running ({TestEngine.Variable} is not 'postgres').");
        return server.ConnectionString($"portal_{Guid.NewGuid():N}");
    }

    /// <summary>Makes the database of <paramref name="connectionString"/> as a copy of the migrated template, or of another database.</summary>
    public static void CreateDatabase(string connectionString, string? copyOf = null)
    {
        var server = _server ?? throw new InvalidOperationException($"The shared PostgreSQL server is not running ({TestEngine.Variable} is not 'postgres').");
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        using var connection = new NpgsqlConnection(server.ConnectionString("postgres"));
        connection.Open();
        using var command = new NpgsqlCommand($"CREATE DATABASE \"{name}\" TEMPLATE \"{copyOf ?? Template}\"", connection);
        command.ExecuteNonQuery();
    }

    /// <summary>Drops a database made by <see cref="CreateDatabase"/> (if it was), cutting off whoever is still connected.</summary>
    public static async Task DropDatabaseAsync(string connectionString)
    {
        var name = new NpgsqlConnectionStringBuilder(connectionString).Database;
        await using (var pooled = new NpgsqlConnection(connectionString))
        {
            NpgsqlConnection.ClearPool(pooled);
        }
        if (_server is { } server)
        {
            await Execute(server.ConnectionString("postgres"), $"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)");
        }
    }

    private static async Task Execute(string connectionString, string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public static async Task StopAsync()
    {
        if (_server is { } server)
        {
            _server = null;
            await server.DisposeAsync();
        }
    }
}
