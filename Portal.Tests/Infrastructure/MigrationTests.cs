using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;

namespace Portal.Tests.Infrastructure;

/// <summary>Each provider has its own migration set; both must describe the current model.</summary>
public class MigrationTests
{
    [Fact]
    public void TheSqliteMigrationsMatchTheModel()
    {
        using var db = new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite("Data Source=:memory:").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "Add a migration: dotnet ef migrations add <Name> --project Portal --context SqlitePortalDbContext");
        Assert.NotEmpty(db.Database.GetMigrations());
    }

    [Fact]
    public void ThePostgresMigrationsMatchTheModel()
    {
        using var db = new PostgresPortalDbContext(new DbContextOptionsBuilder<PostgresPortalDbContext>().UseNpgsql("Host=unused").Options);
        Assert.False(db.Database.HasPendingModelChanges(), "Add a migration: dotnet ef migrations add <Name> --project Portal --context PostgresPortalDbContext");
        Assert.Equal(
            new SqlitePortalDbContext(new DbContextOptionsBuilder<SqlitePortalDbContext>().UseSqlite("Data Source=:memory:").Options)
                .Database.GetMigrations().Select(m => m[15..]),
            db.Database.GetMigrations().Select(m => m[15..]));
    }
}
