using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;
using Portal.Infrastructure.Data;

namespace Portal.Tests.Support;

/// <summary>
/// A migrated SQLite file for tests of services and components without a web host. These stay on SQLite in both runs:
/// they test rendering, and the integration suite (<see cref="PortalFactory"/>) covers both databases.
/// </summary>
public sealed class TestDatabase : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), "portal-tests", $"db-{Guid.NewGuid():N}.db");

    private TestDatabase()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_path)!);
        var options = new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite($"Data Source={_path}").Options;
        Factory = new PortalDbContextFactory<SqlitePortalDbContext>(new PooledDbContextFactory<SqlitePortalDbContext>(options));
    }

    public IDbContextFactory<PortalDbContext> Factory { get; }

    public static async Task<TestDatabase> CreateAsync()
    {
        var db = new TestDatabase();
        await using var context = await db.Factory.CreateDbContextAsync();
        await context.Database.MigrateAsync();
        return db;
    }

    public ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        File.Delete(_path);
        return ValueTask.CompletedTask;
    }
}
