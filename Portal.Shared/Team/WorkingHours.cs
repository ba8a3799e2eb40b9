using NodaTime;
using Portal.Shared.Admin;

namespace Portal.Shared.Team;

/// <summary>Business hours: 09:00 to 17:00, Monday to Friday, in a person's or region's own zone.</summary>
public static class WorkingHours
{
    public static readonly LocalTime Start = new(9, 0);
    public static readonly LocalTime End = new(17, 0);

    public static bool IsWorking(DateTimeOffset instant, string zoneId)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(TimeZones.GetOrUtc(zoneId)).LocalDateTime;
        return local.DayOfWeek is not (IsoDayOfWeek.Saturday or IsoDayOfWeek.Sunday)
            && local.TimeOfDay >= Start && local.TimeOfDay < End;
    }
}
