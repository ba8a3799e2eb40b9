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

/// <summary>
/// A monitor's way in: its protocol, its key (stored hashed), and where its alerts land. A rotated key keeps working
/// until <see cref="PreviousKeyValidUntil"/>, so monitors can be repointed without missing a page.
/// </summary>
public sealed class Integration
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public IntegrationKind Kind { get; set; }
    public required string KeyHash { get; set; }
    public required string KeyHint { get; set; }
    public string? PreviousKeyHash { get; set; }
    public DateTimeOffset? PreviousKeyValidUntil { get; set; }
    public int? ServiceId { get; set; }
    public int? TeamId { get; set; }
    public Admin.RegionCode? Region { get; set; }

    /// <summary>Resolve the incident when every one of its alerts has resolved.</summary>
    public bool AutoResolve { get; set; } = true;

    /// <summary>CloudWatch via SNS: check each message's signature against SNS's certificate.</summary>
    public bool VerifySignatures { get; set; } = true;

    public bool Enabled { get; set; } = true;

    /// <summary>The monitor's severity words to SEV2–SEV5, over <see cref="AlertSeverities.Defaults"/>.</summary>
    public Dictionary<string, Incidents.Severity> SeverityMap { get; set; } = [];

    /// <summary>Which alert label fills which incident field: <c>region</c>, <c>severity</c>, <c>team</c>, <c>service</c>.</summary>
    public Dictionary<string, string> LabelMap { get; set; } = new(IntegrationLabels.Defaults);

    /// <summary>Declared in configuration (Provisioning:Integrations); its key is the configured one.</summary>
    public bool Provisioned { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Whether <paramref name="keyHash"/> opens this integration at <paramref name="now"/>.</summary>
    public bool Accepts(string keyHash, DateTimeOffset now) =>
        Enabled && (keyHash == KeyHash || (keyHash == PreviousKeyHash && PreviousKeyValidUntil > now));
}

/// <summary>The default label mapping: an alert's <c>region</c> label sets the incident's region, and so on.</summary>
public static class IntegrationLabels
{
    public static IReadOnlyDictionary<string, string> Defaults { get; } = new Dictionary<string, string>
    {
        ["region"] = "region",
        ["severity"] = "severity",
        ["team"] = "team",
        ["service"] = "service",
    };
}
