using System.Text.RegularExpressions;

namespace Portal.Shared.Intelligence;

/// <summary>One section of a runbook: its heading (or the runbook's title for the text before the first heading) and its text.</summary>
public sealed record RunbookSection(int Index, string Heading, string Text);

/// <summary>
/// Runbooks as the embedding model reads them: one vector per section (a heading and what follows it), so a match can
/// quote the section that matched rather than the whole runbook.
/// </summary>
public static partial class RunbookSections
{
    /// <summary>A runbook has at most this many sections embedded (the record id is the runbook's id × this + the section).</summary>
    public const int MaxSections = 100;

    [GeneratedRegex(@"^#{1,6}\s+(.*)$", RegexOptions.CultureInvariant)]
    private static partial Regex HeadingPattern();

    [GeneratedRegex(@"(?<=[.!?])\s+", RegexOptions.CultureInvariant)]
    private static partial Regex SentenceBreak();

    public static List<RunbookSection> Split(string title, string body)
    {
        var sections = new List<RunbookSection>();
        var (heading, lines) = (title.Trim(), new List<string>());
        void Close()
        {
            var text = string.Join('\n', lines).Trim();
            if (text.Length > 0 && sections.Count < MaxSections)
            {
                sections.Add(new RunbookSection(sections.Count, heading, text));
            }
            lines.Clear();
        }
        foreach (var line in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n'))
        {
            var match = HeadingPattern().Match(line.Trim());
            if (match.Success)
            {
                Close();
                heading = match.Groups[1].Value.Trim();
                continue;
            }
            lines.Add(line);
        }
        Close();
        return sections;
    }

    /// <summary>The section as it is embedded: its heading, then its text.</summary>
    /// <summary>The sections a runbook is embedded and cited by: its sections, or its title alone when its body has none.</summary>
    public static List<RunbookSection> Embedded(string title, string body) =>
        Split(title, body) is { Count: > 0 } sections ? sections : [new RunbookSection(0, title.Trim(), title.Trim())];

    public static string Text(RunbookSection section) => SimilarityRules.IncidentText(section.Heading, [section.Text], [], null, null);

    public static long RecordId(int runbookId, int section) => (long)runbookId * MaxSections + section;

    public static (int RunbookId, int Section) Parts(long recordId) => ((int)(recordId / MaxSections), (int)(recordId % MaxSections));

    /// <summary>The sentence of the section sharing most words with <paramref name="about"/> (the first on a tie), cut to 200 characters.</summary>
    public static string Quote(RunbookSection section, string about)
    {
        var words = SimilarityRules.Words(about).ToHashSet(StringComparer.Ordinal);
        var sentences = SentenceBreak().Split(string.Join(' ', section.Text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)))
            .Select(s => s.Trim().TrimStart('-', '*', ' ')).Where(s => s.Length > 0).ToList();
        var best = sentences.Select((s, i) => (Sentence: s, Shared: SimilarityRules.Words(s).Count(words.Contains), Index: i))
            .OrderByDescending(s => s.Shared).ThenBy(s => s.Index).Select(s => s.Sentence).FirstOrDefault() ?? section.Heading;
        return best.Length <= 200 ? best : best[..199] + "…";
    }
}
