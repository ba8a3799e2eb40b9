using System.Text.RegularExpressions;

namespace Portal.Shared.Runbooks;

/// <summary>A checklist step of a runbook: its number (1-based, in order of appearance) and text.</summary>
public sealed record RunbookStep(int Number, string Text);

/// <summary>The rules of runbooks that need no database: staleness, steps, alert classes.</summary>
public static partial class RunbookRules
{
    public const int MaxTitle = 200;
    public const int MaxBody = 200_000;
    public const int MaxList = 30;

    /// <summary>Overdue for review: never reviewed, or reviewed longer ago than its interval.</summary>
    public static bool IsStale(DateTimeOffset? lastReviewedAt, int intervalDays, DateTimeOffset now) =>
        lastReviewedAt is not { } reviewed || now - reviewed > TimeSpan.FromDays(intervalDays);

    /// <summary>The task-list items ("- [ ] Drain invoice workers") outside code blocks, numbered in order.</summary>
    public static List<RunbookStep> Steps(string body)
    {
        var steps = new List<RunbookStep>();
        var fenced = false;
        foreach (var raw in body.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal) || line.TrimStart().StartsWith("~~~", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }
            if (!fenced && StepPattern().Match(line) is { Success: true } match)
            {
                steps.Add(new RunbookStep(steps.Count + 1, match.Groups["text"].Value.Trim()));
            }
        }
        return steps;
    }

    /// <summary>An alert's class from its labels: Events v2 <c>class</c>, Alertmanager <c>alertname</c>, or CloudWatch <c>alarm</c>.</summary>
    public static string? AlertClass(IReadOnlyDictionary<string, string> labels) =>
        (labels.GetValueOrDefault("class") ?? labels.GetValueOrDefault("alertname") ?? labels.GetValueOrDefault("alarm"))?.Trim().ToLowerInvariant();

    /// <summary>A "name=value" label, or null when it is not one.</summary>
    public static (string Name, string Value)? Label(string text) =>
        text.Split('=', 2) is [var name, var value] && name.Trim().Length > 0 && value.Trim().Length > 0 ? (name.Trim(), value.Trim()) : null;

    [GeneratedRegex(@"^\s{0,3}[-*+]\s+\[[ xX]\]\s+(?<text>.+)$")]
    private static partial Regex StepPattern();
}
