using Portal.Shared.Team;

namespace Portal.Tests.Shared.Team;

public class WorkingHoursTests
{
    [Theory]
    // Thursday 2026-11-26 00:30 UTC is 09:30 in Tokyo (working) and 19:30 Wednesday in New York (off).
    [InlineData("2026-11-26T00:30:00Z", "Asia/Tokyo", true)]
    [InlineData("2026-11-26T00:30:00Z", "America/New_York", false)]
    // 08:59 and 17:00 local are outside; 09:00 is inside.
    [InlineData("2026-11-25T23:59:00Z", "Asia/Tokyo", false)]
    [InlineData("2026-11-26T00:00:00Z", "Asia/Tokyo", true)]
    [InlineData("2026-11-26T08:00:00Z", "Asia/Tokyo", false)]
    // Saturday in Sydney, even at 10:00.
    [InlineData("2026-11-27T23:00:00Z", "Australia/Sydney", false)]
    public void BusinessHoursAreNineToFiveOnWeekdaysInTheLocalZone(string utc, string zone, bool working) =>
        Assert.Equal(working, WorkingHours.IsWorking(DateTimeOffset.Parse(utc, System.Globalization.CultureInfo.InvariantCulture), zone));
}
