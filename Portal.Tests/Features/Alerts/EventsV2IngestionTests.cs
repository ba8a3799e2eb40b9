using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Tests.Shared.Alerts;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Alerts;

/// <summary>PagerDuty Events API v2 at <c>/v2/enqueue</c>, driven by the fixtures, against the real pipeline and SQLite.</summary>
public sealed class EventsV2IngestionTests : IAsyncDisposable
{
    private const string Key = "0123456789abcdef0123456789abcdef";
    private const string OtherKey = "fedcba9876543210fedcba9876543210";
    private readonly PortalFactory _portal;

    public EventsV2IngestionTests()
    {
        _portal = new PortalFactory(settings: Settings());
    }

    private static Dictionary<string, string?> Settings(int? perSecond = null, int? burst = null)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Provisioning:Integrations:0:Name"] = "Payments synthetics",
            ["Provisioning:Integrations:0:Kind"] = "events-v2",
            ["Provisioning:Integrations:0:Key"] = Key,
            ["Provisioning:Integrations:0:Service"] = "payments",
            ["Provisioning:Integrations:1:Name"] = "Invoicing checks",
            ["Provisioning:Integrations:1:Kind"] = "events-v2",
            ["Provisioning:Integrations:1:Key"] = OtherKey,
            ["Provisioning:Integrations:1:Service"] = "invoicing",
        };
        if (perSecond is not null)
        {
            settings["Alerts:PerKeyPerSecond"] = perSecond.ToString();
            settings["Alerts:PerKeyBurst"] = burst.ToString();
        }
        return settings;
    }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<HttpResponseMessage> SendAsync(HttpClient client, byte[] body, string contentType = "application/json")
    {
        using var content = new ByteArrayContent(body);
        content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        return await client.PostAsync(Url("/v2/enqueue"), content, Ct);
    }

    private static Task<HttpResponseMessage> SendAsync(HttpClient client, string json) => SendAsync(client, Encoding.UTF8.GetBytes(json));

    private static string Trigger(string key, string? dedupKey, string summary = "Settlement lag above 15 minutes", string severity = "critical") =>
        JsonSerializer.Serialize(new Dictionary<string, object?>
        {
            ["routing_key"] = key,
            ["event_action"] = "trigger",
            ["dedup_key"] = dedupKey,
            ["payload"] = new { summary, source = "settlement-monitor", severity },
        });

    private async Task<List<Incident>> IncidentsAsync()
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Incidents.AsNoTracking().Where(i => i.Tags.Contains("alert")).OrderBy(i => i.Number).ToListAsync(Ct);
    }

    private async Task<List<TimelineEvent>> TimelineAsync(long number)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Timeline.AsNoTracking().Where(t => t.IncidentNumber == number).OrderBy(t => t.Id).ToListAsync(Ct);
    }

    [Fact]
    public async Task TriggerAcknowledgeResolveFromTheFixturesRunAnIncidentsLife()
    {
        using var client = _portal.AnonymousClient();

        var triggered = await SendAsync(client, Fixture.Bytes("pagerduty-events-v2-trigger.json"));

        Assert.Equal(HttpStatusCode.Accepted, triggered.StatusCode);
        var answer = await triggered.JsonAsync();
        Assert.Equal(("success", "Event processed", "payments-gateway-timeouts-jp"),
            (answer.GetProperty("status").GetString(), answer.GetProperty("message").GetString(), answer.GetProperty("dedup_key").GetString()));
        var incident = Assert.Single(await IncidentsAsync());
        Assert.Equal(("Payment gateway timeouts above 5% in JP", Severity.SEV2, IncidentStatus.Triggered), (incident.Title, incident.Severity, incident.Status));
        Assert.Contains("affected_advertisers", incident.Description, StringComparison.Ordinal);
        Assert.Contains("[Payments JP dashboard](https://dashboards.example.com/payments/jp)", incident.Description, StringComparison.Ordinal);
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var alert = await db.Alerts.SingleAsync(Ct);
            Assert.Equal(("payments-gateway-timeouts-jp", AlertStatus.Triggered, 1, incident.Number), (alert.OpenKey, alert.Status, alert.Count, alert.IncidentNumber));
            Assert.Equal("payments", await db.Services.Where(s => s.Id == incident.ServiceId).Select(s => s.Slug).SingleAsync(Ct));
        }

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Fixture.Bytes("pagerduty-events-v2-acknowledge.json"))).StatusCode);
        Assert.Equal(IncidentStatus.Acknowledged, Assert.Single(await IncidentsAsync()).Status);

        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Fixture.Bytes("pagerduty-events-v2-resolve.json"))).StatusCode);
        var resolved = Assert.Single(await IncidentsAsync());
        Assert.Equal((IncidentStatus.Resolved, "Every alert of this incident resolved."), (resolved.Status, resolved.ResolutionNote));
        Assert.Equal(
            [TimelineEventKind.Created, TimelineEventKind.AlertTriggered, TimelineEventKind.AlertAcknowledged, TimelineEventKind.Acknowledged,
                TimelineEventKind.AlertResolved, TimelineEventKind.StatusChanged],
            (await TimelineAsync(resolved.Number)).Select(t => t.Kind).Where(k => k is not (TimelineEventKind.Paged or TimelineEventKind.Escalated)));
        Assert.All((await TimelineAsync(resolved.Number)).Where(t => t.Kind is not (TimelineEventKind.Paged or TimelineEventKind.Escalated)),
            t => Assert.Equal("Payments synthetics", t.ActorName));

        // After resolve, the same key opens a new incident.
        Assert.Equal(HttpStatusCode.Accepted, (await SendAsync(client, Fixture.Bytes("pagerduty-events-v2-trigger.json"))).StatusCode);
        Assert.Equal(2, (await IncidentsAsync()).Count);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task ARepeatedTriggerCountsOnTheOpenAlert()
    {
        using var client = _portal.AnonymousClient();

        await SendAsync(client, Trigger(Key, "lag-1"));
        await SendAsync(client, Trigger(Key, "lag-1", summary: "Settlement lag above 20 minutes"));

        var incident = Assert.Single(await IncidentsAsync());
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var alert = await db.Alerts.SingleAsync(Ct);
        Assert.Equal((2, "Settlement lag above 20 minutes"), (alert.Count, alert.Summary));
        Assert.Equal(2, (await TimelineAsync(incident.Number)).Count(t => t.Kind == TimelineEventKind.AlertTriggered));
    }

    [Fact]
    public async Task ATriggerWithoutDedupKeyGetsOneBackToFollowUpWith()
    {
        using var client = _portal.AnonymousClient();

        var answer = await (await SendAsync(client, Trigger(Key, dedupKey: null))).JsonAsync();
        var dedupKey = answer.GetProperty("dedup_key").GetString()!;

        Assert.Matches("^[0-9a-f]{32}$", dedupKey);
        await SendAsync(client, $$"""{"routing_key":"{{Key}}","event_action":"resolve","dedup_key":"{{dedupKey}}"}""");
        Assert.Equal(IncidentStatus.Resolved, Assert.Single(await IncidentsAsync()).Status);
    }

    [Theory]
    [InlineData("acknowledge")]
    [InlineData("resolve")]
    public async Task AFollowUpForNoOpenAlertIsAcceptedAndDropped(string action)
    {
        using var client = _portal.AnonymousClient();

        var response = await SendAsync(client, $$"""{"routing_key":"{{Key}}","event_action":"{{action}}","dedup_key":"never-seen"}""");

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Empty(await IncidentsAsync());
    }

    [Fact]
    public async Task SeveritiesMapToIncidentSeveritiesAndNeverToSev1()
    {
        using var client = _portal.AnonymousClient();

        foreach (var (word, i) in new[] { "critical", "error", "warning", "info" }.Select((w, i) => (w, i)))
        {
            await SendAsync(client, Trigger(Key, $"sev-{i}", summary: word, severity: word));
        }

        Assert.Equal([Severity.SEV2, Severity.SEV3, Severity.SEV4, Severity.SEV5], (await IncidentsAsync()).Select(i => i.Severity));
    }

    [Fact]
    public async Task BadEventsGetTheirReasonInPagerDutysShapeAndWriteNothing()
    {
        using var client = _portal.AnonymousClient();

        var invalid = await SendAsync(client, $$"""{"routing_key":"{{Key}}","event_action":"trigger","payload":{"summary":"","severity":"fatal"} }""");
        var unknownKey = await SendAsync(client, Trigger("ffffffffffffffffffffffffffffffff", "x"));
        var notJson = await SendAsync(client, "{nope");
        var wrongType = await SendAsync(client, Encoding.UTF8.GetBytes(Trigger(Key, "x")), "text/plain");
        var bomb = await SendAsync(client, $$"""{"routing_key":"{{Key}}","event_action":"trigger","payload":{{new string('[', 3000)}}{{new string(']', 3000)}} }""");
        var huge = await SendAsync(client, Encoding.UTF8.GetBytes(Trigger(Key, "x", summary: new string('s', EventsV2.MaxBodyBytes))));

        Assert.Equal(HttpStatusCode.BadRequest, invalid.StatusCode);
        var body = await invalid.JsonAsync();
        Assert.Equal(("invalid event", "Event object is invalid"), (body.GetProperty("status").GetString(), body.GetProperty("message").GetString()));
        Assert.Equal(
            ["'payload.summary' is missing or blank", "'payload.source' is missing or blank", "'payload.severity' is invalid (must be one of: critical, error, warning, info)"],
            body.GetProperty("errors").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, unknownKey.StatusCode);
        Assert.Contains("not the key of an enabled", (await unknownKey.JsonAsync()).GetProperty("errors")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, notJson.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, wrongType.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, bomb.StatusCode);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, huge.StatusCode);
        Assert.Empty(await IncidentsAsync());
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task FiftyIdenticalTriggersAtOnceMakeOneIncidentWithOneAlertCountedFiftyTimes()
    {
        using var client = _portal.AnonymousClient();

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => SendAsync(client, Trigger(Key, "storm"))));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.Accepted, r.StatusCode));
        var incident = Assert.Single(await IncidentsAsync());
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var alert = await db.Alerts.SingleAsync(Ct);
        Assert.Equal((50, incident.Number), (alert.Count, alert.IncidentNumber));
    }

    [Fact]
    public async Task ANewIncidentReachesTheLiveFeed()
    {
        using var client = _portal.AnonymousClient();
        var seen = new List<IncidentChanged>();
        using var _ = _portal.Services.GetRequiredService<ILiveFeed>().Subscribe(c =>
        {
            lock (seen)
            {
                seen.Add(c);
            }
            return ValueTask.CompletedTask;
        });

        await SendAsync(client, Trigger(Key, "live-1"));

        var incident = Assert.Single(await IncidentsAsync());
        await Eventually.TrueAsync(() =>
        {
            lock (seen)
            {
                return seen.Any(c => c.Number == incident.Number && c.Kind == TimelineEventKind.Created);
            }
        });
    }

    [Fact]
    public async Task AKeyOverItsRateGets429WhileAnotherKeyIsServed()
    {
        await using var portal = new PortalFactory(settings: Settings(perSecond: 1, burst: 3));
        using var client = portal.AnonymousClient();

        var flood = new List<HttpResponseMessage>();
        for (var i = 0; i < 6; i++)
        {
            flood.Add(await SendAsync(client, Trigger(Key, $"flood-{i}")));
        }
        var other = await SendAsync(client, Trigger(OtherKey, "calm"));

        Assert.Equal(3, flood.Count(r => r.StatusCode == HttpStatusCode.Accepted));
        var limited = flood.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.NotEmpty(limited);
        Assert.All(limited, r => Assert.Equal("1", r.Headers.RetryAfter!.ToString()));
        Assert.Equal("throttle event", (await limited[0].JsonAsync()).GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Accepted, other.StatusCode);
    }

    [Fact]
    public async Task AnAcknowledgementFromTheMonitorAfterItsTargetRecordsTheBreachAtOnce()
    {
        // No processor scan in between: the breach must come from the acknowledgement itself.
        var settings = Settings();
        settings["Sla:ScanInterval"] = "1.00:00:00";
        await using var portal = new PortalFactory(settings: settings);
        using var client = portal.AnonymousClient();
        await SendAsync(client, Trigger(Key, "late-ack"));
        portal.Clock.Advance(TimeSpan.FromMinutes(20));

        await SendAsync(client, $$"""{"routing_key":"{{Key}}","event_action":"acknowledge","dedup_key":"late-ack"}""");

        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var incident = await db.Incidents.SingleAsync(i => i.Tags.Contains("alert"), Ct);
        Assert.True(incident.AcknowledgeBreached);
        var breach = await db.Timeline.SingleAsync(t => t.IncidentNumber == incident.Number && t.Kind == TimelineEventKind.SlaBreached, Ct);
        Assert.Contains("Payments synthetics acted at", breach.Text, StringComparison.Ordinal);
        Assert.Equal(incident.Version, breach.IncidentVersion);
    }

    [Fact]
    public async Task TheDemoWorldsMonitorKeyPagesPaymentsAsTheReadmeShows()
    {
        using var client = _portal.AnonymousClient();

        var response = await SendAsync(client, Trigger(Portal.Shared.Demo.DemoWorld.MonitorKey, "try-1", summary: "Payments timeouts in JP"));

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var incident = await db.Incidents.SingleAsync(i => i.Title == "Payments timeouts in JP", Ct);
        Assert.Equal("payments", await db.Services.Where(s => s.Id == incident.ServiceId).Select(s => s.Slug).SingleAsync(Ct));
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
