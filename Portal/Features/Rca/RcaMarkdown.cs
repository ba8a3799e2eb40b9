using System.Globalization;
using System.Text;
using Portal.Shared.Rca;

namespace Portal.Features.Rca;

/// <summary>An RCA as one Markdown document, for wikis, email and git.</summary>
public static class RcaMarkdown
{
    public static string Write(RcaView rca)
    {
        var s = rca.Sections;
        var text = new StringBuilder();
        void Line(string line = "") => text.Append(line).Append('\n');
        string When(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);
        string Span(TimeSpan? span) => span is { } t ? (t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : $"{Math.Ceiling(t.TotalMinutes)} min") : "—";

        Line($"# {rca.Title}");
        Line();
        Line($"Correction of Error RCA-{rca.Id} · {RcaRules.Words(rca.State)} · author {rca.AuthorName} · incidents {string.Join(", ", rca.Incidents)}");
        Line();
        Line("## Summary");
        Line();
        Line(s.Summary ?? "_Not written yet._");
        Line();
        Line("## Customer impact");
        Line();
        Line($"- Advertisers affected: {s.AdvertisersAffected?.ToString("N0", CultureInfo.InvariantCulture) ?? "unknown"}");
        Line($"- Revenue impacted: {(s.RevenueImpactUsd is { } usd ? usd.ToString("N0", CultureInfo.InvariantCulture) + " USD" : "unknown")}");
        Line($"- Duration: {(s.ImpactMinutes is { } m ? $"{m} min" : "unknown")}");
        Line($"- Regions: {(s.Regions is { Count: > 0 } r ? string.Join(", ", r) : "—")}");
        Line();
        Line("## Timeline");
        Line();
        Line($"Time to detect {Span(rca.Durations.Detect)}, acknowledge {Span(rca.Durations.Acknowledge)}, mitigate {Span(rca.Durations.Mitigate)}, resolve {Span(rca.Durations.Resolve)}.");
        Line();
        foreach (var entry in s.Timeline ?? [])
        {
            Line($"- {When(entry.At)}: {entry.Text}");
        }
        Line();
        Line("## 5 Whys");
        Line();
        void Whys(IEnumerable<WhyNode> nodes, int depth)
        {
            foreach (var node in nodes)
            {
                Line($"{new string(' ', depth * 2)}- **{node.Question}** {node.Answer}");
                Whys(node.Children, depth + 1);
            }
        }
        Whys(s.Whys ?? [], 0);
        Line();
        Line($"Root-cause category: {s.RootCause?.ToString() ?? "not set"}");
        Line();
        foreach (var (title, body) in new[] { ("Contributing factors", s.ContributingFactors), ("What went well", s.WentWell), ("Lessons learned", s.Lessons) })
        {
            Line($"## {title}");
            Line();
            Line(string.IsNullOrWhiteSpace(body) ? "_Not written yet._" : body.Trim());
            Line();
        }
        Line("## Action items");
        Line();
        Line("| Action | Kind | Priority | Owner | Due | Status |");
        Line("|---|---|---|---|---|---|");
        foreach (var a in rca.Actions)
        {
            var status = a.Status == ActionStatus.Closed ? $"closed: {a.VerificationNote}" : a.Overdue ? "open, overdue" : "open";
            Line($"| {a.Title.Replace("|", "\\|", StringComparison.Ordinal)} | {a.Kind} | {a.Priority} | {a.OwnerName} | {a.DueDate:yyyy-MM-dd} | {status.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }
        if (rca.RecurredAfterFix)
        {
            Line();
            Line($"> **Recurred after fix:** {rca.RecurrenceIncident} happened after every prevent action was closed.");
        }
        return text.ToString();
    }
}
