using Portal.Shared.Alerts;

namespace Portal.Tests.Shared.Alerts;

public class AlertmanagerWebhookTests
{
    [Fact]
    public void TheFiringFixtureReadsAsOneGroupOfTwoAlerts()
    {
        var reading = AlertmanagerWebhook.Read(Fixture.Bytes("alertmanager-webhook-firing.json"));

        Assert.Empty(reading.Errors);
        var n = reading.Notification!;
        Assert.True(n.Firing);
        Assert.Equal("{}:{alertname=\"InvoiceQueueBacklog\"}", n.GroupKey);
        Assert.Equal("https://runbooks.example.com/invoicing/queue-backlog", n.CommonAnnotations["runbook_url"]);
        Assert.Equal(["c3a1f0e9b2d47a10", "7d02be61aa9c3f55"], n.Alerts.Select(a => a.Fingerprint));
        var first = n.Alerts[0];
        Assert.True(first.Firing);
        Assert.Equal("Invoice generation queue above 50k for 10m", first.Summary);
        Assert.Equal(("eu", "critical", "invoice-worker-eu-1"), (first.Labels["region"], first.Labels["severity"], first.Labels["instance"]));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 9, 12, 30, TimeSpan.Zero), first.StartsAt);
        Assert.Null(first.EndsAt);
    }

    [Fact]
    public void TheResolvedFixtureResolvesTheSameAlerts()
    {
        var n = AlertmanagerWebhook.Read(Fixture.Bytes("alertmanager-webhook-resolved.json")).Notification!;

        Assert.False(n.Firing);
        Assert.All(n.Alerts, a => Assert.False(a.Firing));
        Assert.Equal(["c3a1f0e9b2d47a10", "7d02be61aa9c3f55"], n.Alerts.Select(a => a.Fingerprint));
        Assert.All(n.Alerts, a => Assert.NotNull(a.EndsAt));
    }

    [Fact]
    public void EveryBadFieldIsNamed()
    {
        var reading = AlertmanagerWebhook.Read(Fixture.Utf8("""
            {"version":"3","status":"burning","alerts":[{"status":"firing","labels":{"n":1}},"x"]}
            """));

        Assert.Equal(
        [
            "'version' is \"3\"; only version 4 is understood",
            "'groupKey' is missing or blank",
            "'status' must be \"firing\" or \"resolved\"",
            "'alerts[0].fingerprint' is missing or blank",
            "'alerts[0].labels.n' must be a string",
            "'alerts[1]' must be an object",
        ], reading.Errors);
    }

    [Theory]
    [InlineData("nope", "The body is not valid JSON")]
    [InlineData("\"text\"", "The notification must be a JSON object.")]
    public void BodiesThatAreNoNotificationAreRefused(string body, string reason) =>
        Assert.StartsWith(reason, Assert.Single(AlertmanagerWebhook.Read(Fixture.Utf8(body)).Errors), StringComparison.Ordinal);
}
