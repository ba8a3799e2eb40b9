using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

public class ProvisioningTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Dictionary<string, string?> Declared(string teamName = "Payments Platform") => new()
    {
        ["Demo:Seed"] = "false",
        ["Provisioning:Teams:0:Name"] = teamName,
        ["Provisioning:Teams:0:Slug"] = "payments-platform",
        ["Provisioning:Teams:0:Region"] = "mx",
        ["Provisioning:Services:0:Name"] = "Chargebacks",
        ["Provisioning:Services:0:Slug"] = "chargebacks",
        ["Provisioning:Services:0:Team"] = "payments-platform",
        ["Provisioning:Services:0:Tier"] = "1",
        ["Provisioning:People:0:Name"] = "Valeria Torres",
        ["Provisioning:People:0:Handle"] = "valeria.torres",
        ["Provisioning:People:0:Email"] = "Valeria.Torres@Example.com",
        ["Provisioning:People:0:Role"] = "Manager",
        ["Provisioning:People:0:Team"] = "payments-platform",
        ["Provisioning:People:1:Name"] = "Diego Ruiz",
        ["Provisioning:People:1:Handle"] = "diego.ruiz",
        ["Provisioning:People:1:Email"] = "diego.ruiz@example.com",
        ["Provisioning:People:1:Team"] = "payments-platform",
        ["Provisioning:People:1:TimeZone"] = "America/Monterrey",
        ["Provisioning:People:1:Manager"] = "valeria.torres@example.com",
        ["Provisioning:ApiTokens:0:Name"] = "deploy bot",
        ["Provisioning:ApiTokens:0:Token"] = "deploy-bot-secret-0001",
        ["Provisioning:ApiTokens:0:User"] = "diego.ruiz@example.com",
        ["Provisioning:Integrations:0:Name"] = "Chargebacks Alertmanager",
        ["Provisioning:Integrations:0:Kind"] = "alertmanager",
        ["Provisioning:Integrations:0:Key"] = "0123456789abcdef0123456789abcdef",
        ["Provisioning:Integrations:0:Service"] = "chargebacks",
        ["Provisioning:Integrations:0:Team"] = "payments-platform",
        ["Provisioning:Integrations:0:Region"] = "MX",
        ["Provisioning:Advertisers:0:AccountId"] = "ACC-900001",
        ["Provisioning:Advertisers:0:Name"] = "Tienda Verde SA de CV",
        ["Provisioning:Advertisers:0:Region"] = "MX",
        ["Provisioning:Advertisers:0:Language"] = "es-MX",
        ["Provisioning:Advertisers:0:Tier"] = "managed",
        ["Provisioning:Advertisers:0:BillingEmails:0"] = "Facturas@TiendaVerde.example",
        ["Provisioning:Advertisers:0:BillingEmails:1"] = "cfo@tiendaverde.example",
        ["Provisioning:Advertisers:0:MonthlySpendUsd"] = "125000.50",
        ["Provisioning:Advertisers:1:AccountId"] = "ACC-900002",
        ["Provisioning:Advertisers:1:Name"] = "Kiwi Garden Ltd",
        ["Provisioning:Advertisers:1:Region"] = "AU",
        ["Provisioning:Advertisers:1:BillingEmails:0"] = "accounts@kiwigarden.example",
    };

    [Fact]
    public async Task DeclaredTeamsServicesPeopleAndTokensAreCreated()
    {
        await using var portal = new PortalFactory(settings: Declared());
        using var client = portal.AnonymousClient();

        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var team = await db.Teams.SingleAsync(Ct);
        Assert.Equal(("payments-platform", "Payments Platform", RegionCode.MX), (team.Slug, team.Name, team.Region));
        var service = await db.Services.SingleAsync(Ct);
        Assert.Equal(("chargebacks", ServiceTier.Tier1, team.Id), (service.Slug, service.Tier, service.OwningTeamId));
        var valeria = await db.People.SingleAsync(p => p.Handle == "valeria.torres", Ct);
        Assert.Equal("valeria.torres@example.com", valeria.Email);
        Assert.Equal(PortalRole.Manager, valeria.Role);
        Assert.Equal(RegionCode.MX, valeria.Region);
        Assert.Equal("America/Mexico_City", valeria.TimeZone);
        var diego = await db.People.SingleAsync(p => p.Handle == "diego.ruiz", Ct);
        Assert.Equal(valeria.Id, diego.ManagerId);
        Assert.Equal(PortalRole.Engineer, diego.Role);
        Assert.Equal("America/Monterrey", diego.TimeZone);

        var me = await client.GetAsync(HttpExtensions.Url("/api/me"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, me.StatusCode);
        var withToken = await client.GetWithTokenAsync("/api/me", "deploy-bot-secret-0001");
        Assert.Equal("diego.ruiz", (await withToken.JsonAsync()).GetProperty("handle").GetString());
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.Provisioned && a.Actor == "system", Ct));
        var integration = await db.Integrations.SingleAsync(Ct);
        Assert.Equal(("Chargebacks Alertmanager", Portal.Shared.Alerts.IntegrationKind.Alertmanager, service.Id, team.Id, RegionCode.MX),
            (integration.Name, integration.Kind, integration.ServiceId, integration.TeamId, integration.Region));
        Assert.True(integration.Provisioned);
        Assert.Equal(Portal.Shared.Alerts.IntegrationKeys.Hash("0123456789abcdef0123456789abcdef"), integration.KeyHash);
        var advertisers = await db.Advertisers.OrderBy(x => x.AccountId).ToListAsync(Ct);
        Assert.Equal(["ACC-900001", "ACC-900002"], advertisers.Select(x => x.AccountId));
        var tienda = advertisers[0];
        Assert.Equal((RegionCode.MX, Portal.Shared.Directory.AdvertiserTier.Managed, "es-MX", "America/Mexico_City", 125000.50m),
            (tienda.Region, tienda.Tier, tienda.Language, tienda.TimeZone, tienda.MonthlySpendUsd));
        Assert.Equal(["facturas@tiendaverde.example", "cfo@tiendaverde.example"], tienda.BillingEmails);
        Assert.Equal(Portal.Shared.Directory.AdvertiserTier.SelfServe, advertisers[1].Tier);
        portal.Log.AssertClean();
    }

    [Fact]
    public async Task ApplyingTheSameConfigurationAgainChangesNothing()
    {
        await using var first = new PortalFactory(settings: Declared());
        first.AnonymousClient().Dispose();
        var before = await WorldSnapshot.TakeAsync(first.Db);
        await first.DisposeAsyncKeepingDatabase();

        await using var second = new PortalFactory(settings: Declared(), sameDatabaseAs: first);
        second.AnonymousClient().Dispose();
        Assert.Equal(before, await WorldSnapshot.TakeAsync(second.Db));
        await using var db = await second.Db.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.ApiTokens.CountAsync(Ct));
        // The second start found nothing to change, so it wrote no second audit row.
        Assert.Equal(1, await db.AuditEntries.CountAsync(a => a.Action == AuditActions.Provisioned, Ct));
    }

    [Fact]
    public async Task AChangedDeclarationUpdatesTheRecord()
    {
        await using var first = new PortalFactory(settings: Declared());
        first.AnonymousClient().Dispose();
        await first.DisposeAsyncKeepingDatabase();

        await using var second = new PortalFactory(settings: Declared("Payments Platform MX"), sameDatabaseAs: first);
        second.AnonymousClient().Dispose();
        await using var db = await second.Db.CreateDbContextAsync(Ct);
        Assert.Equal("Payments Platform MX", (await db.Teams.SingleAsync(Ct)).Name);
    }

    [Fact]
    public async Task AChangedAdvertiserIsBroughtInLineAndOneEditedInThePortalIsPutBack()
    {
        await using var first = new PortalFactory(settings: Declared());
        first.AnonymousClient().Dispose();
        await using (var db = await first.Db.CreateDbContextAsync(Ct))
        {
            var kiwi = await db.Advertisers.SingleAsync(a => a.AccountId == "ACC-900002", Ct);
            kiwi.Name = "Renamed in the portal";
            await db.SaveChangesAsync(Ct);
        }
        await first.DisposeAsyncKeepingDatabase();

        var settings = Declared();
        settings["Provisioning:Advertisers:0:Tier"] = "SelfServe";
        await using var second = new PortalFactory(settings: settings, sameDatabaseAs: first);
        second.AnonymousClient().Dispose();
        await using var check = await second.Db.CreateDbContextAsync(Ct);
        Assert.Equal(Portal.Shared.Directory.AdvertiserTier.SelfServe, (await check.Advertisers.SingleAsync(a => a.AccountId == "ACC-900001", Ct)).Tier);
        Assert.Equal("Kiwi Garden Ltd", (await check.Advertisers.SingleAsync(a => a.AccountId == "ACC-900002", Ct)).Name);
        Assert.Equal(2, await check.AuditEntries.CountAsync(a => a.Action == AuditActions.Provisioned, Ct));
    }

    [Fact]
    public async Task InvalidEntriesStopStartupNamingEveryProblemAndApplyNothing()
    {
        var settings = Declared();
        settings["Provisioning:Teams:0:Region"] = "UK";
        settings["Provisioning:People:1:TimeZone"] = "Mars/Base";
        settings["Provisioning:ApiTokens:0:Token"] = "short";
        settings["Provisioning:Integrations:0:Kind"] = "nagios";
        settings["Provisioning:Integrations:0:Key"] = "0123456789ABCDEF0123456789ABCDEF";
        settings["Provisioning:Advertisers:0:Region"] = "UK";
        settings["Provisioning:Advertisers:0:BillingEmails:1"] = "not an address";
        settings["Provisioning:Advertisers:1:BillingEmails:0"] = "facturas@tiendaverde.example";
        await using var portal = new PortalFactory(settings: settings);

        var error = Assert.ThrowsAny<Exception>(() => portal.AnonymousClient());
        var message = error is AggregateException a ? string.Join("\n", a.InnerExceptions.Select(e => e.Message)) : error.Message;
        Assert.Contains("Provisioning:Teams:0:Region 'UK'", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:People:1:TimeZone 'Mars/Base'", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:ApiTokens:0:Token must be at least 16 characters", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:Integrations:0:Kind 'nagios' is not events-v2, alertmanager or cloudwatch.", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:Integrations:0:Key must be 32 lowercase hex characters.", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:Advertisers:0:Region: 'UK' is not", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:Advertisers:0:BillingEmails: Not an email address: 'not an address'.", message, StringComparison.Ordinal);
        Assert.Contains("Provisioning:Advertisers:1:BillingEmails 'facturas@tiendaverde.example' is also ACC-900001's.", message, StringComparison.Ordinal);

        await using var db = portal.OpenContext();
        Assert.Equal(0, await db.Teams.CountAsync(Ct));
        Assert.Equal(0, await db.People.CountAsync(Ct));
        Assert.Equal(0, await db.Advertisers.CountAsync(Ct));
    }

    [Fact]
    public async Task ProvisionedPeopleCanJoinTheDemoWorld()
    {
        var euManager = DemoWorld.Generate().People.Single(p => p.TeamSlug == "billing-support-eu" && p.Role == PortalRole.Manager).Handle;
        await using var portal = new PortalFactory(settings: NewcomerReportingTo(euManager));
        portal.AnonymousClient().Dispose();

        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var noa = await db.People.Include(p => p.Manager).Include(p => p.Team).SingleAsync(p => p.Handle == "noa.levi", Ct);
        Assert.Equal(euManager, noa.Manager!.Handle);
        Assert.Equal("billing-support-eu", noa.Team!.Slug);
        Assert.Equal(RegionCode.EU, noa.Region);
        Assert.Equal("Europe/Dublin", noa.TimeZone);
    }

    [Fact]
    public async Task AnUnknownManagerIsNamedInTheStartupError()
    {
        await using var portal = new PortalFactory(settings: NewcomerReportingTo("no.such.person"));
        var error = Assert.ThrowsAny<Exception>(() => portal.AnonymousClient());
        Assert.Contains("Provisioning:People:0:Manager 'no.such.person' is neither a known handle nor email", error.ToString(), StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> NewcomerReportingTo(string manager) => new()
    {
        ["Provisioning:People:0:Name"] = "Noa Levi",
        ["Provisioning:People:0:Handle"] = "noa.levi",
        ["Provisioning:People:0:Email"] = "noa.levi@portal.example",
        ["Provisioning:People:0:Team"] = "billing-support-eu",
        ["Provisioning:People:0:Manager"] = manager,
    };
}
