using NodaTime;
using NodaTime.TimeZones;

namespace Portal.Shared.Admin;

/// <summary>IANA zone ids as the portal accepts them.</summary>
public static class TimeZones
{
    public static bool IsValid(string? zoneId) =>
        !string.IsNullOrWhiteSpace(zoneId) && DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId) is not null;

    /// <summary>The zone, or UTC when the id is unknown (a stale preference must not break a page).</summary>
    public static DateTimeZone GetOrUtc(string? zoneId) =>
        (zoneId is null ? null : DateTimeZoneProviders.Tzdb.GetZoneOrNull(zoneId)) ?? DateTimeZone.Utc;

    /// <summary>Canonical zone ids (Area/City), for pickers.</summary>
    public static IReadOnlyList<string> Canonical { get; } =
        [.. TzdbDateTimeZoneSource.Default.CanonicalIdMap.Values
            .Where(id => id.Contains('/', StringComparison.Ordinal) && !id.StartsWith("Etc/", StringComparison.Ordinal))
            .Distinct()
            .Order(StringComparer.Ordinal)];
}
