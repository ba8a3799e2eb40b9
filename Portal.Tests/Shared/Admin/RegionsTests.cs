using NodaTime;
using Portal.Shared.Admin;

namespace Portal.Tests.Shared.Admin;

public class RegionsTests
{
    [Theory]
    [InlineData(RegionCode.US, "America/New_York")]
    [InlineData(RegionCode.EU, "Europe/Dublin")]
    [InlineData(RegionCode.JP, "Asia/Tokyo")]
    [InlineData(RegionCode.MX, "America/Mexico_City")]
    [InlineData(RegionCode.AU, "Australia/Sydney")]
    public void EachRegionHasItsDefaultZone(RegionCode code, string zone)
    {
        var region = Regions.Get(code);
        Assert.Equal(zone, region.DefaultTimeZone);
        Assert.Equal(zone, region.Zone.Id);
    }

    [Fact]
    public void EveryRegionCodeIsInTheCatalogueOnce() =>
        Assert.Equal(Enum.GetValues<RegionCode>().Order(), Regions.All.Select(r => r.Code).Order());

    [Fact]
    public void RegionZonesFollowTheirOwnDaylightSavingRules()
    {
        // Mid-January: Sydney is on summer time (+11), Dublin on winter time (+0), Tokyo never changes (+9).
        var january = Instant.FromUtc(2026, 1, 15, 12, 0);
        Assert.Equal(Offset.FromHours(11), Regions.Get(RegionCode.AU).Zone.GetUtcOffset(january));
        Assert.Equal(Offset.FromHours(0), Regions.Get(RegionCode.EU).Zone.GetUtcOffset(january));
        Assert.Equal(Offset.FromHours(9), Regions.Get(RegionCode.JP).Zone.GetUtcOffset(january));
        var july = Instant.FromUtc(2026, 7, 15, 12, 0);
        Assert.Equal(Offset.FromHours(10), Regions.Get(RegionCode.AU).Zone.GetUtcOffset(july));
        Assert.Equal(Offset.FromHours(1), Regions.Get(RegionCode.EU).Zone.GetUtcOffset(july));
        Assert.Equal(Offset.FromHours(-6), Regions.Get(RegionCode.MX).Zone.GetUtcOffset(july));
    }

    [Theory]
    [InlineData("eu", true, RegionCode.EU)]
    [InlineData(" JP ", true, RegionCode.JP)]
    [InlineData("Au", true, RegionCode.AU)]
    [InlineData("UK", false, default(RegionCode))]
    [InlineData("3", false, default(RegionCode))]
    [InlineData("", false, default(RegionCode))]
    [InlineData(null, false, default(RegionCode))]
    public void RegionCodesParseCaseInsensitivelyAndNothingElse(string? input, bool ok, RegionCode expected)
    {
        Assert.Equal(ok, Regions.TryParse(input, out var code));
        if (ok)
        {
            Assert.Equal(expected, code);
        }
    }

    [Theory]
    [InlineData("Europe/Dublin", true)]
    [InlineData("Asia/Tokyo", true)]
    [InlineData("Europe/Dublinn", false)]
    [InlineData("JST", false)]
    [InlineData("", false)]
    public void OnlyIanaZonesAreValid(string zone, bool valid) => Assert.Equal(valid, TimeZones.IsValid(zone));

    [Fact]
    public void AnUnknownZoneFallsBackToUtcInsteadOfFailing() =>
        Assert.Equal(DateTimeZone.Utc, TimeZones.GetOrUtc("Mars/Olympus_Mons"));

    [Fact]
    public void ThePickerListsCanonicalAreaCityZones()
    {
        Assert.Contains("Asia/Tokyo", TimeZones.Canonical);
        Assert.Contains("America/Mexico_City", TimeZones.Canonical);
        Assert.DoesNotContain(TimeZones.Canonical, z => z.StartsWith("Etc/", StringComparison.Ordinal));
    }
}
