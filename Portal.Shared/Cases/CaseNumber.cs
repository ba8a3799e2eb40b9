using System.Globalization;

namespace Portal.Shared.Cases;

/// <summary>Case numbers as people write them: "CASE-1234".</summary>
public static class CaseNumber
{
    public const string Prefix = "CASE-";

    public static string Format(long number) => Prefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Accepts "CASE-1234", "case-1234" and "1234".</summary>
    public static bool TryParse(string? text, out long number)
    {
        number = 0;
        var digits = text?.Trim() ?? "";
        if (digits.StartsWith(Prefix, StringComparison.OrdinalIgnoreCase))
        {
            digits = digits[Prefix.Length..];
        }
        return digits.Length is > 0 and <= 18
            && digits.All(char.IsAsciiDigit)
            && long.TryParse(digits, NumberStyles.None, CultureInfo.InvariantCulture, out number)
            && number > 0;
    }
}
