using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.ScaleOut;

/// <summary>The same build on PostgreSQL, chosen by configuration alone, against a real server.</summary>
public sealed class PostgresTests(PostgresServer server) : IClassFixture<PostgresServer>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEmptyPostgresDatabaseIsMigratedAndSeededLikeSqlite()
    {
        await using var postgres = new PortalFactory(postgres: await server.CreateDatabaseAsync());
        await using var sqlite = new PortalFactory(engine: DatabaseEngine.Sqlite);
        using var client = postgres.AnonymousClient();
        sqlite.AnonymousClient().Dispose();

        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/health/ready"), Ct)).StatusCode);
        await using var db = await postgres.Db.CreateDbContextAsync(Ct);
        Assert.IsType<PostgresPortalDbContext>(db);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        Assert.Equal(await WorldSnapshot.TakeAsync(sqlite.Db), await WorldSnapshot.TakeAsync(postgres.Db));
        postgres.Log.AssertClean();
    }

    [Fact]
    public async Task RunbookSearchFindsTheSameRunbooksFirstOnPostgresAsOnSqlite()
    {
        await using var postgres = new PortalFactory(postgres: await server.CreateDatabaseAsync());
        await using var sqlite = new PortalFactory(engine: DatabaseEngine.Sqlite);
        using var pg = await postgres.SignedInClientAsync("grace.coleman");
        using var lite = await sqlite.SignedInClientAsync("grace.coleman");
        foreach (var row in Features.Runbooks.RunbookApiTests.Queries)
        {
            var (query, expected) = row.Data;
            var url = Url($"/api/runbooks?q={Uri.EscapeDataString(query)}");
            var onPostgres = await (await pg.GetAsync(url, Ct)).JsonAsync();
            var onSqlite = await (await lite.GetAsync(url, Ct)).JsonAsync();
            Assert.Equal((query, expected), (query, onPostgres[0].GetProperty("slug").GetString()));
            Assert.Equal(onSqlite[0].GetProperty("slug").GetString(), onPostgres[0].GetProperty("slug").GetString());
            Assert.Contains("<mark>", onPostgres[0].GetProperty("snippet").GetString(), StringComparison.Ordinal);
        }

        // A save on PostgreSQL is found at once: the search vector is computed by the database itself.
        var created = await pg.PostJsonAsync("/api/runbooks", new { title = "Quasar ledger wobble", body = "Check the **quasar** dashboards.", services = new[] { "advertiser-ledger" } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var found = await (await pg.GetAsync(Url("/api/runbooks?q=quasar"), Ct)).JsonAsync();
        Assert.Equal("quasar-ledger-wobble", found[0].GetProperty("slug").GetString());
        postgres.Log.AssertClean();
    }

    [Fact]
    public async Task TokensSignInAndTheAuditLogWorkOnPostgres()
    {
        await using var portal = new PortalFactory(postgres: await server.CreateDatabaseAsync(), settings: new Dictionary<string, string?>
        {
            ["Provisioning:ApiTokens:0:Token"] = "postgres-provisioned-token-1",
            ["Provisioning:ApiTokens:0:User"] = "grace.coleman@portal.example",
        });
        using var script = portal.AnonymousClient();
        var me = await script.GetWithTokenAsync("/api/me", "postgres-provisioned-token-1");
        Assert.Equal("grace.coleman", (await me.JsonAsync()).GetProperty("handle").GetString());

        using var browser = await portal.SignedInClientAsync("grace.coleman");
        var created = await (await browser.PostJsonAsync("/api/me/tokens", new { name = "pg" })).JsonAsync();
        await browser.DeleteAsync(Url($"/api/me/tokens/{created.GetProperty("id").GetInt32()}"), Ct);
        var refused = await script.GetWithTokenAsync("/api/me", created.GetProperty("token").GetString()!);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        var audit = await (await browser.GetAsync(Url("/api/audit?pageSize=50"), Ct)).JsonAsync();
        var actions = audit.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("action").GetString()).ToList();
        Assert.Contains(AuditActions.SignIn, actions);
        Assert.Contains(AuditActions.TokenRevoked, actions);
        Assert.Contains(AuditActions.TokenRejected, actions);
        Assert.Contains(AuditActions.Provisioned, actions);
    }

    [Fact]
    public async Task IncidentsWorkOnPostgresWithConcurrencyAndKeysetPaging()
    {
        await using var portal = new PortalFactory(postgres: await server.CreateDatabaseAsync());
        using var a = await portal.SignedInClientAsync("grace.coleman");
        var numbers = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            var created = await (await a.PostJsonAsync("/api/incidents", new { title = $"PG incident {i}", service = "tax", tags = new[] { "pg" } })).JsonAsync();
            numbers.Add(created.GetProperty("number").GetInt64());
        }
        var first = numbers[0];
        var ack = await a.PostJsonAsync($"/api/incidents/INC-{first}/acknowledge", new { version = 1 });
        Assert.Equal(HttpStatusCode.OK, ack.StatusCode);
        var stale = await a.PostJsonAsync($"/api/incidents/INC-{first}/mitigate", new { version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        var page1 = await (await a.GetAsync(Url("/api/incidents?limit=2"), Ct)).JsonAsync();
        var page2 = await (await a.GetAsync(Url($"/api/incidents?limit=3&cursor={page1.GetProperty("nextCursor").GetString()}"), Ct)).JsonAsync();
        var seen = page1.GetProperty("items").EnumerateArray().Concat(page2.GetProperty("items").EnumerateArray()).Select(i => i.GetProperty("number").GetInt64());
        Assert.Equal(numbers.OrderDescending(), seen);
        var detail = await (await a.GetAsync(Url($"/api/incidents/INC-{first}"), Ct)).JsonAsync();
        Assert.Equal(["pg"], detail.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
    }

    [Fact]
    public async Task StartupWaitsForAPostgresThatIsNotUpYet()
    {
        await using var late = new PostgresServer();
        await late.PrepareAsync();
        await using var portal = new PortalFactory(postgres: late.ConnectionString("postgres"));
        // The retries while the server is down are warnings by design; nothing else may be an error.
        var start = Task.Run(() => portal.AnonymousClient(), Ct);
        await Task.Delay(2000, Ct);
        Assert.False(start.IsCompleted, "startup must wait for the database, not give up or serve without it");

        await late.StartAsync();
        using var client = await start.WaitAsync(TimeSpan.FromSeconds(60), Ct);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/health/ready"), Ct)).StatusCode);
        portal.Log.AssertClean();
    }

    [Fact]
    public async Task TwoNodesStartingAtOnceOnAnEmptyDatabaseMigrateAndSeedItOnce()
    {
        var database = await server.CreateDatabaseAsync();
        var settings = new Dictionary<string, string?> { ["Demo:History"] = "true" };
        await using var a = new PortalFactory(postgres: database, settings: settings);
        await using var b = new PortalFactory(postgres: database, settings: settings);
        await using var alone = new PortalFactory(engine: DatabaseEngine.Sqlite, settings: settings);

        // Both hosts start (migrate, seed, provision) at the same moment, as replicas of one deployment do.
        var clients = await Task.WhenAll(Task.Run(a.AnonymousClient, Ct), Task.Run(b.AnonymousClient, Ct));
        foreach (var client in clients)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/health/ready"), Ct)).StatusCode);
            client.Dispose();
        }
        alone.AnonymousClient().Dispose();

        Assert.Equal(await WorldSnapshot.TakeAsync(alone.Db), await WorldSnapshot.TakeAsync(a.Db));
        await using var shared = await a.Db.CreateDbContextAsync(Ct);
        await using var single = await alone.Db.CreateDbContextAsync(Ct);
        Assert.Equal(await single.Incidents.CountAsync(Ct), await shared.Incidents.CountAsync(Ct));
        Assert.Equal(await single.Runbooks.CountAsync(Ct), await shared.Runbooks.CountAsync(Ct));
        Assert.Equal(await single.OneOnOneSeries.CountAsync(Ct), await shared.OneOnOneSeries.CountAsync(Ct));
    }
}
