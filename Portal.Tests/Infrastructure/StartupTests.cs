using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.EntityFrameworkCore;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Demo;
using Portal.Shared.Demo;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

public class StartupTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEmptyDatabaseIsMigratedAndSeededWithTheDemoWorld()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Demo:History"] = "true" });
        using var client = portal.AnonymousClient();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.Empty(await db.Database.GetPendingMigrationsAsync(Ct));
        var world = DemoWorld.Generate();
        Assert.Equal(world.People.Count, await db.People.CountAsync(Ct));
        Assert.Equal(5, await db.Teams.CountAsync(Ct));
        Assert.Equal(9, await db.Services.CountAsync(Ct));
        var history = DemoIncidents.Generate(world, portal.Clock.GetUtcNow());
        Assert.Equal(history.Count + Portal.Features.Demo.DemoAutomationSeeder.HistoryIncidents, await db.Incidents.CountAsync(Ct));
        Assert.Equal(DemoIncidents.OpenNow, await db.Incidents.CountAsync(i => i.Status != Portal.Shared.Incidents.IncidentStatus.Resolved, Ct));
        Assert.True(await db.Timeline.CountAsync(Ct) > history.Count * 2);
        if (portal.Engine == DatabaseEngine.Sqlite)
        {
            Assert.True(File.Exists(portal.DatabasePath));
        }
        portal.Log.AssertClean();
    }

    [Fact]
    public async Task TheSqliteFileRunsInWalMode()
    {
        await using var portal = new PortalFactory(engine: DatabaseEngine.Sqlite);
        portal.AnonymousClient().Dispose();
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var mode = await db.Database.SqlQueryRaw<string>("PRAGMA journal_mode").ToListAsync(Ct);
        Assert.Equal("wal", Assert.Single(mode));
    }

    [Fact]
    public async Task TheWorldIsIdenticalOnTwoSeeds()
    {
        await using var first = new PortalFactory(seeded: false);
        await using var second = new PortalFactory(seeded: false);
        first.AnonymousClient().Dispose();
        second.AnonymousClient().Dispose();

        var a = await WorldSnapshot.TakeAsync(first.Db);
        var b = await WorldSnapshot.TakeAsync(second.Db);
        Assert.True(a.Count > 50);
        Assert.Equal(a, b);
    }

    [Fact]
    public async Task TheTestsSeededCopyIsTheWorldAPortalSeedsItself()
    {
        // Most test portals start from a copy of one seeded database (SeededDemo) instead of seeding their own; the copy
        // must be exactly what a portal seeds, or those tests test another world.
        await using var seeding = new PortalFactory(seeded: false);
        await using var copied = new PortalFactory();
        seeding.AnonymousClient().Dispose();
        copied.AnonymousClient().Dispose();

        Assert.True(SeededDemo.IsBuilt);
        Assert.Equal(await WorldSnapshot.TakeAsync(seeding.Db), await WorldSnapshot.TakeAsync(copied.Db));
        var rows = await RowsPerTableAsync(copied);
        Assert.Equal(await RowsPerTableAsync(seeding), rows);
        Assert.True(rows["Runbooks"] > 5 && rows["Plans"] > 5, string.Join(", ", rows));
    }

    private static async Task<SortedDictionary<string, int>> RowsPerTableAsync(PortalFactory portal)
    {
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var rows = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).OfType<string>().Distinct())
        {
            // The table names are the model's own, not input.
            var count = string.Concat("SELECT COUNT(*) AS \"Value\" FROM \"", table, "\"");
            rows[table] = (await db.Database.SqlQueryRaw<int>(count).ToListAsync(Ct)).Single();
        }
        return rows;
    }

    [Fact]
    public async Task SeedingAgainAddsNothing()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Demo:Seed"] = "true", ["Demo:History"] = "true" });
        portal.AnonymousClient().Dispose();
        var before = await WorldSnapshot.TakeAsync(portal.Db);

        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var incidents = await db.Incidents.CountAsync(Ct);
        await portal.Services.GetRequiredService<DemoSeeder>().SeedIfWantedAsync(Ct);
        Assert.Equal(before, await WorldSnapshot.TakeAsync(portal.Db));
        Assert.Equal(incidents, await db.Incidents.CountAsync(Ct));
    }

    [Fact]
    public async Task ARestartOnTheSameFileKeepsTheWorldAsItWas()
    {
        await using var first = new PortalFactory(settings: new Dictionary<string, string?> { ["Demo:Seed"] = "true" });
        first.AnonymousClient().Dispose();
        var before = await WorldSnapshot.TakeAsync(first.Db);
        await first.DisposeAsyncKeepingDatabase();

        await using var second = new PortalFactory(settings: new Dictionary<string, string?> { ["Demo:Seed"] = "true" }, sameDatabaseAs: first);
        second.AnonymousClient().Dispose();
        Assert.Equal(before, await WorldSnapshot.TakeAsync(second.Db));
    }

    [Fact]
    public async Task DemoSeedFalseNeverSeedsEvenInDevelopment()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Demo:Seed"] = "false" });
        portal.AnonymousClient().Dispose();
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.People.CountAsync(Ct));
    }

    [Fact]
    public async Task ProductionDoesNotSeedUnlessAsked()
    {
        await using var portal = new PortalFactory("Production", new Dictionary<string, string?> { ["Auth:Mode"] = "Demo" });
        portal.AnonymousClient().Dispose();
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.People.CountAsync(Ct));
    }

    [Fact]
    public async Task AProductionHostWithoutAzureAdRefusesToStartAndSaysWhatToSet()
    {
        await using var portal = new PortalFactory("Production");
        var error = Assert.Throws<InvalidOperationException>(() => portal.AnonymousClient());
        Assert.Contains("AzureAd:ClientId", error.Message, StringComparison.Ordinal);
        Assert.Contains("Auth:Mode=Demo", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AProductionHostWithEntraConfiguredStartsWithDemoSignInOff()
    {
        await using var portal = new PortalFactory("Production", new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = "https://login.microsoftonline.com/",
            ["AzureAd:TenantId"] = "00000000-0000-0000-0000-000000000001",
            ["AzureAd:ClientId"] = "00000000-0000-0000-0000-000000000002",
            ["Demo:Seed"] = "true",
        }, services: services => services.PostConfigure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
        {
            // No internet here: give the handler Entra's metadata instead of letting it download it.
            o.Configuration = new OpenIdConnectConfiguration
            {
                AuthorizationEndpoint = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/oauth2/v2.0/authorize",
                Issuer = "https://login.microsoftonline.com/00000000-0000-0000-0000-000000000001/v2.0",
            };
            o.ConfigurationManager = new StaticConfigurationManager<OpenIdConnectConfiguration>(o.Configuration);
        }));
        using var client = portal.AnonymousClient();

        var demo = await client.GetAsync(new Uri("/account/demo?as=grace.coleman", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.NotFound, demo.StatusCode);
        Assert.DoesNotContain(demo.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal));
        var home = await client.GetStringAsync(new Uri("/", UriKind.Relative), Ct);
        Assert.DoesNotContain("Demo sign-in is on", home, StringComparison.Ordinal);

        // Signing in goes to Entra ID, not to the demo page.
        var signIn = await client.GetAsync(new Uri("/account/signin?returnUrl=/team", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.Redirect, signIn.StatusCode);
        Assert.StartsWith("https://login.microsoftonline.com/", signIn.Headers.Location!.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveAlwaysAnswersAndReadyReportsTheDatabase()
    {
        await using var portal = new PortalFactory();
        using var client = portal.AnonymousClient();

        var live = await client.GetAsync(new Uri("/health/live", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, live.StatusCode);
        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var body = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct));
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        Assert.Equal("Healthy", body.RootElement.GetProperty("checks").GetProperty("database").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ReadyFailsWhenTheDatabaseIsGone()
    {
        await using var portal = new PortalFactory();
        using var client = portal.AnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct)).StatusCode);

        // The readiness check says so; and EF logs the failed command and query itself when the dropped database's
        // connection was cut mid-command (seen on PostgreSQL: the readiness check's, or a background processor's that
        // was reading at that moment). All are the fault this test makes.
        portal.Log.Expect(line => line.Contains("Health check database with status Unhealthy", StringComparison.Ordinal)
            || line.StartsWith("[Microsoft.EntityFrameworkCore.Database.", StringComparison.Ordinal)
            || line.StartsWith("[Microsoft.EntityFrameworkCore.Query]", StringComparison.Ordinal));
        // Remove the file, or drop the PostgreSQL database: the portal can no longer serve.
        await portal.RemoveDatabaseAsync();

        var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var body = await ready.Content.ReadAsStringAsync(Ct);
        Assert.Contains("\"status\":\"Unhealthy\"", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryResponseCarriesAContentSecurityPolicy()
    {
        await using var portal = new PortalFactory();
        using var client = portal.AnonymousClient();
        var response = await client.GetAsync(new Uri("/", UriKind.Relative), Ct);
        var csp = Assert.Single(response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("script-src 'self'", csp, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", csp, StringComparison.Ordinal);
    }
}
