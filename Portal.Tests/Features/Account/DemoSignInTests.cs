using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Account;

public sealed class DemoSignInTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheDemoPageLinksEverySeededPerson()
    {
        using var client = _portal.AnonymousClient();
        var html = await client.GetStringAsync(Url("/account/demo"), Ct);

        foreach (var person in DemoWorld.Generate().People)
        {
            Assert.Contains($"href=\"/account/demo?as={person.Handle}\"", html, StringComparison.Ordinal);
        }
        Assert.Contains("Billing Support JP", html, StringComparison.Ordinal);
        Assert.Contains("Demo sign-in is on", html, StringComparison.Ordinal);
    }

    [Fact]
    public async Task FollowingALinkSignsInAndIsAudited()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetAsync(Url("/account/demo?as=grace.coleman&returnUrl=/team"), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        AssertLocal("/team", response);
        Assert.Contains(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var row = await db.AuditEntries.AsNoTracking().SingleAsync(a => a.Action == AuditActions.SignIn, Ct);
        Assert.Equal("grace.coleman", row.Actor);
        Assert.Equal(_portal.Clock.GetUtcNow(), row.At);
    }

    [Theory]
    [InlineData("//evil.example.com/x")]
    [InlineData("https://evil.example.com/")]
    [InlineData("/\\evil.example.com")]
    public async Task ReturnUrlsToOtherSitesGoHomeInstead(string returnUrl)
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetAsync(Url($"/account/demo?as=grace.coleman&returnUrl={Uri.EscapeDataString(returnUrl)}"), Ct);
        AssertLocal("/", response);
    }

    [Fact]
    public async Task AnUnknownHandleSaysSoAndSignsNobodyIn()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetAsync(Url("/account/demo?as=nobody.here"), Ct);

        Assert.Contains("There is no one with the handle", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.DoesNotContain(response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [], c => c.StartsWith(".AspNetCore.Cookies=", StringComparison.Ordinal));
    }

    [Fact]
    public async Task APageNeedingSignInSendsAnonymousVisitorsToSignIn()
    {
        using var client = _portal.AnonymousClient();
        var response = await client.GetAsync(Url("/team"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.StartsWith("/account/signin", response.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        var signIn = await client.GetAsync(Url("/account/signin?returnUrl=%2Fteam"), Ct);
        Assert.Equal("/account/demo?returnUrl=%2Fteam", signIn.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task SigningOutEndsTheSessionAndIsAudited()
    {
        using var client = await _portal.SignedInClientAsync("isla.evans");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/me"), Ct)).StatusCode);

        // The sign-out form carries an antiforgery token; take it from a page that renders one.
        var token = AntiforgeryToken(await client.GetStringAsync(Url("/account/profile"), Ct));
        Assert.NotNull(token);
        var response = await client.PostAsync(Url("/account/signout"), new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["returnUrl"] = "/",
        }), Ct);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(Url("/api/me"), Ct)).StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.SignOut && a.Actor == "isla.evans", Ct));
    }

    [Fact]
    public async Task SigningOutWithoutTheAntiforgeryTokenIsRefused()
    {
        using var client = await _portal.SignedInClientAsync("isla.evans");
        _portal.Log.Expect(_ => true);
        var response = await client.PostAsync(Url("/account/signout"), new FormUrlEncodedContent(new Dictionary<string, string> { ["returnUrl"] = "/" }), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/me"), Ct)).StatusCode);
    }

    private static void AssertLocal(string path, HttpResponseMessage response)
    {
        var location = new Uri(new Uri("http://localhost/"), response.Headers.Location!);
        Assert.Equal("localhost", location.Host);
        Assert.Equal(path, location.PathAndQuery);
    }

    private static string? AntiforgeryToken(string html)
    {
        var match = System.Text.RegularExpressions.Regex.Match(html, "name=\"__RequestVerificationToken\"[^>]*value=\"([^\"]+)\"");
        return match.Success ? match.Groups[1].Value : null;
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
