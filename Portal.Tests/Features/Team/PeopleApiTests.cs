using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using Portal.Features.Directory;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Team;

public sealed class PeopleApiTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task PeopleCanBeListedByRegion()
    {
        using var client = await _portal.SignedInClientAsync("grace.coleman");
        var eu = await (await client.GetAsync(Url("/api/people?region=eu"), Ct)).JsonAsync();

        var handles = eu.EnumerateArray().Select(p => p.GetProperty("handle").GetString()).Order().ToList();
        Assert.Equal(World.People.Where(p => p.Region == RegionCode.EU).Select(p => p.Handle).Order(), handles);
        Assert.All(eu.EnumerateArray(), p => Assert.Equal("EU", p.GetProperty("region").GetString()));
    }

    [Fact]
    public async Task AnUnknownRegionIsA400NamingTheField()
    {
        using var client = await _portal.SignedInClientAsync("grace.coleman");
        var response = await client.GetAsync(Url("/api/people?region=UK"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'UK' is not one of", (await response.JsonAsync()).GetProperty("errors").GetProperty("region")[0].GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task APersonIsFoundByHandleWithTheirManager()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        using var client = await _portal.SignedInClientAsync("grace.coleman");
        var person = await (await client.GetAsync(Url($"/api/people/{engineer.Handle}"), Ct)).JsonAsync();

        Assert.Equal(engineer.Name, person.GetProperty("name").GetString());
        Assert.Equal(engineer.ManagerHandle, person.GetProperty("manager").GetString());
        Assert.Equal(engineer.TeamSlug, person.GetProperty("team").GetString());
    }

    [Fact]
    public async Task AnUnknownHandleIsAProblem404()
    {
        using var client = await _portal.SignedInClientAsync("grace.coleman");
        var response = await client.GetAsync(Url("/api/people/nobody.at.all"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task TheServiceCatalogueNamesOwnersAndTiers()
    {
        using var client = await _portal.SignedInClientAsync("grace.coleman");
        var services = await (await client.GetAsync(Url("/api/services"), Ct)).JsonAsync();
        var ledger = services.EnumerateArray().Single(s => s.GetProperty("slug").GetString() == "advertiser-ledger");
        Assert.Equal("Tier1", ledger.GetProperty("tier").GetString());
        Assert.Equal("billing-support-eu", ledger.GetProperty("teamSlug").GetString());
        Assert.Equal(9, services.GetArrayLength());

        var teams = await (await client.GetAsync(Url("/api/teams"), Ct)).JsonAsync();
        Assert.Equal(5, teams.GetArrayLength());
        var regions = await (await client.GetAsync(Url("/api/regions"), Ct)).JsonAsync();
        Assert.Contains(regions.EnumerateArray(), r => r.GetProperty("code").GetString() == "JP" && r.GetProperty("timeZone").GetString() == "Asia/Tokyo");
    }

    [Fact]
    public async Task TheOpenApiDocumentDescribesTheApi()
    {
        using var client = _portal.AnonymousClient();
        var doc = await (await client.GetAsync(Url("/openapi/v1.json"), Ct)).JsonAsync();
        var paths = doc.GetProperty("paths");
        foreach (var path in new[] { "/api/me", "/api/me/tokens", "/api/me/tokens/{id}", "/api/people", "/api/people/{handle}", "/api/teams", "/api/services", "/api/regions", "/api/audit",
            "/api/incidents", "/api/incidents/{number}", "/api/incidents/{number}/acknowledge", "/api/incidents/{number}/resolve",
            "/api/incidents/{number}/assign", "/api/incidents/{number}/comments", "/api/incidents/{number}/stakeholder-updates" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} is missing from the OpenAPI document");
        }
    }

    [Theory]
    [InlineData("/", "My shift")]
    [InlineData("/team", "Billing Support JP")]
    [InlineData("/admin/services", "Advertiser Ledger")]
    [InlineData("/admin/audit", "Audit log")]
    [InlineData("/account/profile", "API tokens")]
    public async Task EachPageRendersForASignedInAdmin(string path, string text)
    {
        using var client = await _portal.SignedInClientAsync("grace.coleman");
        var response = await client.GetAsync(Url(path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(text, await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnUnknownAddressShowsTheNotFoundPage()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetAsync(Url("/no/such/page"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Contains("Page not found", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task EntraSignInMatchesByObjectIdThenEmailAndCreatesNewcomers()
    {
        using var scope = _portal.Services.CreateScope();
        var people = scope.ServiceProvider.GetRequiredService<PeopleService>();
        _portal.AnonymousClient().Dispose();
        var seeded = World.People.First(p => p.Role == PortalRole.Engineer);

        // First sign-in: matched by email (case-insensitive), object id stored, role taken from Entra.
        var matched = await people.MatchOrCreateExternalAsync("oid-1", seeded.Email.ToUpperInvariant(), seeded.Name, PortalRole.Manager, Ct);
        Assert.Equal(seeded.Handle, matched.Handle);
        Assert.Equal(PortalRole.Manager, matched.Role);
        // Later sign-ins: matched by object id even if the email changed; no app role keeps the role.
        var again = await people.MatchOrCreateExternalAsync("oid-1", "renamed@portal.example", seeded.Name, null, Ct);
        Assert.Equal(matched.Id, again.Id);
        Assert.Equal(PortalRole.Manager, again.Role);
        // Someone new is created with a free handle from their email.
        var newcomer = await people.MatchOrCreateExternalAsync("oid-2", "new.person@contoso.com", "New Person", null, Ct);
        Assert.Equal("new.person", newcomer.Handle);
        Assert.Equal(PortalRole.Engineer, newcomer.Role);
        var twin = await people.MatchOrCreateExternalAsync("oid-3", "new.person@fabrikam.com", "Another New Person", null, Ct);
        Assert.Equal("new.person-2", twin.Handle);
    }

    [Fact]
    public async Task SavingPreferencesChecksTheZoneAndIsAudited()
    {
        _portal.AnonymousClient().Dispose();
        using var scope = _portal.Services.CreateScope();
        var people = scope.ServiceProvider.GetRequiredService<PeopleService>();
        var person = await people.FindForSignInAsync("grace.coleman", Ct);
        var user = new System.Security.Claims.ClaimsPrincipal(Portal.Infrastructure.Auth.PortalClaims.IdentityFor(person!));

        var error = await Assert.ThrowsAsync<Portal.Shared.ValidationException>(() => people.SetPreferencesAsync(user, "Mars/Olympus", darkMode: true, Ct));
        Assert.Contains("displayTimeZone", error.Errors.Keys);
        Assert.False((await people.MeAsync(user, Ct))!.DarkMode);

        await people.SetPreferencesAsync(user, "Asia/Tokyo", darkMode: true, Ct);
        var me = await people.MeAsync(user, Ct);
        Assert.Equal(("Asia/Tokyo", true, "Asia/Tokyo"), (me!.DisplayTimeZone, me.DarkMode, me.ViewingZone));

        var shell = new Portal.Components.Layout.ShellState();
        shell.SetMe(me);
        // 2026-11-20 09:00 UTC is 18:00 in Tokyo.
        Assert.Equal("Fri 20 Nov 18:00 JST", shell.Local(_portal.Clock.GetUtcNow()));
        Assert.Equal("2026-11-20 09:00:00Z", Portal.Components.Layout.ShellState.Utc(_portal.Clock.GetUtcNow()));

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.True(await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AnyAsync(
            db.AuditEntries, a => a.Action == AuditActions.PreferencesChanged && a.Actor == "grace.coleman", Ct));
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
