using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Shared.Intelligence;

/// <summary>
/// How similar past incidents are chosen and explained: the text an incident is embedded from, small boosts for a
/// shared service and alert class, a threshold below which the answer is "nothing similar", and the reason in words.
/// </summary>
public static class SimilarityRules
{
    /// <summary>Below this (cosine plus boosts) a neighbour is noise, and the page says nothing is similar.</summary>
    public const double Threshold = 0.60;

    public const double ServiceBoost = 0.05;
    public const double AlertClassBoost = 0.05;

    /// <summary>A small preference for neighbours whose RCA says what the cause was.</summary>
    public const double RcaBoost = 0.02;

    public const int MaxText = 2_000;

    /// <summary>Two open incidents this close, opened within <see cref="MergeWindow"/> of each other, are likely the same problem.</summary>
    public const double MergeThreshold = 0.75;

    public static readonly TimeSpan MergeWindow = TimeSpan.FromHours(2);

    /// <summary>Whether two incidents are likely one problem (a merge suggestion): close in meaning and close in time.</summary>
    public static bool LikelySame(double cosine, TimeSpan apart, double threshold = MergeThreshold) =>
        cosine >= threshold && apart.Duration() <= MergeWindow;

    /// <summary>
    /// A case and an incident are different texts (an advertiser's words, a monitor's): their cosines run lower than
    /// two incidents', so a case is suggested for linking from this score, if it was opened from a day before the incident on.
    /// </summary>
    public const double CaseLinkThreshold = 0.45;

    public static readonly TimeSpan CaseLinkLead = TimeSpan.FromDays(1);

    /// <summary>Whether an open case likely belongs to an open incident: close in meaning, written around or after it started.</summary>
    public static bool LinkCase(double cosine, DateTimeOffset caseOpened, DateTimeOffset incidentTriggered, double threshold = CaseLinkThreshold) =>
        cosine >= threshold && caseOpened >= incidentTriggered - CaseLinkLead;

    private static readonly HashSet<string> StopWords = new(StringComparer.Ordinal)
    {
        "the", "a", "an", "and", "or", "of", "in", "on", "for", "to", "at", "by", "with", "from", "is", "are", "was", "were", "be", "not", "no",
        "it", "its", "as", "than", "this", "that", "after", "before", "over", "under", "into", "per", "above", "below", "up", "down",
    };

    /// <summary>An incident as the model reads it: its title, its alerts' summaries, its notes, its RCA's summary and root cause.</summary>
    public static string IncidentText(string title, IEnumerable<string> alertSummaries, IEnumerable<string> notes, string? rcaSummary, string? rootCause)
    {
        var text = new StringBuilder(title.Trim());
        foreach (var part in alertSummaries.Concat(notes).Append(rcaSummary ?? "").Append(rootCause ?? "")
                     .Select(p => p.Trim()).Where(p => p.Length > 0).Distinct(StringComparer.Ordinal))
        {
            if (text.Length >= MaxText)
            {
                break;
            }
            text.Append(". ").Append(part);
        }
        return text.Length <= MaxText ? text.ToString() : text.ToString(0, MaxText);
    }

    /// <summary>A case as the model reads it: its subject, the advertiser's first message, and the reply that solved it.</summary>
    public static string CaseText(string subject, string? firstMessage, string? solvingReply) =>
        IncidentText(subject, [], [firstMessage ?? "", solvingReply ?? ""], null, null);

    /// <summary>A short stable fingerprint of a text: an embedding is made again only when its text changed.</summary>
    public static string Hash(string text) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(text)))[..32];

    /// <summary>The weight of the words a title shares (the lexical half of the hybrid ranking) at full overlap.</summary>
    public const double LexicalWeight = 0.05;

    /// <summary>
    /// The ranking score, hybrid: the cosine (meaning), plus the boosts that apply, plus the share of the query's
    /// significant words the candidate's title has too (<see cref="Lexical"/>: exact names, codes and hosts the model blurs).
    /// </summary>
    public static double Score(double cosine, bool sameService, bool sameAlertClass, bool hasRca, double lexical = 0) =>
        cosine + (sameService ? ServiceBoost : 0) + (sameAlertClass ? AlertClassBoost : 0) + (hasRca ? RcaBoost : 0) + LexicalWeight * Math.Clamp(lexical, 0, 1);

    /// <summary>The share of <paramref name="query"/>'s significant words that <paramref name="candidate"/> has too, 0 to 1.</summary>
    public static double Lexical(string query, string candidate)
    {
        var mine = Words(query).ToList();
        if (mine.Count == 0)
        {
            return 0;
        }
        var theirs = Words(candidate).ToHashSet(StringComparer.Ordinal);
        return mine.Count(theirs.Contains) / (double)mine.Count;
    }

    /// <summary>The reason in words: the shared service and alert class, and the words both titles share.</summary>
    public static string Reason(string? service, string? alertClass, string titleA, string titleB)
    {
        var parts = new List<string>();
        if (service is not null)
        {
            parts.Add($"same service ({service})");
        }
        if (alertClass is not null)
        {
            parts.Add($"same alert class ({alertClass})");
        }
        var shared = Words(titleA).Intersect(Words(titleB), StringComparer.Ordinal).Take(4).ToList();
        if (shared.Count > 0)
        {
            parts.Add("shared words: " + string.Join(", ", shared.Select(w => $"\"{w}\"")));
        }
        return parts.Count > 0 ? string.Join("; ", parts) : "similar wording";
    }

    /// <summary>The significant words of a text, lower case, in order, once each.</summary>
    public static IEnumerable<string> Words(string text) =>
        text.ToLower(CultureInfo.InvariantCulture)
            .Split([' ', ',', '.', ':', ';', '(', ')', '[', ']', '/', '-', '"', '\'', '!', '?'], StringSplitOptions.RemoveEmptyEntries)
            .Where(w => w.Length > 2 && !StopWords.Contains(w) && !w.All(char.IsDigit))
            .Distinct(StringComparer.Ordinal);
}
