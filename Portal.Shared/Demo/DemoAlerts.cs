using System.Globalization;
using System.Text.RegularExpressions;
using Portal.Shared.Incidents;

namespace Portal.Shared.Demo;

/// <summary>One alert behind a demo incident, as the monitor would have sent it.</summary>
public sealed record DemoAlert(
    string DedupKey, string Summary, IReadOnlyDictionary<string, string> Labels, int Count,
    DateTimeOffset FirstSeenAt, DateTimeOffset LastSeenAt, DateTimeOffset? ResolvedAt);

/// <summary>
/// The alerts behind the demo history: the first fires when the incident opens, the others join it in the minutes after
/// (so alert noise and grouping have something to show), and the same problem fires the same alert class again weeks
/// later, which is what the recurrence rules group into families.
/// </summary>
public static partial class DemoAlerts
{
    private static readonly string[] StopWords = ["above", "below", "in", "for", "from", "by", "to", "on", "of"];

    /// <summary>An alert class from a title template: its leading words, before any number or place ("payment-gateway-timeouts").</summary>
    public static string ClassOf(string template)
    {
        var words = Words().Matches(template.Split('{')[0]).Select(m => m.Value.ToLowerInvariant()).Take(4).ToList();
        while (words.Count > 1 && StopWords.Contains(words[^1]))
        {
            words.RemoveAt(words.Count - 1);
        }
        return string.Join('-', words);
    }

    /// <summary>The alerts of one incident (none when nobody's monitor saw it); <paramref name="index"/> seeds its randomness.</summary>
    public static IReadOnlyList<DemoAlert> For(DemoIncident incident, int index, DateTimeOffset now)
    {
        if (incident.AlertClass is not { } alertClass)
        {
            return [];
        }
        var random = new Random(DemoIncidents.Seed + index);
        var count = incident.Severity switch
        {
            Severity.SEV1 => 3 + random.Next(4),
            Severity.SEV2 => 2 + random.Next(3),
            Severity.SEV3 => 1 + random.Next(3),
            _ => 1 + random.Next(2),
        };
        var end = incident.ResolvedAt ?? now;
        var word = incident.Severity <= Severity.SEV2 ? "critical" : incident.Severity == Severity.SEV3 ? "warning" : "info";
        var alerts = new List<DemoAlert>();
        for (var n = 0; n < count; n++)
        {
            // The first alert opened the incident; the rest joined it while it was open.
            var first = n == 0 ? incident.TriggeredAt : Min(incident.TriggeredAt.AddMinutes(1 + random.Next(20)), end);
            var last = Min(first.AddMinutes(random.Next(90)), end);
            var instance = n == 0 ? null : $"{incident.ServiceSlug}-{(char)('a' + random.Next(6))}{random.Next(1, 9).ToString(CultureInfo.InvariantCulture)}";
            var labels = new Dictionary<string, string>
            {
                ["alertname"] = alertClass, ["service"] = incident.ServiceSlug, ["region"] = incident.Region.ToString(), ["severity"] = word,
            };
            if (instance is not null)
            {
                labels["instance"] = instance;
            }
            var key = instance is null ? $"{incident.ServiceSlug}/{alertClass}/{incident.Region}" : $"{incident.ServiceSlug}/{alertClass}/{incident.Region}/{instance}";
            var summary = instance is null ? incident.Title : $"{alertClass.Replace('-', ' ')} on {instance}";
            alerts.Add(new DemoAlert(key, summary, labels, 1 + random.Next(12), first, last, incident.ResolvedAt));
        }
        return alerts;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    [GeneratedRegex(@"[A-Za-z][A-Za-z\-]*")]
    private static partial Regex Words();
}
