using System.Text.Json;
using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Account;

public sealed class ApiTokenTests : IAsyncDisposable
{
    private const string ProvisionedToken = "wallboard-eu-0123456789abcdef";
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Provisioning:ApiTokens:0:Name"] = "EU wallboard",
        ["Provisioning:ApiTokens:0:Token"] = ProvisionedToken,
        ["Provisioning:ApiTokens:0:User"] = "lea.martin@portal.example",
        ["Provisioning:People:0:Name"] = "Lea Martin",
        ["Provisioning:People:0:Handle"] = "lea.martin",
        ["Provisioning:People:0:Email"] = "lea.martin@portal.example",
        ["Provisioning:People:0:Role"] = "Engineer",
        ["Provisioning:People:0:Team"] = "billing-support-eu",
        ["Provisioning:People:0:TimeZone"] = "Europe/Paris",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AProvisionedTokenWorksFromTheFirstRequest()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetWithTokenAsync("/api/me", ProvisionedToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var me = await response.JsonAsync();
        Assert.Equal("lea.martin", me.GetProperty("handle").GetString());
        Assert.Equal("Lea Martin", me.GetProperty("name").GetString());
        Assert.Equal("lea.martin@portal.example", me.GetProperty("email").GetString());
        Assert.Equal("Engineer", me.GetProperty("role").GetString());
        Assert.Equal("billing-support-eu", me.GetProperty("team").GetString());
        Assert.Equal("EU", me.GetProperty("region").GetString());
        Assert.Equal("Europe/Paris", me.GetProperty("timeZone").GetString());
        Assert.Equal(JsonValueKind.Null, me.GetProperty("displayTimeZone").ValueKind);
        Assert.False(me.GetProperty("darkMode").GetBoolean());
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task ACreatedTokenWorksUntilRevokedThenGets401AndAnAuditRow()
    {
        using var browser = await _portal.SignedInClientAsync("lea.martin");
        var created = await browser.PostJsonAsync("/api/me/tokens", new { name = "cli", expiresInDays = 30 });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var body = await created.JsonAsync();
        var secret = body.GetProperty("token").GetString()!;
        var id = body.GetProperty("id").GetInt32();

        using var script = _portal.AnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await script.GetWithTokenAsync("/api/me", secret)).StatusCode);

        var revoked = await browser.DeleteAsync(Url($"/api/me/tokens/{id}"), Ct);
        Assert.Equal(HttpStatusCode.NoContent, revoked.StatusCode);

        var refused = await script.GetWithTokenAsync("/api/me", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("revoked", (await refused.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var audit = await db.AuditEntries.AsNoTracking().OrderBy(a => a.Id).ToListAsync(Ct);
        Assert.Contains(audit, a => a.Action == AuditActions.TokenCreated && a.Actor == "lea.martin");
        Assert.Contains(audit, a => a.Action == AuditActions.TokenRevoked && a.Actor == "lea.martin");
        var rejection = Assert.Single(audit, a => a.Action == AuditActions.TokenRejected);
        Assert.Equal("lea.martin", rejection.Actor);
        Assert.Contains("revoked token", rejection.Detail, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, rejection.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnlyTheHashOfATokenIsStored()
    {
        using var browser = await _portal.SignedInClientAsync("lea.martin");
        var secret = (await (await browser.PostJsonAsync("/api/me/tokens", new { name = "ci" })).JsonAsync()).GetProperty("token").GetString()!;

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var stored = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Name == "ci", Ct);
        Assert.Equal(ApiTokenSecrets.Hash(secret), stored.Hash);
        Assert.NotEqual(secret, stored.Hash);
        Assert.DoesNotContain(await db.ApiTokens.AsNoTracking().Select(t => t.Hash + t.Prefix + t.Name).ToListAsync(Ct), v => v.Contains(secret, StringComparison.Ordinal));

        var listed = await browser.GetStringAsync(Url("/api/me/tokens"), Ct);
        Assert.DoesNotContain(secret, listed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnknownTokenGets401WithTheReasonAndAnAuditRow()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetWithTokenAsync("/api/me", "ptl_not-a-real-token-at-all");

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("unknown token", (await response.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.TokenRejected && a.Actor == "anonymous", Ct));
    }

    [Fact]
    public async Task AnApiCallWithoutCredentialsGets401AndIsAudited()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetAsync(Url("/api/people"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.AccessDenied && a.Target == "GET /api/people", Ct));
    }

    [Fact]
    public async Task AnExpiredTokenIsRefused()
    {
        using var browser = await _portal.SignedInClientAsync("lea.martin");
        var secret = (await (await browser.PostJsonAsync("/api/me/tokens", new { name = "short", expiresInDays = 1 })).JsonAsync()).GetProperty("token").GetString()!;
        using var script = _portal.AnonymousClient();
        Assert.Equal(HttpStatusCode.OK, (await script.GetWithTokenAsync("/api/me", secret)).StatusCode);

        _portal.Clock.Advance(TimeSpan.FromDays(1) + TimeSpan.FromSeconds(1));
        var response = await script.GetWithTokenAsync("/api/me", secret);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Contains("expired", (await response.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task LastUsedIsKeptAtMostOnceAMinute()
    {
        using var client = _portal.AnonymousClient();
        await client.GetWithTokenAsync("/api/me", ProvisionedToken);
        var first = await LastUsedAsync();
        Assert.Equal(_portal.Clock.GetUtcNow(), first);

        _portal.Clock.Advance(TimeSpan.FromSeconds(20));
        await client.GetWithTokenAsync("/api/me", ProvisionedToken);
        Assert.Equal(first, await LastUsedAsync());

        _portal.Clock.Advance(TimeSpan.FromMinutes(2));
        await client.GetWithTokenAsync("/api/me", ProvisionedToken);
        Assert.Equal(_portal.Clock.GetUtcNow(), await LastUsedAsync());

        async Task<DateTimeOffset?> LastUsedAsync()
        {
            await using var db = await _portal.Db.CreateDbContextAsync(Ct);
            return await db.ApiTokens.AsNoTracking().Where(t => t.Provisioned).Select(t => t.LastUsedAt).SingleAsync(Ct);
        }
    }

    [Fact]
    public async Task ATokenWithoutANameIsRefusedWithTheFieldNamed()
    {
        using var browser = await _portal.SignedInClientAsync("lea.martin");
        var response = await browser.PostJsonAsync("/api/me/tokens", new { name = "  ", expiresInDays = 900 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("name", out _));
        Assert.True(errors.TryGetProperty("expiresInDays", out _));
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.ApiTokens.AnyAsync(t => !t.Provisioned, Ct));
    }

    [Fact]
    public async Task NobodyCanRevokeSomeoneElsesToken()
    {
        using var lea = await _portal.SignedInClientAsync("lea.martin");
        var id = (await (await lea.PostJsonAsync("/api/me/tokens", new { name = "mine" })).JsonAsync()).GetProperty("id").GetInt32();

        using var other = await _portal.SignedInClientAsync("grace.coleman");
        var response = await other.DeleteAsync(Url($"/api/me/tokens/{id}"), Ct);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Null((await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == id, Ct)).RevokedAt);
    }

    [Fact]
    public async Task ATokenIsAcceptedAsAccessTokenOnTheLiveHubPathOnly()
    {
        using var client = _portal.AnonymousClient();
        // The query-string form is for WebSockets to /hubs; on the REST API it is ignored.
        var api = await client.GetAsync(Url($"/api/me?access_token={ProvisionedToken}"), Ct);
        Assert.Equal(HttpStatusCode.Unauthorized, api.StatusCode);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
