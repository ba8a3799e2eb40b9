using Portal.Shared.Incidents;

namespace Portal.Shared.Alerts;

/// <summary>
/// A monitor's severity word to an incident severity. The default: critical → SEV2, error → SEV3, warning → SEV4,
/// info → SEV5. SEV1 is declared by people, so no mapping may produce it; an unknown word falls back to SEV3.
/// </summary>
public static class AlertSeverities
{
    public static IReadOnlyDictionary<string, Severity> Defaults { get; } = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase)
    {
        ["critical"] = Severity.SEV2,
        ["error"] = Severity.SEV3,
        ["warning"] = Severity.SEV4,
        ["info"] = Severity.SEV5,
    };

    public const Severity Fallback = Severity.SEV3;

    /// <summary>The severity for <paramref name="word"/>: the integration's own mapping first, then the defaults.</summary>
    public static Severity Map(string? word, IReadOnlyDictionary<string, Severity>? custom = null)
    {
        var key = word?.Trim() ?? "";
        var mapped = custom is not null && custom.TryGetValue(key, out var own) ? own
            : Defaults.TryGetValue(key, out var standard) ? standard
            : Fallback;
        return mapped == Severity.SEV1 ? Severity.SEV2 : mapped;
    }

    /// <summary>What is wrong with an integration's own mapping (empty when fine): SEV1 is for people to declare.</summary>
    public static IReadOnlyList<string> Check(IReadOnlyDictionary<string, Severity> custom) =>
        [.. custom.Where(kv => kv.Value == Severity.SEV1 || !Enum.IsDefined(kv.Value))
            .Select(kv => kv.Value == Severity.SEV1
                ? $"'{kv.Key}' maps to SEV1, which only people declare; use SEV2 to SEV5."
                : $"'{kv.Key}' maps to no severity; use SEV2 to SEV5.")];
}
