using Portal.Shared.Demo;

namespace Portal.Tests.Shared.Demo;

public sealed class DemoAlertsTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly IReadOnlyList<DemoIncident> History = DemoIncidents.Generate(DemoWorld.Generate(), Now);

    [Theory]
    [InlineData("Payment gateway timeouts above {0}% in {1}", "payment-gateway-timeouts")]
    [InlineData("Duplicate charge reports from {1} advertisers", "duplicate-charge-reports")]
    [InlineData("Credit notes missing from invoices", "credit-notes-missing")]
    [InlineData("Tax rate table stale", "tax-rate-table-stale")]
    public void AnAlertClassIsTheTemplatesLeadingWords(string template, string expected) => Assert.Equal(expected, DemoAlerts.ClassOf(template));

    [Fact]
    public void WhatAdvertisersReportedHasNoAlertAndTheRestHaveSome()
    {
        var reported = History.Where(i => i.Tags.Contains("customer-reported")).ToList();
        Assert.NotEmpty(reported);
        Assert.All(reported, i => Assert.Empty(DemoAlerts.For(i, 0, Now)));
        var monitored = History.Select((incident, index) => (incident, index)).Where(x => x.incident.AlertClass is not null).ToList();
        Assert.InRange(monitored.Count, History.Count / 3, History.Count * 3 / 4);
        Assert.All(monitored, x => Assert.NotEmpty(DemoAlerts.For(x.incident, x.index, Now)));
    }

    [Fact]
    public void TheFirstAlertOpensTheIncidentAndTheOthersJoinItWhileItIsOpen()
    {
        foreach (var (incident, index) in History.Select((incident, index) => (incident, index)).Where(x => x.incident.AlertClass is not null))
        {
            var alerts = DemoAlerts.For(incident, index, Now);
            Assert.Equal(incident.TriggeredAt, alerts[0].FirstSeenAt);
            var end = incident.ResolvedAt ?? Now;
            Assert.All(alerts, a => Assert.InRange(a.FirstSeenAt, incident.TriggeredAt, end));
            Assert.All(alerts, a => Assert.InRange(a.LastSeenAt, a.FirstSeenAt, end));
            Assert.All(alerts, a => Assert.Equal(incident.AlertClass, a.Labels["alertname"]));
            Assert.Equal(alerts, DemoAlerts.For(incident, index, Now), new AlertComparer());
        }
    }

    [Fact]
    public void TheSameProblemFiresTheSameAlertAgain()
    {
        var keys = History.Select((incident, index) => DemoAlerts.For(incident, index, Now) is [var first, ..] ? first.DedupKey : null).OfType<string>().ToList();
        Assert.True(keys.Count > keys.Distinct().Count(), "no alert fired for two incidents");
    }

    private sealed class AlertComparer : IEqualityComparer<DemoAlert>
    {
        public bool Equals(DemoAlert? x, DemoAlert? y) =>
            x is not null && y is not null && x.DedupKey == y.DedupKey && x.Summary == y.Summary && x.Count == y.Count && x.FirstSeenAt == y.FirstSeenAt
            && x.LastSeenAt == y.LastSeenAt && x.Labels.OrderBy(l => l.Key).SequenceEqual(y.Labels.OrderBy(l => l.Key));

        public int GetHashCode(DemoAlert obj) => obj.DedupKey.GetHashCode(StringComparison.Ordinal);
    }
}
