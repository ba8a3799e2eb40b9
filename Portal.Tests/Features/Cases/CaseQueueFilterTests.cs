using System.Globalization;
using Portal.Features.Cases;
using Portal.Shared.Admin;
using Portal.Shared.Cases;

namespace Portal.Tests.Features.Cases;

/// <summary>The case queue's filters in its address: what the metrics drill-down, saved views and shared links carry.</summary>
public sealed class CaseQueueFilterTests
{
    [Fact]
    public void EveryFilterSurvivesTheRoundTripThroughTheAddress()
    {
        var filter = new CaseQueueFilter("all", [CasePriority.P1, CasePriority.P3], RegionCode.MX, Mine: true, Breached: true, Search: "refund", Advertiser: "ACC-100001",
            Category: "refund", From: DateTimeOffset.Parse("2026-11-08T00:00:00Z", CultureInfo.InvariantCulture), To: DateTimeOffset.Parse("2026-12-06T12:30:00Z", CultureInfo.InvariantCulture));
        var query = Microsoft.AspNetCore.WebUtilities.QueryHelpers.ParseQuery(new Uri("http://x" + filter.ToUrl()).Query);
        string? Get(string key) => query.TryGetValue(key, out var v) ? v.ToString() : null;

        var back = CaseQueueFilter.FromUrl(Get("status"), Get("priority"), Get("region"), Get("mine") == "true", Get("unassigned") == "true", Get("soon") == "true",
            Get("breached") == "true", Get("q"), Get("advertiser"), Get("category"), Get("from"), Get("to"));

        Assert.Equal(filter.ToUrl(), back.ToUrl());
        Assert.Equal(filter.From, back.From);
        Assert.Equal(filter.To, back.To);
        Assert.Equal(9, back.ActiveCount);
        var query2 = back.ToQuery(null, 50);
        Assert.Equal((filter.From, filter.To), (query2.From, query2.To));
    }

    [Theory]
    [InlineData("yesterday")]
    [InlineData("2026-13-45")]
    [InlineData("")]
    public void AWindowThatIsNotAnInstantIsIgnored(string from)
    {
        var filter = CaseQueueFilter.FromUrl(null, null, null, null, null, null, null, null, null, null, from, null);
        Assert.Null(filter.From);
        Assert.Equal("/cases", filter.ToUrl());
    }
}
