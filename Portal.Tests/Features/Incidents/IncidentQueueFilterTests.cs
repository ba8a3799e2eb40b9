using Portal.Features.Incidents;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;

namespace Portal.Tests.Features.Incidents;

public sealed class IncidentQueueFilterTests
{
    [Fact]
    public void TheDefaultQueueCountsNoFilterAndSortIsNotOne()
    {
        Assert.Equal(0, new IncidentQueueFilter().ActiveCount);
        Assert.Equal(0, new IncidentQueueFilter(Sort: "severity").ActiveCount);
        Assert.Equal(0, new IncidentQueueFilter(Severities: [], Search: "  ").ActiveCount);
    }

    [Fact]
    public void EachFilterThatNarrowsTheQueueCountsOnceAndATimeWindowCountsAsOne()
    {
        var all = new IncidentQueueFilter(
            Status: "all", Severities: [Severity.SEV1, Severity.SEV2], Region: RegionCode.EU, Team: "billing-eu", Service: "invoicing",
            Mine: true, Unassigned: true, Breached: true, Search: "pdf", Assignee: "ana", From: DateTimeOffset.UnixEpoch, To: DateTimeOffset.UnixEpoch.AddDays(1));
        Assert.Equal(11, all.ActiveCount);
        Assert.Equal(1, new IncidentQueueFilter(Mine: true).ActiveCount);
        Assert.Equal(2, new IncidentQueueFilter(Region: RegionCode.JP, To: DateTimeOffset.UnixEpoch).ActiveCount);
    }
}
