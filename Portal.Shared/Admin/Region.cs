using NodaTime;

namespace Portal.Shared.Admin;

/// <summary>The regions that share the one live queue.</summary>
public enum RegionCode
{
    US,
    EU,
    JP,
    MX,
    AU,
}

/// <summary>A region with its display name and the IANA zone its team works in by default.</summary>
public sealed record Region(RegionCode Code, string Name, string DefaultTimeZone)
{
    /// <summary>The region's default zone, resolved from the tz database.</summary>
    public DateTimeZone Zone => DateTimeZoneProviders.Tzdb[DefaultTimeZone];
}

/// <summary>The fixed set of regions, in follow-the-sun order starting from the date line.</summary>
public static class Regions
{
    public static readonly IReadOnlyList<Region> All =
    [
        new(RegionCode.AU, "Australia", "Australia/Sydney"),
        new(RegionCode.JP, "Japan", "Asia/Tokyo"),
        new(RegionCode.EU, "Europe", "Europe/Dublin"),
        new(RegionCode.US, "United States", "America/New_York"),
        new(RegionCode.MX, "Mexico", "America/Mexico_City"),
    ];

    public static Region Get(RegionCode code) => All.First(r => r.Code == code);

    /// <summary>The sentence for a value that is not a region.</summary>
    public static string NotARegion(string? value) => $"'{value}' is not one of US, EU, JP, MX, AU.";

    /// <summary>A region filter from a query string: null when empty; a validation error naming the field otherwise.</summary>
    public static RegionCode? ParseFilter(string? value, string field = "region") =>
        string.IsNullOrWhiteSpace(value) ? null
        : TryParse(value, out var code) ? code
        : throw new ValidationException(field, NotARegion(value));

    /// <summary>Parses a region code case-insensitively ("eu", "EU"); false for anything else.</summary>
    public static bool TryParse(string? value, out RegionCode code)
    {
        code = default;
        return !string.IsNullOrWhiteSpace(value)
            && !int.TryParse(value, out _)
            && Enum.TryParse(value.Trim(), ignoreCase: true, out code)
            && Enum.IsDefined(code);
    }
}
