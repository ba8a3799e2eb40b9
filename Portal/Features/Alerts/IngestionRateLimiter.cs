using System.Threading.RateLimiting;

namespace Portal.Features.Alerts;

/// <summary>A token bucket per integration key, so a flood on one key never slows the others.</summary>
public sealed class IngestionRateLimiter(AlertIngestionOptions options) : IDisposable
{
    private readonly PartitionedRateLimiter<string> _limiter = PartitionedRateLimiter.Create<string, string>(key =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = options.PerKeyBurst,
            TokensPerPeriod = options.PerKeyPerSecond,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
            QueueLimit = 0,
            AutoReplenishment = true,
        }));

    public bool TryTake(string key, int events = 1)
    {
        using var lease = _limiter.AttemptAcquire(key, events);
        return lease.IsAcquired;
    }

    public void Dispose() => _limiter.Dispose();
}
