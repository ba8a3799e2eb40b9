using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

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

    /// <summary>
    /// Holds a cluster-wide lock until the returned handle is disposed, for work longer than one transaction (startup:
    /// migrations, demo seed, provisioning). On PostgreSQL it is a session advisory lock on a connection of its own, not
    /// pooled, so closing it (or losing it, or the node dying) releases the lock. <paramref name="waiting"/> is called
    /// once if another node holds it. Null on SQLite, which serves one node.
    /// </summary>
    public static async Task<IAsyncDisposable?> HoldAsync(this PortalDbContext db, string job, Action waiting, CancellationToken cancellationToken)
    {
        if (!db.Database.IsNpgsql())
        {
            return null;
        }
        var connection = new NpgsqlConnection(new NpgsqlConnectionStringBuilder(db.Database.GetConnectionString()) { Pooling = false }.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            for (var told = false; ; told = true)
            {
                // Polled rather than waited on: the holder may take longer than a command timeout (a large seed).
                await using var command = new NpgsqlCommand("SELECT pg_try_advisory_lock(hashtext(@job))", connection);
                command.Parameters.AddWithValue("job", job);
                if (await command.ExecuteScalarAsync(cancellationToken) is true)
                {
                    return connection;
                }
                if (!told)
                {
                    waiting();
                }
                await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
    }
}
