using Microsoft.EntityFrameworkCore;
using Portal.Shared.Incidents;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Alerts;

/// <summary>
/// A real Alertmanager pages a portal listening on a real port through both of its ways: the webhook receiver and the
/// PagerDuty receiver with <c>url:</c> pointed at <c>/v2/enqueue</c>. Configuration alone, nothing else changed.
/// </summary>
public sealed class RealAlertmanagerTests
{
    private const string WebhookKey = "1111111111111111aaaaaaaaaaaaaaaa";
    private const string PagerDutyKey = "2222222222222222bbbbbbbbbbbbbbbb";

    [Fact]
    public async Task AlertsPostedToAlertmanagerBecomeIncidentsAndEndingThemResolvesThem()
    {
        var port = Ports.Free();
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Provisioning:Integrations:0:Name"] = "Alertmanager webhook",
            ["Provisioning:Integrations:0:Kind"] = "alertmanager",
            ["Provisioning:Integrations:0:Key"] = WebhookKey,
            ["Provisioning:Integrations:1:Name"] = "Alertmanager via PagerDuty receiver",
            ["Provisioning:Integrations:1:Kind"] = "events-v2",
            ["Provisioning:Integrations:1:Key"] = PagerDutyKey,
            ["Provisioning:Integrations:1:Service"] = "payments",
        });
        portal.UseKestrel(port);
        portal.StartServer();
        await using var alertmanager = await AlertmanagerServer.StartAsync($$"""
            route:
              receiver: portal-webhook
              group_by: ['alertname']
              group_wait: 1s
              group_interval: 1s
              repeat_interval: 1h
              routes:
                - receiver: portal-pagerduty
                  matchers: ['via="pagerduty"']
            receivers:
              - name: portal-webhook
                webhook_configs:
                  - url: http://127.0.0.1:{{port}}/api/integrations/alertmanager/{{WebhookKey}}
                    send_resolved: true
              - name: portal-pagerduty
                pagerduty_configs:
                  - url: http://127.0.0.1:{{port}}/v2/enqueue
                    routing_key: {{PagerDutyKey}}
                    send_resolved: true
            """);

        var started = DateTimeOffset.UtcNow.AddMinutes(-1);
        object Alert(string name, string summary, string? via, DateTimeOffset? endsAt) => new
        {
            labels = via is null
                ? new Dictionary<string, string> { ["alertname"] = name, ["service"] = "invoicing", ["severity"] = "critical", ["region"] = "eu" }
                : new Dictionary<string, string> { ["alertname"] = name, ["severity"] = "critical", ["via"] = via },
            annotations = new Dictionary<string, string> { ["summary"] = summary },
            startsAt = started,
            endsAt,
        };
        await alertmanager.PostAlertsAsync(
        [
            Alert("InvoiceQueueBacklog", "Invoice generation queue above 50k for 10m", null, null),
            Alert("SettlementLag", "Settlement batch lag above 15 minutes", "pagerduty", null),
        ]);

        await Eventually.TrueAsync(() => Incidents(portal).Count == 2, seconds: 30);
        var opened = Incidents(portal);
        Assert.Contains(opened, i => i.Title == "Invoice generation queue above 50k for 10m" && i.Severity == Severity.SEV2);
        Assert.Contains(opened, i => i.Title.Contains("SettlementLag", StringComparison.Ordinal) || i.Title.Contains("Settlement batch lag", StringComparison.Ordinal));
        Assert.All(opened, i => Assert.Equal(IncidentStatus.Triggered, i.Status));

        var ended = DateTimeOffset.UtcNow.AddSeconds(-1);
        await alertmanager.PostAlertsAsync(
        [
            Alert("InvoiceQueueBacklog", "Invoice generation queue above 50k for 10m", null, ended),
            Alert("SettlementLag", "Settlement batch lag above 15 minutes", "pagerduty", ended),
        ]);

        await Eventually.TrueAsync(() => Incidents(portal).All(i => i.Status == IncidentStatus.Resolved), seconds: 30);
        Assert.Equal(2, Incidents(portal).Count);
        portal.Log.AssertClean();
    }

    private static List<Incident> Incidents(PortalFactory portal)
    {
        using var db = portal.Db.CreateDbContext();
        return [.. db.Incidents.AsNoTracking().Where(i => i.Tags.Contains("alert")).OrderBy(i => i.Number)];
    }
}
