using System.Globalization;

namespace Portal.Shared.Incidents;

/// <summary>Incident numbers as people write them: "INC-1042".</summary>
public static class IncidentNumber
{
    public const string Prefix = "INC-";

    public static string Format(long number) => Prefix + number.ToString(CultureInfo.InvariantCulture);

    /// <summary>Accepts "INC-1042", "inc-1042" and "1042".</summary>
    public static bool TryParse(string? text, out long number)
    {
        number = 0;
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }
        var digits = text.Trim();
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
