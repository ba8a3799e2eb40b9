using System.Text.RegularExpressions;

namespace Portal.Shared.Intelligence;

/// <summary>
/// The rules of drafts: their kinds and size, and the redaction of personal data (email addresses, card numbers,
/// account numbers) that runs on everything before it leaves the node for a chat model.
/// </summary>
public static partial class DraftRules
{
    public const int MaxText = 8_000;

    public const string CatchUp = "catch-up";
    public const string Stakeholder = "stakeholder";
    public const string Handoff = "handoff";
    public const string Rca = "rca";
    public const string CaseReply = "case-reply";

    public static readonly IReadOnlyList<string> Kinds = [CatchUp, Stakeholder, Handoff, Rca, CaseReply];

    public static readonly IReadOnlyList<string> Outcomes = [DraftRecord.Accepted, DraftRecord.Edited, DraftRecord.Rejected];

    [GeneratedRegex(@"[A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,}", RegexOptions.CultureInvariant)]
    private static partial Regex EmailPattern();

    // 13 to 19 digits, optionally in groups split by spaces or dashes: a payment card's shape (checked by Luhn).
    [GeneratedRegex(@"(?<![\dA-Za-z])\d(?:[ \-]?\d){12,18}(?![\dA-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex CardPattern();

    // An IBAN, or a bare run of 8 or more digits (account, routing and tax numbers).
    [GeneratedRegex(@"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,4})?\b|(?<![\dA-Za-z\-])\d{8,}(?![\dA-Za-z])", RegexOptions.CultureInvariant)]
    private static partial Regex AccountPattern();

    /// <summary>The text with email addresses, card numbers and account numbers replaced by [email], [card] and [account].</summary>
    public static string Redact(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return text ?? "";
        }
        var redacted = EmailPattern().Replace(text, "[email]");
        redacted = CardPattern().Replace(redacted, m => Luhn(m.Value) ? "[card]" : m.Value);
        return AccountPattern().Replace(redacted, "[account]");
    }

    /// <summary>The Luhn check of a card number (spaces and dashes ignored).</summary>
    public static bool Luhn(string number)
    {
        var digits = number.Where(char.IsAsciiDigit).Select(c => c - '0').ToArray();
        if (digits.Length < 12)
        {
            return false;
        }
        var sum = 0;
        for (var i = 0; i < digits.Length; i++)
        {
            var d = digits[digits.Length - 1 - i];
            if (i % 2 == 1)
            {
                d *= 2;
                d = d > 9 ? d - 9 : d;
            }
            sum += d;
        }
        return sum % 10 == 0;
    }

    /// <summary>
    /// Text from a record as data inside a draft or a prompt: on one line, cut to <paramref name="max"/> characters, and
    /// quoted, so an instruction written into an alert or a message reads as what someone wrote, never as an instruction.
    /// </summary>
    public static string Quote(string? text, int max = 400)
    {
        var line = string.Join(' ', (text ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
        if (line.Length > max)
        {
            line = line[..max] + "…";
        }
        return "“" + line.Replace("“", "\"", StringComparison.Ordinal).Replace("”", "\"", StringComparison.Ordinal) + "”";
    }

    /// <summary>The record keys a text names (INC-n, CASE-n, RCA-n), once each, in order.</summary>
    public static List<string> CitedKeys(string text) =>
        [.. CitationPattern().Matches(text).Select(m => m.Value.ToUpperInvariant()).Distinct(StringComparer.Ordinal)];

    [GeneratedRegex(@"\b(?:INC|CASE|RCA)-\d+\b", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex CitationPattern();

    /// <summary>A draft's text cut to the column.</summary>
    public static string Fit(string text)
    {
        var trimmed = text.Trim();
        return trimmed.Length <= MaxText ? trimmed : trimmed[..(MaxText - 1)] + "…";
    }
}
