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

/// <summary>
/// Mappings written as text, as configuration and the admin page take them: <c>critical=SEV2, page=SEV2</c> for
/// severities, <c>region=dc_region, team=owner</c> for labels.
/// </summary>
public static class IntegrationMappings
{
    public static Dictionary<string, Severity> ParseSeverities(string? text, List<string> errors)
    {
        var map = new Dictionary<string, Severity>(StringComparer.OrdinalIgnoreCase);
        foreach (var (word, value) in Pairs(text, "severity mapping", errors))
        {
            if (Enum.TryParse<Severity>(value, ignoreCase: true, out var severity) && Enum.IsDefined(severity) && !int.TryParse(value, out _))
            {
                map[word] = severity;
            }
            else
            {
                errors.Add($"In the severity mapping, '{value}' is not a severity; use SEV2 to SEV5.");
            }
        }
        errors.AddRange(AlertSeverities.Check(map));
        return map;
    }

    public static Dictionary<string, string> ParseLabels(string? text, List<string> errors)
    {
        var map = new Dictionary<string, string>(IntegrationLabels.Defaults);
        foreach (var (field, label) in Pairs(text, "label mapping", errors))
        {
            if (!IntegrationLabels.Defaults.ContainsKey(field.ToLowerInvariant()))
            {
                errors.Add($"In the label mapping, '{field}' is no incident field a label can fill; use region, severity, team or service.");
                continue;
            }
            map[field.ToLowerInvariant()] = label;
        }
        return map;
    }

    public static string Format<T>(IReadOnlyDictionary<string, T> map) =>
        string.Join(", ", map.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => $"{kv.Key}={kv.Value}"));

    private static IEnumerable<(string Key, string Value)> Pairs(string? text, string what, List<string> errors)
    {
        foreach (var part in (text ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var at = part.IndexOf('=', StringComparison.Ordinal);
            if (at <= 0 || at == part.Length - 1)
            {
                errors.Add($"In the {what}, '{part}' is not name=value.");
                continue;
            }
            yield return (part[..at].Trim(), part[(at + 1)..].Trim());
        }
    }
}
