using Portal.Shared.Incidents;

namespace Portal.Shared.Alerts;

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
