using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;

namespace Portal.Infrastructure.Data;

/// <summary>
/// Runs a batch job (reminders, recurrence families) on one node at a time. On PostgreSQL, where several nodes share
/// the database, it is a transaction-scoped advisory lock: a second node waits for the first to commit and then finds
/// the work done. SQLite serves one node, so there is nothing to take (null: the caller works as before).
/// </summary>
public static class ClusterLock
{
    public static async Task<IDbContextTransaction?> BeginExclusiveAsync(this PortalDbContext db, string job, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }
        var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Database.ExecuteSqlAsync($"SELECT pg_advisory_xact_lock(hashtext({job}))", cancellationToken);
        return transaction;
    }
}
