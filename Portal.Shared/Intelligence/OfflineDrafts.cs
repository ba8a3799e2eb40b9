using System.Globalization;
using System.Text;

namespace Portal.Shared.Intelligence;

/// <summary>One line of an incident's timeline as a draft reads it.</summary>
public sealed record DraftLine(DateTimeOffset At, string What, string Actor, string? Text);

/// <summary>A past record a draft may lean on: an earlier incident and how it ended, or a solved case and the reply that solved it.</summary>
public sealed record DraftPrecedent(string Key, string Title, string? Outcome, string? RcaKey = null, string? RootCause = null);

/// <summary>Everything an incident draft is written from.</summary>
public sealed record DraftIncident(string Key, string Title, string Severity, string Status, string? Service, string Region, DateTimeOffset TriggeredAt,
    DateTimeOffset? AcknowledgedAt, DateTimeOffset? MitigatedAt, DateTimeOffset? ResolvedAt, int? Advertisers, decimal? RevenueAtRiskUsd, string? Resolution,
    IReadOnlyList<DraftLine> Timeline, IReadOnlyList<DraftPrecedent> Similar);

/// <summary>Everything a case reply is written from.</summary>
public sealed record DraftCase(string Key, string Subject, string Category, string Advertiser, string? LastFromAdvertiser, IReadOnlyList<DraftPrecedent> Solved);

/// <summary>A fact a chat model is given: the record it comes from, and its text (quoted, redacted before it leaves).</summary>
public sealed record DraftFact(string Key, string Label, string Text);

/// <summary>
/// Drafts written from the records alone, with no model: extractive (the timeline, the changes, what helped before).
/// Every draft says it is a draft and quotes what people wrote as quotes.
/// </summary>
public static class OfflineDrafts
{
    private static string Utc(DateTimeOffset at) => at.UtcDateTime.ToString("HH:mm", CultureInfo.InvariantCulture) + " UTC";

    private static string Ago(TimeSpan span) => span.TotalMinutes < 90 ? $"{Math.Max(0, (int)span.TotalMinutes)} min" : span.TotalHours < 48 ? $"{span.TotalHours:0.#} h" : $"{span.TotalDays:0} days";

    private static string StatusWords(DraftIncident i) => i.Status switch
    {
        "Resolved" => $"resolved at {Utc(i.ResolvedAt ?? i.TriggeredAt)}",
        "Mitigated" => $"mitigated at {Utc(i.MitigatedAt ?? i.TriggeredAt)}; we are watching before calling it resolved",
        "Acknowledged" => "being investigated",
        _ => "not yet acknowledged",
    };

    private static string Impact(DraftIncident i) =>
        (i.Advertisers, i.RevenueAtRiskUsd) switch
        {
            (int n, decimal r) => $"about {n:N0} advertisers and {r.ToString("C0", CultureInfo.GetCultureInfo("en-US"))} at risk",
            (int n, null) => $"about {n:N0} advertisers",
            (null, decimal r) => $"{r.ToString("C0", CultureInfo.GetCultureInfo("en-US"))} at risk",
            _ => "impact not yet estimated",
        };

    public static string CatchUp(DraftIncident i, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.AppendLine($"{i.Key} · {i.Severity} · {i.Status} · {i.Service ?? "no service"} · {i.Region}: {i.Title}");
        text.AppendLine($"Opened {Utc(i.TriggeredAt)}, {Ago(now - i.TriggeredAt)} ago; {StatusWords(i)}; {Impact(i)}.").AppendLine();
        text.AppendLine("What happened so far:");
        foreach (var line in i.Timeline.TakeLast(10))
        {
            text.AppendLine($"- {Utc(line.At)} {line.What} ({line.Actor}){(line.Text is { Length: > 0 } t ? ": " + DraftRules.Quote(t, 200) : "")}");
        }
        AppendPrecedents(text, i.Similar);
        return text.ToString().TrimEnd();
    }

    public static string Stakeholder(DraftIncident i, DateTimeOffset now)
    {
        var text = new StringBuilder();
        var service = i.Service is null ? "" : $" in {i.Service}";
        text.AppendLine($"Since {Utc(i.TriggeredAt)} we have had a {i.Severity} problem{service} in {i.Region}: {i.Title}. It affects {Impact(i)}.");
        text.AppendLine($"Status: {StatusWords(i)}.");
        if (i.Resolution is { Length: > 0 } resolution)
        {
            text.AppendLine($"What fixed it: {DraftRules.Quote(resolution, 300)}");
        }
        else if (i.Timeline.LastOrDefault(l => l.What is "Comment" or "Stakeholder update" && l.Text is { Length: > 0 }) is { } latest)
        {
            text.AppendLine($"Latest from the team ({Utc(latest.At)}): {DraftRules.Quote(latest.Text, 300)}");
        }
        text.AppendLine(i.Status == "Resolved" ? "We will share the root cause once the review is done." : $"Next update by {Utc(now.AddMinutes(30))}.");
        return text.ToString().TrimEnd();
    }

    public static string Rca(DraftIncident i)
    {
        var text = new StringBuilder();
        text.AppendLine("Timeline");
        foreach (var line in i.Timeline)
        {
            text.AppendLine($"- {line.At.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC {line.What} ({line.Actor})"
                + (line.Text is { Length: > 0 } t ? ": " + DraftRules.Quote(t, 200) : ""));
        }
        text.AppendLine().AppendLine("Impact");
        var end = i.ResolvedAt ?? i.MitigatedAt;
        text.AppendLine($"{i.Severity} in {i.Region}{(i.Service is null ? "" : $" on {i.Service}")}, {Impact(i)}; "
            + (end is { } e ? $"{Ago(e - i.TriggeredAt)} from trigger to {(i.ResolvedAt is null ? "mitigation" : "resolution")}." : "still open."));
        var breaches = i.Timeline.Count(l => l.What.StartsWith("SLA breached", StringComparison.Ordinal));
        if (breaches > 0)
        {
            text.AppendLine($"SLA targets missed: {breaches}.");
        }
        text.AppendLine().AppendLine("What happened");
        text.AppendLine($"{i.Title}.");
        foreach (var line in i.Timeline.Where(l => l.What.StartsWith("Alert fired", StringComparison.Ordinal)).Take(3))
        {
            text.AppendLine($"- The monitors said {DraftRules.Quote(line.Text, 200)} at {Utc(line.At)}.");
        }
        foreach (var line in i.Timeline.Where(l => l.What == "Comment" && l.Text is { Length: > 0 }).Take(5))
        {
            text.AppendLine($"- {line.Actor} noted {DraftRules.Quote(line.Text, 200)}.");
        }
        if (i.Resolution is { Length: > 0 } resolution)
        {
            text.AppendLine($"- Resolved with {DraftRules.Quote(resolution, 300)}.");
        }
        AppendPrecedents(text, i.Similar);
        return text.ToString().TrimEnd();
    }

    /// <summary>The reply itself, ready to send once checked: the reply that solved the closest case, or a holding reply.</summary>
    public static string CaseReply(DraftCase c)
    {
        var text = new StringBuilder("Hello,\n\n");
        text.AppendLine(c.Solved.FirstOrDefault(s => s.Outcome is { Length: > 0 }) is { } best
            ? best.Outcome
            : $"Thank you for writing to us about {DraftRules.Quote(c.Subject, 120)}. We are looking into it and will come back to you with what we find.");
        text.AppendLine().Append("Kind regards,");
        return text.ToString();
    }

    /// <summary>The solved cases a reply rests on, best first: those whose reply is known.</summary>
    public static List<string> ReplyBasis(DraftCase c) => [.. c.Solved.Where(s => s.Outcome is { Length: > 0 }).Select(s => s.Key)];

    /// <summary>The records of an incident as facts for a chat model, each with the key it comes from.</summary>
    public static List<DraftFact> Facts(DraftIncident i)
    {
        var facts = new List<DraftFact>
        {
            new(i.Key, "incident", $"{i.Title}; {i.Severity}; {i.Status}; service {i.Service ?? "none"}; region {i.Region}; opened {Utc(i.TriggeredAt)}; {Impact(i)}"
                + (i.Resolution is { Length: > 0 } r ? $"; resolution: {r}" : "")),
        };
        facts.AddRange(i.Timeline.TakeLast(30).Select(l => new DraftFact(i.Key, $"timeline {Utc(l.At)}", $"{l.What} by {l.Actor}{(l.Text is { Length: > 0 } t ? ": " + t : "")}")));
        facts.AddRange(i.Similar.Select(s => new DraftFact(s.Key, "similar earlier incident", $"{s.Title}; {s.Outcome ?? "no resolution note"}"
            + (s.RootCause is { } cause ? $"; root cause ({s.RcaKey}): {cause}" : ""))));
        return facts;
    }

    public static List<DraftFact> Facts(DraftCase c) =>
    [
        new(c.Key, "case", $"{c.Subject}; category {c.Category}; advertiser {c.Advertiser}"),
        .. c.LastFromAdvertiser is { } last ? [new DraftFact(c.Key, "advertiser wrote", last)] : Array.Empty<DraftFact>(),
        .. c.Solved.Select(s => new DraftFact(s.Key, "solved similar case", $"{s.Title}; the reply that solved it: {s.Outcome}")),
    ];

    private static void AppendPrecedents(StringBuilder text, IReadOnlyList<DraftPrecedent> similar)
    {
        if (similar.Count == 0)
        {
            return;
        }
        text.AppendLine().AppendLine("What helped before:");
        foreach (var s in similar.Take(3))
        {
            text.AppendLine($"- {s.Key} {DraftRules.Quote(s.Title, 120)}: {(s.Outcome is { Length: > 0 } o ? DraftRules.Quote(o, 200) : "no resolution note")}"
                + (s.RootCause is { } cause ? $"; root cause in {s.RcaKey}: {DraftRules.Quote(cause, 160)}" : ""));
        }
    }
}
