using System.Security.Cryptography;
using System.Text;

namespace Portal.Shared.Alerts;

/// <summary>The protocols a monitor can page the portal with.</summary>
public enum IntegrationKind
{
    /// <summary>PagerDuty Events API v2 (<c>POST /v2/enqueue</c>), also Alertmanager's <c>pagerduty_configs</c>.</summary>
    EventsV2,

    /// <summary>Prometheus Alertmanager's webhook, version 4.</summary>
    Alertmanager,

    /// <summary>CloudWatch alarms delivered by SNS over HTTPS.</summary>
    CloudWatch,
}

public static class IntegrationKinds
{
    /// <summary>The names used in configuration and the API: <c>events-v2</c>, <c>alertmanager</c>, <c>cloudwatch</c>.</summary>
    public static string Name(IntegrationKind kind) => kind switch
    {
        IntegrationKind.EventsV2 => "events-v2",
        IntegrationKind.Alertmanager => "alertmanager",
        _ => "cloudwatch",
    };

    public static bool TryParse(string? name, out IntegrationKind kind)
    {
        foreach (var candidate in Enum.GetValues<IntegrationKind>())
        {
            if (string.Equals(Name(candidate), name?.Trim(), StringComparison.OrdinalIgnoreCase))
            {
                kind = candidate;
                return true;
            }
        }
        kind = default;
        return false;
    }
}

/// <summary>
/// Integration keys: 32 lowercase hex characters (PagerDuty's routing key shape), shown once and stored as a SHA-256
/// hash, so the key a monitor sends is looked up by its hash.
/// </summary>
public static class IntegrationKeys
{
    public const int Length = 32;

    public static string Generate() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(Length / 2));

    public static bool IsWellFormed(string? key) =>
        key is { Length: Length } && key.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');

    public static string Hash(string key) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)));

    /// <summary>The last four characters, to tell keys apart on screen without showing them.</summary>
    public static string Hint(string key) => key.Length <= 4 ? key : "…" + key[^4..];
}
