using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.OnCall;

namespace Portal.Features.Notifications;

/// <summary>
/// Sends due deliveries. Each is claimed through its version with a lease before it is sent, so several nodes never
/// send the same one, and one a crashed node held is taken over when the lease runs out. Deliveries go out side by side:
/// a channel that times out holds up only itself, never the escalation that asked for it.
/// </summary>
public sealed class DeliveryService(IDbContextFactory<PortalDbContext> factory, ChannelSender sender, NotificationOptions options, TimeProvider clock, ILogger<DeliveryService> logger)
{
    public const int Parallelism = 8;

    /// <summary>Sends every delivery that is due; returns how many this call sent or failed.</summary>
    public async Task<int> DeliverDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        List<long> due;
        await using (var scan = await factory.CreateDbContextAsync(cancellationToken))
        {
            due = await scan.Deliveries.AsNoTracking().Where(d => d.State == DeliveryState.Pending && d.NextAttemptAt <= now)
                .OrderBy(d => d.Id).Select(d => d.Id).Take(100).ToListAsync(cancellationToken);
        }
        var done = 0;
        await Parallel.ForEachAsync(due, new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken }, async (id, token) =>
        {
            if (await DeliverAsync(id, now, token))
            {
                Interlocked.Increment(ref done);
            }
        });
        return done;
    }

    private async Task<bool> DeliverAsync(long id, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var delivery = await db.Deliveries.FirstOrDefaultAsync(d => d.Id == id, cancellationToken);
        if (delivery is not { State: DeliveryState.Pending } || delivery.NextAttemptAt > now)
        {
            return false;
        }
        delivery.Version++;
        delivery.NextAttemptAt = now + options.Lease;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        var channel = await db.Channels.AsNoTracking().FirstOrDefaultAsync(c => c.Id == delivery.ChannelId, cancellationToken);
        var outcome = channel is { Enabled: true }
            ? await sender.SendAsync(channel, delivery, cancellationToken)
            : new DeliveryOutcome(false, 0, "The channel was switched off before the message went out.");
        delivery.Attempts += outcome.Attempts;
        delivery.State = outcome.Delivered ? DeliveryState.Delivered : DeliveryState.Failed;
        delivery.LastError = outcome.Error;
        delivery.DeliveredAt = outcome.Delivered ? clock.GetUtcNow() : null;
        delivery.Version++;
        // What was sent is recorded even while the node stops.
        await db.SaveChangesAsync(CancellationToken.None);
        if (!outcome.Delivered)
        {
            logger.LogWarning("Delivery {Id} to channel {Channel} failed after {Attempts} attempt(s): {Error}", id, delivery.ChannelId, outcome.Attempts, outcome.Error);
        }
        return true;
    }
}
