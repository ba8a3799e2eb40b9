using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Automation;
using Portal.Shared.Admin;
using Portal.Shared.Automation;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Shared.Team;

namespace Portal.Tests.Support;

/// <summary>
/// A portal without its automation processor, so a test takes each round itself, as a node would; a monitor integration for the invoicing service; the fake billing service; and the people who
/// edit, promote, run and approve.
/// </summary>
public sealed class AutomationHarness : IAsyncDisposable
{
    public const string Key = "77777777777777777777777777777777";
    public const string Secret = "test-signing-secret-0123456789";
    public static readonly DemoWorld World = DemoWorld.Generate();
    public static readonly DemoPerson Admin = World.People.First(p => p.Role == PortalRole.Admin);
    public static readonly DemoPerson Manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    public static readonly DemoPerson OtherManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.US);
    public static readonly DemoPerson Engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
    public static readonly DemoPerson OnCall = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU).Skip(1).First();

    private AutomationHarness(PortalFactory portal, FakeBillingService billing) => (Portal, Billing) = (portal, billing);

    public PortalFactory Portal { get; }
    public FakeBillingService Billing { get; }

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public static async Task<AutomationHarness> StartAsync(bool autoResolve = false, IDictionary<string, string?>? settings = null, bool kestrel = false,
        string? postgres = null)
    {
        var billing = await FakeBillingService.StartAsync();
        billing.Secret = Secret;
        var all = Settings(autoResolve, settings);
        // The test is the only node that takes automation rounds: the hosted processor (woken on every request) would race it.
        var portal = Node(all, postgres);
        if (kestrel)
        {
            // A real port, for a runner in another process; the fake clock starts at the real time, as the runner's clock does.
            portal.StartKestrel();
            portal.Clock.SetUtcNow(DateTimeOffset.UtcNow);
        }
        return new AutomationHarness(portal, billing) { _settings = all, _postgres = postgres };
    }

    private Dictionary<string, string?> _settings = [];
    private string? _postgres;

    /// <summary>Another node on the same PostgreSQL database, as a second server would be (its automation rounds taken by the test too).</summary>
    public PortalFactory SecondNode() => Node(_settings, _postgres ?? throw new InvalidOperationException("A second node needs PostgreSQL."));

    /// <summary>The same portal started again on its database, as after a restart (the first one stopped, its database kept).</summary>
    public async Task<PortalFactory> RestartAsync()
    {
        var again = new PortalFactory(settings: _settings, sameDatabaseAs: Portal, services: s => s.Remove(s.Single(d => d.ImplementationType == typeof(AutomationProcessor))));
        await Portal.DisposeAsyncKeepingDatabase();
        _stopped = true;
        return again;
    }

    private bool _stopped;

    private static PortalFactory Node(Dictionary<string, string?> settings, string? postgres) =>
        new(settings: settings, postgres: postgres, services: s => s.Remove(s.Single(d => d.ImplementationType == typeof(AutomationProcessor))));

    private static Dictionary<string, string?> Settings(bool autoResolve, IDictionary<string, string?>? settings)
    {
        var all = new Dictionary<string, string?>
        {
            ["Provisioning:Integrations:0:Name"] = "Renderer probe",
            ["Provisioning:Integrations:0:Kind"] = "events-v2",
            ["Provisioning:Integrations:0:Key"] = Key,
            ["Provisioning:Integrations:0:Service"] = "invoicing",
            ["Provisioning:Integrations:0:AutoResolve"] = autoResolve ? "true" : "false",
            ["Automation:Interval"] = "1.00:00:00",
            ["Automation:SigningSecret"] = Secret,
            ["Automation:HealingHold"] = "00:01:00",
            ["Automation:AllowedCommands:0"] = "/bin/echo",
            ["Automation:AllowedCommands:1"] = "/bin/sleep",
            ["Escalation:ScanInterval"] = "1.00:00:00",
            ["Notifications:ScanInterval"] = "1.00:00:00",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            all[key] = value;
        }
        return all;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stopped)
        {
            await Portal.DisposeAsync();
        }
        await Billing.DisposeAsync();
    }

    /// <summary>The renderer's restart: low risk, verified by the alert resolving, undone by the restore.</summary>
    public object Restart(int maxPerHour = 3, int maxErrors = 3, int cooldown = 0, string risk = "Low", bool approval = false, int maxConcurrent = 1,
        string verify = "AlertResolves", string? rollback = null, int timeoutSeconds = 5, string? url = null) => new
    {
        name = "Restart the invoice renderer", description = "Restarts the renderer pods of one region.", kind = "Http", risk,
        services = new[] { "invoicing" },
        inputs = new object[] { new { name = "region", type = "Choice", choices = new[] { "US", "EU", "JP", "MX", "AU" }, @default = "EU" } },
        http = new { method = "POST", url = url ?? Billing.BaseUrl + "/renderer/restart", body = "{\"region\": \"{{region}}\", \"incident\": \"{{incident}}\"}" },
        verify = new { kind = verify, url = Billing.BaseUrl + "/renderer/health", expectStatus = 200, withinMinutes = 5 },
        rollback,
        limits = new { maxConcurrent, maxErrors, cooldownMinutes = cooldown, maxAutomaticPerHour = maxPerHour, requiresApproval = approval },
        timeoutSeconds, minutesSaved = 20,
    };

    public object Restore() => new
    {
        name = "Restore the previous renderer", kind = "Http", risk = "Low", services = new[] { "invoicing" },
        inputs = new object[] { new { name = "region", type = "Text", @default = "EU" } },
        http = new { method = "POST", url = Billing.BaseUrl + "/renderer/restore", body = "{\"region\": \"{{region}}\"}" },
        verify = new { kind = "None" }, limits = new { maxConcurrent = 1, maxErrors = 3, maxAutomaticPerHour = 10 }, timeoutSeconds = 5, minutesSaved = 5,
    };

    /// <summary>Saves the action as the manager and, unless told not to, promotes the version as the admin.</summary>
    public async Task SaveAsync(string slug, object definition, bool promote = true)
    {
        using var manager = await Portal.SignedInClientAsync(Manager.Handle);
        var saved = await manager.PutJsonAsync($"/api/automation/actions/{slug}", definition);
        Assert.True(saved.StatusCode == HttpStatusCode.OK, await saved.Content.ReadAsStringAsync(Ct));
        if (promote)
        {
            var version = (await saved.JsonAsync()).GetProperty("versions")[0].GetProperty("number").GetInt32();
            using var admin = await Portal.SignedInClientAsync(Admin.Handle);
            Assert.Equal(HttpStatusCode.OK, (await admin.PostJsonAsync($"/api/automation/actions/{slug}/promote/{version}", new { })).StatusCode);
        }
    }

    public async Task HealingRuleAsync(string action)
    {
        using var manager = await Portal.SignedInClientAsync(Manager.Handle);
        var response = await manager.PostJsonAsync("/api/automation/healing-rules",
            new { id = 0, name = "Wedged renderer restarts itself", serviceSlug = "invoicing", alertClass = "renderer-wedged", action, inputs = new { region = "EU" }, enabled = true });
        Assert.True(response.StatusCode == HttpStatusCode.OK, await response.Content.ReadAsStringAsync(Ct));
    }

    /// <summary>A policy for invoicing that pages the on-call engineer at once.</summary>
    public async Task PolicyAsync()
    {
        using var manager = await Portal.SignedInClientAsync(Manager.Handle);
        var response = await manager.PostJsonAsync("/api/escalation-policies", new
        {
            name = "Invoicing escalation", team = DemoWorld.TeamSlug(RegionCode.EU), repeat = 0, services = new[] { "invoicing" },
            levels = new[] { new { delayMinutes = 10, targets = new[] { new { kind = "Person", @ref = OnCall.Handle } } } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    /// <summary>The monitor's event: the renderer's alert fires or resolves.</summary>
    public async Task AlertAsync(string action, string dedupKey = "renderer-eu")
    {
        using var monitor = Portal.AnonymousClient();
        var json = JsonSerializer.Serialize(new
        {
            routing_key = Key, event_action = action, dedup_key = dedupKey,
            payload = new { summary = "Invoice renderer wedged in EU", source = "renderer-probe", severity = "critical", @class = "renderer-wedged" },
        });
        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        Assert.Equal(HttpStatusCode.Accepted, (await monitor.PostAsync(HttpExtensions.Url("/v2/enqueue"), content, Ct)).StatusCode);
    }

    /// <summary>One round of every node's automation work, taken until nothing is left.</summary>
    public async Task ProcessAsync(PortalFactory? node = null)
    {
        await using var scope = (node ?? Portal).Services.CreateAsyncScope();
        var healing = scope.ServiceProvider.GetRequiredService<HealingService>();
        var runs = scope.ServiceProvider.GetRequiredService<RunProcessing>();
        for (var round = 0; round < 10; round++)
        {
            var (started, refused) = await healing.StartAsync(Ct);
            started += await scope.ServiceProvider.GetRequiredService<WorkflowRuleEngine>().ProcessAsync(Ct);
            foreach (var run in refused)
            {
                await runs.PageIfRefusedAsync(run, Ct);
            }
            if (started + await runs.RunOnceAsync(Ct) == 0)
            {
                return;
            }
        }
    }

    /// <summary>The escalation steps due now, taken as any node would.</summary>
    public async Task EscalateAsync()
    {
        await using var scope = Portal.Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<Portal.Features.OnCall.EscalationService>().ProcessDueAsync(Ct);
    }

    public async Task<List<ActionRun>> RunsAsync()
    {
        await using var db = await Portal.Db.CreateDbContextAsync(Ct);
        return await db.ActionRuns.AsNoTracking().OrderBy(r => r.Id).ToListAsync(Ct);
    }

    public async Task<long> IncidentAsync(string dedupKey = "renderer-eu")
    {
        await using var db = await Portal.Db.CreateDbContextAsync(Ct);
        return await db.Alerts.Where(a => a.DedupKey == dedupKey).OrderByDescending(a => a.Id).Select(a => a.IncidentNumber).FirstAsync(Ct);
    }

    public async Task<Incident> IncidentRowAsync(long number)
    {
        await using var db = await Portal.Db.CreateDbContextAsync(Ct);
        return await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == number, Ct);
    }

    public async Task<List<TimelineEvent>> TimelineAsync(long number)
    {
        await using var db = await Portal.Db.CreateDbContextAsync(Ct);
        return await db.Timeline.AsNoTracking().Where(t => t.IncidentNumber == number).OrderBy(t => t.Id).ToListAsync(Ct);
    }

    public async Task<int> PagesAsync()
    {
        await using var db = await Portal.Db.CreateDbContextAsync(Ct);
        return await db.Notifications.CountAsync(n => n.Kind == NotificationKind.Page && db.People.Any(p => p.Id == n.PersonId && p.Handle == OnCall.Handle), Ct);
    }

    public async Task<IncidentEscalation> EscalationAsync(long number)
    {
        await using var db = await Portal.Db.CreateDbContextAsync(Ct);
        return await db.Escalations.AsNoTracking().SingleAsync(e => e.IncidentNumber == number, Ct);
    }

    /// <summary>Asks for a run as <paramref name="handle"/>; returns the answer's status and body.</summary>
    public async Task<(HttpStatusCode Status, JsonElement Body)> RequestAsync(string handle, object request)
    {
        using var client = await Portal.SignedInClientAsync(handle);
        var response = await client.PostJsonAsync("/api/automation/runs", request);
        return (response.StatusCode, await response.JsonAsync());
    }
}
