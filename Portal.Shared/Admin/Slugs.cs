using System.Text.RegularExpressions;

namespace Portal.Shared.Admin;

/// <summary>Slugs and handles: lowercase words joined by '-' (handles may also use '.').</summary>
public static partial class Slugs
{
    public static bool IsValidSlug(string? value) => value is not null && value.Length <= 64 && SlugPattern().IsMatch(value);

    public static bool IsValidHandle(string? value) => value is not null && value.Length <= 64 && HandlePattern().IsMatch(value);

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial Regex SlugPattern();

    [GeneratedRegex("^[a-z0-9]+([.-][a-z0-9]+)*$")]
    private static partial Regex HandlePattern();
}
