using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Runbooks;
using Portal.Features.Demo;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Runbooks;

public sealed class RunbookApiTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Admin = World.People.First(p => p.Role == PortalRole.Admin);
    private static readonly DemoPerson[] Eu = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU)];

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    /// <summary>Ten questions an engineer types at 3 a.m., and the runbook that answers each.</summary>
    public static TheoryData<string, string> Queries => new()
    {
        { "invoices not generated queue growing", "invoice-generation-backlog" },
        { "gateway timeout", "payment-gateway-timeouts" },
        { "settlement lag", "settlement-lag" },
        { "campaign overspend pacing", "budget-pacing-overspend" },
        { "promo credit applied twice", "promotion-credit-misapplied" },
        { "reconciliation mismatch drift", "ledger-reconciliation-mismatch" },
        { "VAT wrong on invoice", "tax-calculation-errors" },
        { "fx rates stale", "fx-rate-feed-stale" },
        { "advertiser charged twice", "duplicate-charges" },
        { "refunds stuck", "refund-queue-stuck" },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task SearchPutsTheObviousRunbookFirst(string query, string expected)
    {
        using var client = await _portal.SignedInClientAsync(Eu[0].Handle);
        var hits = await (await client.GetAsync(Url($"/api/runbooks?q={Uri.EscapeDataString(query)}"), Ct)).JsonAsync();
        Assert.Equal(expected, hits[0].GetProperty("slug").GetString());
        Assert.Contains("<mark>", hits[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheDemoHasItsRunbooksSomeStaleAndSearchSnippetsAreSafe()
    {
        using var client = await _portal.SignedInClientAsync(Eu[0].Handle);
        var all = await (await client.GetAsync(Url("/api/runbooks?staleFirst=true"), Ct)).JsonAsync();
        Assert.Equal(25, all.GetArrayLength());
        Assert.True(all[0].GetProperty("stale").GetBoolean());
        Assert.Contains(all.EnumerateArray(), r => !r.GetProperty("stale").GetBoolean());

        // Query syntax of either engine is only words here: quotes, stars and operators change nothing and break nothing.
        var odd = await client.GetAsync(Url("/api/runbooks?q=" + Uri.EscapeDataString("\"settlement* OR (lag) -- ' ; <script>")), Ct);
        Assert.Equal(HttpStatusCode.OK, odd.StatusCode);
        Assert.Equal("settlement-lag", (await odd.JsonAsync())[0].GetProperty("slug").GetString());
    }

    [Fact]
    public async Task TwoPeopleSavingTheSameRevisionTheSecondIsToldAndShownTheDiff()
    {
        using var lea = await _portal.SignedInClientAsync(Eu[0].Handle);
        using var ben = await _portal.SignedInClientAsync(Eu[1].Handle);
        var runbook = await (await lea.GetAsync(Url("/api/runbooks/settlement-lag"), Ct)).JsonAsync();
        var revision = runbook.GetProperty("revision").GetInt32();
        var body = runbook.GetProperty("body").GetString()!;
        object Edit(string text, string message) => new { title = "Settlement batch lag", body = text, services = new[] { "payments" }, tags = new[] { "payments" }, baseRevision = revision, message };

        var first = await lea.PutAsJsonAsync(Url("/api/runbooks/settlement-lag"), Edit(body + "\n- [ ] Tell the acquirer's support desk\n", "Acquirer desk"), Ct);
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        var second = await ben.PutAsJsonAsync(Url("/api/runbooks/settlement-lag"), Edit(body.Replace("2 hours", "3 hours", StringComparison.Ordinal), "Window"), Ct);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        var problem = await second.JsonAsync();
        Assert.Contains($"{Eu[0].Name} saved", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.Contains(problem.GetProperty("theirChanges").EnumerateArray(), l => l.GetProperty("kind").GetString() == "Added"
            && l.GetProperty("text").GetString()!.Contains("acquirer's support desk", StringComparison.Ordinal));

        var now = await (await lea.GetAsync(Url("/api/runbooks/settlement-lag"), Ct)).JsonAsync();
        Assert.Equal(revision + 1, now.GetProperty("revision").GetInt32());
        Assert.DoesNotContain("3 hours", now.GetProperty("body").GetString(), StringComparison.Ordinal);

        var revisions = await (await lea.GetAsync(Url("/api/runbooks/settlement-lag/revisions"), Ct)).JsonAsync();
        Assert.Equal(("Acquirer desk", Eu[0].Name), (revisions[0].GetProperty("message").GetString(), revisions[0].GetProperty("authorName").GetString()));
        var restored = await (await lea.PostJsonAsync($"/api/runbooks/settlement-lag/revisions/{revision}/restore", new { })).JsonAsync();
        Assert.Equal(body, restored.GetProperty("body").GetString());
        Assert.Equal(revision + 2, restored.GetProperty("revision").GetInt32());
    }

    [Fact]
    public async Task ARenamedRunbookKeepsItsOldAddress()
    {
        using var client = await _portal.SignedInClientAsync(Eu[0].Handle);
        var runbook = await (await client.GetAsync(Url("/api/runbooks/refund-queue-stuck"), Ct)).JsonAsync();
        var renamed = await client.PutAsJsonAsync(Url("/api/runbooks/refund-queue-stuck"), new
        {
            title = "Refunds not sent", slug = "refunds-not-sent", body = runbook.GetProperty("body").GetString(), services = new[] { "payments" },
            baseRevision = runbook.GetProperty("revision").GetInt32(),
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var old = await client.GetAsync(Url("/api/runbooks/refund-queue-stuck"), Ct);
        Assert.Equal(HttpStatusCode.MovedPermanently, old.StatusCode);
        Assert.Equal("/api/runbooks/refunds-not-sent", old.Headers.Location?.OriginalString);

        var taken = await client.PostJsonAsync("/api/runbooks", new { title = "Something else", slug = "refund-queue-stuck", body = "x" });
        Assert.Contains("is taken", await taken.ProblemTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ImportThenExportLeavesTheFolderByteIdenticalAndABadFileChangesNothing()
    {
        var folder = Path.Combine(Path.GetTempPath(), "portal-tests", "runbooks-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(folder);
        try
        {
            foreach (var file in Directory.GetFiles(DemoSeeder.RunbookFolder, "*.md"))
            {
                File.Copy(file, Path.Combine(folder, Path.GetFileName(file)));
            }
            var before = Directory.GetFiles(folder).Order().ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
            {
                await db.Runbooks.ExecuteDeleteAsync(Ct);
                if (_portal.Engine == DatabaseEngine.Sqlite)
                {
                    // SQLite's full-text index is a table of its own; PostgreSQL's is a column of the runbook.
                    await db.Database.ExecuteSqlRawAsync("DELETE FROM \"RunbookSearch\"", Ct);
                }
            }
            using var scope = _portal.Services.CreateScope();
            var sync = scope.ServiceProvider.GetRequiredService<RunbookSync>();
            using var admin = await _portal.SignedInClientAsync(Admin.Handle);
            var user = await PrincipalAsync(Admin.Handle);

            var report = await sync.ImportAsync(user, folder, Ct);
            Assert.Equal(25, report.Count(ImportOutcome.Created));
            await sync.ExportAsync(user, folder, Ct);
            var after = Directory.GetFiles(folder).Order().ToDictionary(f => Path.GetFileName(f), File.ReadAllBytes);
            Assert.Equal(before.Keys, after.Keys);
            Assert.All(before, f => Assert.True(f.Value.AsSpan().SequenceEqual(after[f.Key]), $"{f.Key} changed on export"));

            // Again: nothing changes. Then one broken file: reported, and nothing else changes.
            Assert.Equal(25, (await sync.ImportAsync(user, folder, Ct)).Count(ImportOutcome.Unchanged));
            File.WriteAllText(Path.Combine(folder, "settlement-lag.md"), "---\ntitle: [unclosed\nservices: [payments\n---\n\nbody\n");
            File.WriteAllText(Path.Combine(folder, "new-one.md"), "---\ntitle: A new one\nservices:\n- no-such-service\n---\n\nbody\n");
            var broken = await sync.ImportAsync(user, folder, Ct);
            Assert.Equal((24, 2), (broken.Count(ImportOutcome.Unchanged), broken.Count(ImportOutcome.Invalid)));
            Assert.Contains("not valid YAML", broken.Files.Single(f => f.File == "settlement-lag.md").Reason, StringComparison.Ordinal);
            Assert.Contains("There is no service \"no-such-service\"", broken.Files.Single(f => f.File == "new-one.md").Reason, StringComparison.Ordinal);
            var settlement = await (await admin.GetAsync(Url("/api/runbooks/settlement-lag"), Ct)).JsonAsync();
            Assert.Equal("Settlement batch lag", settlement.GetProperty("title").GetString());
            Assert.Equal(HttpStatusCode.NotFound, (await admin.GetAsync(Url("/api/runbooks/new-one"), Ct)).StatusCode);
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task EachDemoServicesIncidentGetsItsOwnRunbooksSuggestedWithReasons()
    {
        using var client = await _portal.SignedInClientAsync(Eu[0].Handle);
        foreach (var service in World.Services)
        {
            var incident = await (await client.PostJsonAsync("/api/incidents", new { title = $"Problem with {service.Name}", service = service.Slug, severity = "SEV3" })).JsonAsync();
            var suggestions = await (await client.GetAsync(Url($"/api/incidents/{incident.GetProperty("key").GetString()}/runbooks"), Ct)).JsonAsync();
            var top = suggestions[0];
            var runbook = await (await client.GetAsync(Url($"/api/runbooks/{top.GetProperty("slug").GetString()}"), Ct)).JsonAsync();
            Assert.Contains(service.Slug, runbook.GetProperty("services").EnumerateArray().Select(s => s.GetString()));
            Assert.Contains($"written for {service.Slug}", top.GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
        }

        // An alert's class picks the runbook written for it, over others of the same service.
        using var anonymous = _portal.AnonymousClient();
        var sent = await anonymous.PostAsJsonAsync(Url("/v2/enqueue"), new
        {
            routing_key = DemoWorld.MonitorKey, event_action = "trigger", dedup_key = "refunds-1",
            payload = new { summary = "Refund worker backlog", source = "payments-monitor", severity = "error", @class = "refund_queue_stuck" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var number = await db.Incidents.Where(i => i.Title == "Refund worker backlog").Select(i => i.Number).SingleAsync(Ct);
        var forAlert = await (await client.GetAsync(Url($"/api/incidents/{IncidentNumber.Format(number)}/runbooks"), Ct)).JsonAsync();
        Assert.Equal("refund-queue-stuck", forAlert[0].GetProperty("slug").GetString());
        Assert.Contains("alert class refund_queue_stuck", forAlert[0].GetProperty("reasons").EnumerateArray().Select(r => r.GetString()));
    }

    [Fact]
    public async Task TickingAStepWritesItOnTheIncidentsTimeline()
    {
        using var client = await _portal.SignedInClientAsync(Eu[0].Handle);
        var incident = await (await client.PostJsonAsync("/api/incidents", new { title = "Invoice queue at 40k", service = "invoicing", severity = "SEV2" })).JsonAsync();
        var key = incident.GetProperty("key").GetString();
        var tick = await client.PostJsonAsync("/api/runbooks/invoice-generation-backlog/steps", new { incident = key, step = 2, done = true });
        Assert.Equal(HttpStatusCode.NoContent, tick.StatusCode);
        var detail = await (await client.GetAsync(Url($"/api/incidents/{key}"), Ct)).JsonAsync();
        var entry = detail.GetProperty("timeline").EnumerateArray().Single(t => t.GetProperty("kind").GetString() == "RunbookStep");
        Assert.Equal($"Step 2 'Scale the workers: `kubectl -n invoicing scale deploy/invoice-worker --replicas=24`' of \"Invoice generation backlog\" done by {Eu[0].Name}",
            entry.GetProperty("text").GetString());
        var done = await (await client.GetAsync(Url($"/api/runbooks/invoice-generation-backlog/steps?incident={key}"), Ct)).JsonAsync();
        Assert.Equal([2], done.EnumerateArray().Select(s => s.GetInt32()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync("/api/runbooks/invoice-generation-backlog/steps", new { incident = key, step = 99 })).StatusCode);
    }

    private async Task<System.Security.Claims.ClaimsPrincipal> PrincipalAsync(string handle)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var person = await db.People.AsNoTracking().SingleAsync(p => p.Handle == handle, Ct);
        return new System.Security.Claims.ClaimsPrincipal(Portal.Infrastructure.Auth.PortalClaims.IdentityFor(person));
    }
}
