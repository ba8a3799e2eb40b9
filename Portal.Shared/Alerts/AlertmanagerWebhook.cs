using System.Text.Json;

namespace Portal.Shared.Alerts;

/// <summary>One alert of an Alertmanager notification. Its fingerprint, within the integration, is its dedup key.</summary>
public sealed record AlertmanagerAlert(
    bool Firing, IReadOnlyDictionary<string, string> Labels, IReadOnlyDictionary<string, string> Annotations,
    DateTimeOffset? StartsAt, DateTimeOffset? EndsAt, string? GeneratorUrl, string Fingerprint)
{
    /// <summary>The annotation <c>summary</c>, else the alert name, else the fingerprint.</summary>
    public string Summary => Annotations.GetValueOrDefault("summary") ?? Labels.GetValueOrDefault("alertname") ?? Fingerprint;
}

/// <summary>An Alertmanager webhook notification (version 4): the alerts of one group.</summary>
public sealed record AlertmanagerNotification(
    string GroupKey, bool Firing, string? Receiver, IReadOnlyDictionary<string, string> CommonLabels,
    IReadOnlyDictionary<string, string> CommonAnnotations, string? ExternalUrl, IReadOnlyList<AlertmanagerAlert> Alerts, int TruncatedAlerts);

public sealed record AlertmanagerReading(AlertmanagerNotification? Notification, IReadOnlyList<string> Errors);

/// <summary>Reads Alertmanager's webhook body (version 4). Fields it does not know are ignored.</summary>
public static class AlertmanagerWebhook
{
    public const int MaxFingerprint = 255;

    public static AlertmanagerReading Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonBodies.Parse(body, "notification", out var error);
        return document is null ? new(null, [error!]) : Read(document.RootElement);
    }

    public static AlertmanagerReading Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new(null, ["The notification must be a JSON object."]);
        }
        var errors = new List<string>();
        var version = String(root, "version");
        if (version != "4")
        {
            errors.Add(version is null ? "'version' is missing (Alertmanager sends \"4\")" : $"'version' is \"{version}\"; only version 4 is understood");
        }
        var groupKey = String(root, "groupKey");
        if (string.IsNullOrEmpty(groupKey))
        {
            errors.Add("'groupKey' is missing or blank");
        }
        var status = String(root, "status");
        if (status is not ("firing" or "resolved"))
        {
            errors.Add("'status' must be \"firing\" or \"resolved\"");
        }
        var alerts = new List<AlertmanagerAlert>();
        if (!root.TryGetProperty("alerts", out var array) || array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("'alerts' is missing or not an array");
        }
        else
        {
            var i = 0;
            foreach (var item in array.EnumerateArray())
            {
                if (ReadAlert(item, $"alerts[{i}]", errors) is { } alert)
                {
                    alerts.Add(alert);
                }
                i++;
            }
        }
        if (errors.Count > 0)
        {
            return new(null, errors);
        }
        var truncated = root.TryGetProperty("truncatedAlerts", out var t) && t.TryGetInt32(out var n) ? n : 0;
        return new(new AlertmanagerNotification(
            groupKey!, status == "firing", String(root, "receiver"), Strings(root, "commonLabels", "commonLabels", errors),
            Strings(root, "commonAnnotations", "commonAnnotations", errors), String(root, "externalURL"), alerts, truncated), []);
    }

    private static AlertmanagerAlert? ReadAlert(JsonElement item, string at, List<string> errors)
    {
        if (item.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'{at}' must be an object");
            return null;
        }
        var before = errors.Count;
        var status = String(item, "status");
        if (status is not ("firing" or "resolved"))
        {
            errors.Add($"'{at}.status' must be \"firing\" or \"resolved\"");
        }
        var fingerprint = String(item, "fingerprint");
        if (string.IsNullOrEmpty(fingerprint))
        {
            errors.Add($"'{at}.fingerprint' is missing or blank");
        }
        else if (fingerprint.Length > MaxFingerprint)
        {
            errors.Add($"'{at}.fingerprint' is longer than {MaxFingerprint} characters");
        }
        var labels = Strings(item, "labels", $"{at}.labels", errors);
        var annotations = Strings(item, "annotations", $"{at}.annotations", errors);
        if (errors.Count > before)
        {
            return null;
        }
        return new AlertmanagerAlert(status == "firing", labels, annotations, Instant(item, "startsAt"), Instant(item, "endsAt"),
            String(item, "generatorURL"), fingerprint!);
    }

    private static string? String(JsonElement parent, string name) =>
        parent.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    /// <summary>An instant, or null when absent or Alertmanager's "zero time" (0001-01-01, an alert that has not ended).</summary>
    private static DateTimeOffset? Instant(JsonElement parent, string name) =>
        String(parent, name) is { } text && EventsV2.ParseTimestamp(text) is { } instant && instant.Year > 1 ? instant : null;

    private static Dictionary<string, string> Strings(JsonElement parent, string name, string at, List<string> errors)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!parent.TryGetProperty(name, out var map) || map.ValueKind == JsonValueKind.Null)
        {
            return result;
        }
        if (map.ValueKind != JsonValueKind.Object)
        {
            errors.Add($"'{at}' must be an object of strings");
            return result;
        }
        foreach (var property in map.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.String)
            {
                errors.Add($"'{at}.{property.Name}' must be a string");
                continue;
            }
            result[property.Name] = property.Value.GetString()!;
        }
        return result;
    }
}
