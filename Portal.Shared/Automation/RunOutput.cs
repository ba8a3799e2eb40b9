using System.Text.RegularExpressions;

namespace Portal.Shared.Automation;

/// <summary>
/// What comes back from a run, made fit for the timeline: the secrets the action was given and anything that looks
/// like a credential replaced by "[redacted]", then cut to a size (the end kept, where errors are).
/// </summary>
public static partial class RunOutput
{
    public const int MaxChars = 4_000;
    public const string Redacted = "[redacted]";

    [GeneratedRegex(@"(?i)\b(authorization\s*:\s*(?:bearer|basic)\s+|(?:password|passwd|secret|token|api[_-]?key)\s*[=:]\s*)(""[^""]*""|\S+)", RegexOptions.CultureInvariant)]
    private static partial Regex CredentialRule();

    public static string Summarize(string? output, IEnumerable<string> secrets, int max = MaxChars)
    {
        if (string.IsNullOrEmpty(output))
        {
            return "";
        }
        var text = output;
        // The longest first, so a secret that contains another is replaced whole.
        foreach (var secret in secrets.Where(s => s.Length >= 4).Distinct(StringComparer.Ordinal).OrderByDescending(s => s.Length))
        {
            text = text.Replace(secret, Redacted, StringComparison.Ordinal);
        }
        text = CredentialRule().Replace(text, m => m.Groups[1].Value + Redacted);
        if (text.Length <= max)
        {
            return text;
        }
        var cut = text.Length - max;
        return $"[{cut} characters cut]\n" + text[^max..];
    }
}
