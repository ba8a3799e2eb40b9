using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Tests.Shared.Alerts;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Alerts;

/// <summary>Alertmanager's webhook at <c>/api/integrations/alertmanager/{key}</c>, driven by the fixtures.</summary>
public sealed class AlertmanagerIngestionTests : IAsyncDisposable
{
    private const string Key = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    private const string EventsKey = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Provisioning:Integrations:0:Name"] = "Prometheus",
        ["Provisioning:Integrations:0:Kind"] = "alertmanager",
        ["Provisioning:Integrations:0:Key"] = Key,
        ["Provisioning:Integrations:1:Name"] = "Synthetics",
        ["Provisioning:Integrations:1:Kind"] = "events-v2",
        ["Provisioning:Integrations:1:Key"] = EventsKey,
        ["Provisioning:Integrations:2:Name"] = "Prometheus APAC",
        ["Provisioning:Integrations:2:Kind"] = "alertmanager",
        ["Provisioning:Integrations:2:Key"] = MappedKey,
        ["Provisioning:Integrations:2:SeverityMap"] = "critical=SEV3",
        ["Provisioning:Integrations:2:LabelMap"] = "region=dc",
        ["Provisioning:Integrations:2:AutoResolve"] = "false",
    });
    private const string MappedKey = "abababababababababababababababab";

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> PostAsync(HttpClient client, string key, byte[] body)
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        return await client.PostAsync(Url($"/api/integrations/alertmanager/{key}"), content, Ct);
    }

    [Fact]
    public async Task AFiringGroupOpensOneIncidentAndItsResolutionClosesIt()
    {
        using var client = _portal.AnonymousClient();

        var firing = await PostAsync(client, Key, Fixture.Bytes("alertmanager-webhook-firing.json"));

        Assert.Equal(HttpStatusCode.OK, firing.StatusCode);
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var incident = await db.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct);
            Assert.Equal(("Invoice generation queue above 50k for 10m", Severity.SEV2, RegionCode.EU), (incident.Title, incident.Severity, incident.Region));
            Assert.Equal("invoicing", await db.Services.Where(s => s.Id == incident.ServiceId).Select(s => s.Slug).SingleAsync(Ct));
            Assert.Contains("[Runbook](https://runbooks.example.com/invoicing/queue-backlog)", incident.Description, StringComparison.Ordinal);
            var alerts = await db.Alerts.OrderBy(a => a.Id).ToListAsync(Ct);
            Assert.Equal(["c3a1f0e9b2d47a10", "7d02be61aa9c3f55"], alerts.Select(a => a.DedupKey));
            Assert.All(alerts, a => Assert.Equal(incident.Number, a.IncidentNumber));
            Assert.Equal("invoice-worker-eu-2", alerts[1].Labels["instance"]);
        }

        // Alertmanager sends the group again while it fires: counted, not a second incident.
        await PostAsync(client, Key, Fixture.Bytes("alertmanager-webhook-firing.json"));
        var resolved = await PostAsync(client, Key, Fixture.Bytes("alertmanager-webhook-resolved.json"));

        Assert.Equal(HttpStatusCode.OK, resolved.StatusCode);
        await using var after = await _portal.Db.CreateDbContextAsync(Ct);
        var closed = await after.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct);
        Assert.Equal(IncidentStatus.Resolved, closed.Status);
        Assert.All(await after.Alerts.ToListAsync(Ct), a => Assert.Equal((AlertStatus.Resolved, 2, (string?)null), (a.Status, a.Count, a.OpenKey)));
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task OneAlertOfTheGroupResolvingLeavesTheIncidentOpen()
    {
        using var client = _portal.AnonymousClient();
        await PostAsync(client, Key, Fixture.Bytes("alertmanager-webhook-firing.json"));
        var oneResolved = Fixture.Text("alertmanager-webhook-resolved.json").Replace("\"7d02be61aa9c3f55\"", "\"not-this-one\"", StringComparison.Ordinal);

        await PostAsync(client, Key, Encoding.UTF8.GetBytes(oneResolved));

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(IncidentStatus.Triggered, (await db.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct)).Status);
        Assert.Equal(AlertStatus.Resolved, (await db.Alerts.SingleAsync(a => a.DedupKey == "c3a1f0e9b2d47a10", Ct)).Status);
    }

    [Fact]
    public async Task UnknownKeysBadBodiesAndOtherKindsOfKeyAreRefusedAndWriteNothing()
    {
        using var client = _portal.AnonymousClient();

        var unknown = await PostAsync(client, "cccccccccccccccccccccccccccccccc", Fixture.Bytes("alertmanager-webhook-firing.json"));
        var otherKind = await PostAsync(client, EventsKey, Fixture.Bytes("alertmanager-webhook-firing.json"));
        var bad = await PostAsync(client, Key, Encoding.UTF8.GetBytes("""{"version":"4","status":"firing","alerts":[{"status":"firing"}]}"""));

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, otherKind.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Equal(["'groupKey' is missing or blank", "'alerts[0].fingerprint' is missing or blank"],
            (await bad.JsonAsync()).GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.Alerts.CountAsync(Ct));
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnIntegrationsOwnMappingsDecideSeverityAndRegionAndCanKeepIncidentsOpen()
    {
        using var client = _portal.AnonymousClient();
        var firing = Fixture.Text("alertmanager-webhook-firing.json").Replace("\"region\": \"eu\"", "\"region\": \"eu\", \"dc\": \"jp\"", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(client, MappedKey, Encoding.UTF8.GetBytes(firing))).StatusCode);
        await PostAsync(client, MappedKey, Fixture.Bytes("alertmanager-webhook-resolved.json"));

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var incident = await db.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct);
        Assert.Equal((Severity.SEV3, RegionCode.JP, IncidentStatus.Triggered), (incident.Severity, incident.Region, incident.Status));
        Assert.All(await db.Alerts.ToListAsync(Ct), a => Assert.Equal(AlertStatus.Resolved, a.Status));
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
