using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Shared.Alerts;

public enum AlertAction
{
    Trigger,
    Acknowledge,
    Resolve,
}

public sealed record AlertLink(string Href, string? Text);

/// <summary>One PagerDuty Events API v2 event, as read from its JSON.</summary>
public sealed record EventsV2Event(
    string RoutingKey, AlertAction Action, string? DedupKey, string? Summary, string? Source, string? Severity,
    DateTimeOffset? Timestamp, string? Component, string? Group, string? Class, string? CustomDetails,
    IReadOnlyList<AlertLink> Links, string? Client, string? ClientUrl);

/// <summary>An event, or every reason it is not one (in PagerDuty's words, so its client libraries show them as usual).</summary>
public sealed record EventsV2Reading(EventsV2Event? Event, IReadOnlyList<string> Errors);

/// <summary>
/// Reads PagerDuty Events API v2 bodies as <c>POST /v2/enqueue</c> receives them. The rules are PagerDuty's:
/// a 32-character routing key; <c>event_action</c> trigger, acknowledge or resolve; a trigger carries a payload with
/// summary (at most 1,024 characters), source and severity (critical, error, warning, info); acknowledge and resolve
/// name a <c>dedup_key</c> (at most 255). Fields it does not know are ignored.
/// </summary>
public static partial class EventsV2
{
    public const int MaxBodyBytes = JsonBodies.MaxBytes;
    public const int MaxSummary = 1024;
    public const int MaxDedupKey = 255;
    private const int MaxText = 1024;
    private static readonly string[] Severities = ["critical", "error", "warning", "info"];

    public static EventsV2Reading Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonBodies.Parse(body, "event", out var error);
        return document is null ? Invalid(error!) : Read(document.RootElement);
    }

    public static EventsV2Reading Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("The event must be a JSON object.");
        }
        var errors = new List<string>();
        var routingKey = Text(root, "routing_key", errors);
        if (string.IsNullOrEmpty(routingKey))
        {
            errors.Add("'routing_key' is missing or blank");
        }
        else if (routingKey.Length != IntegrationKeys.Length)
        {
            errors.Add($"Length of 'routing_key' is incorrect (should be {IntegrationKeys.Length} characters)");
        }

        var actionText = Text(root, "event_action", errors);
        AlertAction? action = actionText switch
        {
            "trigger" => AlertAction.Trigger,
            "acknowledge" => AlertAction.Acknowledge,
            "resolve" => AlertAction.Resolve,
            _ => null,
        };
        if (string.IsNullOrEmpty(actionText))
        {
            errors.Add("'event_action' is missing or blank");
        }
        else if (action is null)
        {
            errors.Add("'event_action' is invalid (must be one of: trigger, acknowledge, resolve)");
        }

        var dedupKey = Text(root, "dedup_key", errors);
        if (dedupKey?.Length > MaxDedupKey)
        {
            errors.Add($"Length of 'dedup_key' is too long (must be at most {MaxDedupKey} characters)");
        }
        if (action is AlertAction.Acknowledge or AlertAction.Resolve && string.IsNullOrEmpty(dedupKey))
        {
            errors.Add("'dedup_key' is missing or blank (acknowledge and resolve name the alert they are for)");
        }

        string? summary = null, source = null, severity = null, component = null, group = null, @class = null, details = null;
        DateTimeOffset? timestamp = null;
        var hasPayload = root.TryGetProperty("payload", out var payload) && payload.ValueKind != JsonValueKind.Null;
        if (hasPayload && payload.ValueKind != JsonValueKind.Object)
        {
            errors.Add("'payload' must be an object");
        }
        else if (hasPayload)
        {
            summary = Text(payload, "summary", errors, "payload.");
            source = Text(payload, "source", errors, "payload.");
            severity = Text(payload, "severity", errors, "payload.");
            component = Capped(payload, "component", errors);
            group = Capped(payload, "group", errors);
            @class = Capped(payload, "class", errors);
            var stamp = Text(payload, "timestamp", errors, "payload.");
            if (!string.IsNullOrEmpty(stamp))
            {
                timestamp = ParseTimestamp(stamp);
                if (timestamp is null)
                {
                    errors.Add("'payload.timestamp' is invalid (use ISO 8601, like 2026-11-20T09:14:00Z)");
                }
            }
            if (payload.TryGetProperty("custom_details", out var custom) && custom.ValueKind != JsonValueKind.Null)
            {
                details = custom.GetRawText();
            }
        }
        if (action == AlertAction.Trigger)
        {
            if (!hasPayload)
            {
                errors.Add("'payload' is missing or blank");
            }
            else if (payload.ValueKind == JsonValueKind.Object)
            {
                Require(summary, "payload.summary", errors);
                Require(source, "payload.source", errors);
                Require(severity, "payload.severity", errors);
            }
        }
        if (summary?.Length > MaxSummary)
        {
            errors.Add($"Length of 'payload.summary' is too long (must be at most {MaxSummary} characters)");
        }
        if (!string.IsNullOrEmpty(severity) && !Severities.Contains(severity))
        {
            errors.Add("'payload.severity' is invalid (must be one of: critical, error, warning, info)");
        }

        var links = Links(root, errors);
        var client = Text(root, "client", errors);
        var clientUrl = Text(root, "client_url", errors);
        if (errors.Count > 0)
        {
            return new EventsV2Reading(null, errors);
        }
        return new EventsV2Reading(new EventsV2Event(
            routingKey!, action!.Value, string.IsNullOrEmpty(dedupKey) ? null : dedupKey, summary, source, severity, timestamp,
            component, group, @class, details, links, client, clientUrl), []);
    }

    /// <summary>A new dedup key for a trigger that came without one (PagerDuty answers with it, so the sender can follow up).</summary>
    public static string NewDedupKey() => Guid.NewGuid().ToString("N");

    /// <summary>ISO 8601 instants, with or without the colon in the offset ("+0000" as PagerDuty's examples write it).</summary>
    public static DateTimeOffset? ParseTimestamp(string text)
    {
        var normalized = OffsetWithoutColon().Replace(text.Trim(), "$1:$2");
        return DateTimeOffset.TryParse(normalized, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var parsed)
            && normalized.Contains('T', StringComparison.Ordinal)
            ? parsed
            : null;
    }

    private static EventsV2Reading Invalid(string error) => new(null, [error]);

    private static void Require(string? value, string field, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            errors.Add($"'{field}' is missing or blank");
        }
    }

    /// <summary>A string field, or null when absent; a non-string is an error naming the field.</summary>
    private static string? Text(JsonElement parent, string name, List<string> errors, string prefix = "")
    {
        if (!parent.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            errors.Add($"'{prefix}{name}' must be a string");
            return null;
        }
        return value.GetString();
    }

    private static string? Capped(JsonElement payload, string name, List<string> errors)
    {
        var value = Text(payload, name, errors, "payload.");
        if (value?.Length > MaxText)
        {
            errors.Add($"Length of 'payload.{name}' is too long (must be at most {MaxText} characters)");
        }
        return value;
    }

    private static List<AlertLink> Links(JsonElement root, List<string> errors)
    {
        var links = new List<AlertLink>();
        if (!root.TryGetProperty("links", out var array) || array.ValueKind == JsonValueKind.Null)
        {
            return links;
        }
        if (array.ValueKind != JsonValueKind.Array)
        {
            errors.Add("'links' must be an array");
            return links;
        }
        foreach (var (link, i) in array.EnumerateArray().Select((l, i) => (l, i)))
        {
            var href = link.ValueKind == JsonValueKind.Object && link.TryGetProperty("href", out var h) && h.ValueKind == JsonValueKind.String ? h.GetString() : null;
            if (string.IsNullOrWhiteSpace(href) || !Uri.TryCreate(href, UriKind.Absolute, out _))
            {
                errors.Add($"'links[{i}].href' is missing or not an absolute URL");
                continue;
            }
            var text = link.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String ? t.GetString() : null;
            links.Add(new AlertLink(href, text));
        }
        return links;
    }

    [GeneratedRegex(@"([+-]\d{2})(\d{2})$")]
    private static partial Regex OffsetWithoutColon();
}
