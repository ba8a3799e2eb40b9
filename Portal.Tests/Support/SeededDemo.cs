using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Portal.Tests.Support;

/// <summary>
/// The database a default test portal starts from: migrated and seeded with the demo world (people, on-call, runbooks,
/// coaching; no incident history) at the fake clock's start, made once per test run by a real portal start. A portal
/// that would seed exactly this (Development, no <c>Demo:*</c> settings, clock unmoved, a database of its own) starts
/// from a copy instead, and finds nothing left to seed: the seed's half second, hundreds of times over.
/// </summary>
public static class SeededDemo
{
    private static PortalFactory? _builder;

    /// <summary>The seeded SQLite file (SQLite runs).</summary>
    public static string? SqliteFile { get; private set; }

    /// <summary>The seeded PostgreSQL database's name (PostgreSQL runs).</summary>
    public static string? PostgresDatabase { get; private set; }

    public static bool IsBuilt => SqliteFile is not null || PostgresDatabase is not null;

    public static async Task BuildAsync()
    {
        // Without the background processors: only what the seed writes, nothing that depends on when they ran.
        var builder = new PortalFactory(seeded: false, services: services =>
        {
            foreach (var processor in services.Where(d => d.ServiceType == typeof(IHostedService) && d.ImplementationType?.Assembly == typeof(Program).Assembly).ToList())
            {
                services.Remove(processor);
            }
        });
        _ = builder.Services;
        await builder.DisposeAsyncKeepingDatabase();
        await using (var db = builder.OpenContext())
        {
            // Each portal makes its own sign-in keys, as on a fresh database.
            await db.DataProtectionKeys.ExecuteDeleteAsync();
        }
        if (builder.Engine == DatabaseEngine.Postgres)
        {
            NpgsqlConnection.ClearAllPools();
            PostgresDatabase = new NpgsqlConnectionStringBuilder(builder.ConnectionString).Database;
            _builder = builder;
            return;
        }
        var file = Path.Combine(Path.GetTempPath(), "portal-tests", $"seeded-{Guid.NewGuid():N}.db");
        await using (var connection = new SqliteConnection(builder.ConnectionString))
        {
            await connection.OpenAsync();
            await using var vacuum = connection.CreateCommand();
            vacuum.CommandText = "VACUUM INTO $file";
            vacuum.Parameters.AddWithValue("$file", file);
            await vacuum.ExecuteNonQueryAsync();
        }
        SqliteConnection.ClearAllPools();
        SqliteFile = file;
        _builder = builder;
    }

    public static async Task DeleteAsync()
    {
        if (_builder is { } builder)
        {
            _builder = null;
            await builder.RemoveDatabaseAsync();
            builder.RemoveFolder();
        }
        if (SqliteFile is { } file)
        {
            File.Delete(file);
        }
    }
}
