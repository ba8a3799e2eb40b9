using NodaTime;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;

namespace Portal.Tests.Shared.Demo;

public class DemoIncidentsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<DemoIncident> History = DemoIncidents.Generate(DemoWorld.Generate(), Now);

    [Fact]
    public void TheSameClockGivesTheSameHistory() =>
        Assert.Equal(History, DemoIncidents.Generate(DemoWorld.Generate(), Now), new DemoIncidentComparer());

    [Fact]
    public void FifteenWeeksOfHistoryAndADozenOpenNow()
    {
        Assert.InRange(History.Count, 300, 900);
        Assert.True(History.Min(i => i.TriggeredAt) >= Now.AddDays(-DemoIncidents.Days));
        Assert.True(History.Max(i => i.TriggeredAt) < Now);
        var open = History.Where(i => i.ResolvedAt is null).ToList();
        Assert.Equal(DemoIncidents.OpenNow, open.Count);
        Assert.Equal(5, open.Select(i => i.Region).Distinct().Count());
        Assert.Contains(open, i => i.AcknowledgedAt is null && i.AssigneeHandle is null);
        Assert.Contains(open, i => i.MitigatedAt is not null);
    }

    [Fact]
    public void MostIncidentsAreSev3OrSev4AndSev1sAreRare()
    {
        double Share(Severity s) => History.Count(i => i.Severity == s) / (double)History.Count;
        Assert.True(Share(Severity.SEV3) + Share(Severity.SEV4) > 0.6);
        Assert.InRange(Share(Severity.SEV1), 0.001, 0.06);
    }

    [Fact]
    public void IncidentsPeakInEachRegionsBusinessHours()
    {
        var local = History.Select(i => Instant.FromDateTimeOffset(i.TriggeredAt).InZone(Regions.Get(i.Region).Zone).Hour).ToList();
        var business = local.Count(h => h is >= 9 and < 18) / (double)local.Count;
        Assert.True(business > 0.6, $"only {business:P0} in business hours");
    }

    [Fact]
    public void TimesToAcknowledgeAndResolveDependOnTheService()
    {
        double Median(string service) => History.Where(i => i.ServiceSlug == service && i.ResolvedAt is not null)
            .Select(i => (i.AcknowledgedAt!.Value - i.TriggeredAt).TotalMinutes).Order().ElementAt(History.Count(i => i.ServiceSlug == service && i.ResolvedAt is not null) / 2);
        Assert.True(Median("payments") * 3 < Median("promotions"));
        Assert.All(History.Where(i => i.ResolvedAt is not null), i =>
        {
            Assert.True(i.AcknowledgedAt > i.TriggeredAt);
            Assert.True(i.ResolvedAt > i.AcknowledgedAt);
            Assert.False(string.IsNullOrEmpty(i.ResolutionNote));
        });
    }

    private sealed class DemoIncidentComparer : IEqualityComparer<DemoIncident>
    {
        public bool Equals(DemoIncident? x, DemoIncident? y) =>
            x is not null && y is not null && x with { Tags = [] } == y with { Tags = [] } && x.Tags.SequenceEqual(y.Tags);

        public int GetHashCode(DemoIncident obj) => obj.Title.GetHashCode(StringComparison.Ordinal);
    }
}
