using System.Text.Json;
using Portal.Shared.OnCall;

namespace Portal.Shared.Automation;

/// <summary>
/// One job as the portal hands it to a runner: what to run (an allow-listed command and its arguments, never a shell
/// line), for how long, and the guards against replay: a nonce seen once, an expiry, and the run's idempotency key.
/// </summary>
public sealed record RunnerJob(long RunId, string IdempotencyKey, string Nonce, DateTimeOffset ExpiresAt, string Command, IReadOnlyList<string> Arguments,
    int TimeoutSeconds);

/// <summary>
/// How jobs are signed and checked: the job's JSON, signed like the portal's webhooks (HMAC-SHA256 over
/// "&lt;unix seconds&gt;.&lt;json&gt;" with the runner's secret), refused when tampered with, expired or seen before.
/// </summary>
public static class RunnerJobs
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>How far a runner's clock may be from the portal's.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(2);

    public static string Serialize(RunnerJob job) => JsonSerializer.Serialize(job, Json);

    public static string Sign(string secret, string json, DateTimeOffset now) => WebhookSignature.Header(secret, now, json);

    /// <summary>The job when the signature, the expiry and the nonce hold; otherwise why not, and no job.</summary>
    public static (RunnerJob? Job, string? Problem) Open(string secret, string json, string signature, DateTimeOffset now, NonceCache seen)
    {
        if (!WebhookSignature.Verify(secret, signature, json, now, ClockSkew))
        {
            return (null, "The job's signature does not match (tampered with, signed with another secret, or too old).");
        }
        RunnerJob? job;
        try
        {
            job = JsonSerializer.Deserialize<RunnerJob>(json, Json);
        }
        catch (JsonException)
        {
            job = null;
        }
        if (job is null || string.IsNullOrEmpty(job.Nonce) || string.IsNullOrEmpty(job.Command) || job.Arguments is null)
        {
            return (null, "The job is not a job.");
        }
        if (now > job.ExpiresAt + ClockSkew)
        {
            return (null, $"The job expired at {job.ExpiresAt:u}.");
        }
        return seen.Add(job.Nonce, job.ExpiresAt + ClockSkew, now) ? (job, null) : (null, "The job was seen before (a replay).");
    }
}

/// <summary>The nonces a runner has seen, each kept until its job could no longer be accepted anyway; bounded by that.</summary>
public sealed class NonceCache
{
    private readonly Dictionary<string, DateTimeOffset> _until = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>True the first time a nonce is seen; false for a replay.</summary>
    public bool Add(string nonce, DateTimeOffset keepUntil, DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var old in _until.Where(n => n.Value < now).Select(n => n.Key).ToList())
            {
                _until.Remove(old);
            }
            return _until.TryAdd(nonce, keepUntil);
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _until.Count;
            }
        }
    }
}
