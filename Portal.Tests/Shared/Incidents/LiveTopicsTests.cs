using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Tests.Shared.Incidents;

public class LiveTopicsTests
{
    [Theory]
    [InlineData("incidents", "incidents")]
    [InlineData("INCIDENTS", "incidents")]
    [InlineData("incidents:region:jp", "incidents:region:JP")]
    [InlineData("incidents:team:Billing-Support-EU", "incidents:team:billing-support-eu")]
    [InlineData("incident:1042", "incident:INC-1042")]
    [InlineData("incident:inc-1042", "incident:INC-1042")]
    public void TopicsAreNormalised(string topic, string normalized) =>
        Assert.Equal(normalized, LiveTopics.Normalize(topic, out _));

    [Theory]
    [InlineData("incidents:region:UK")]
    [InlineData("incidents:team:")]
    [InlineData("incident:abc")]
    [InlineData("alerts")]
    [InlineData(null)]
    public void OtherTopicsAreRefusedWithAReason(string? topic)
    {
        Assert.Null(LiveTopics.Normalize(topic, out var error));
        Assert.False(string.IsNullOrEmpty(error));
    }

    [Fact]
    public void AChangeReachesItsRegionTeamIncidentAndTheWholeQueue()
    {
        var change = new IncidentChanged(1042, 3, TimelineEventKind.Assigned, "t", IncidentStatus.Acknowledged, Severity.SEV2, "payments", "billing-support-us", RegionCode.US, "x", DateTimeOffset.UnixEpoch);
        Assert.Equal(["incidents", "incidents:region:US", "incident:INC-1042", "incidents:team:billing-support-us"], LiveTopics.For(change));
        Assert.DoesNotContain(LiveTopics.For(change with { Team = null }), t => t.StartsWith("incidents:team:", StringComparison.Ordinal));
    }
}
