using System.Net;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.Tokens;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The Entra ID path end to end through Microsoft.Identity.Web, against a test issuer on loopback: a cookie sign-in
/// through the callback, and bearer tokens on the API, with the refusals (expired, another audience, another issuer,
/// a signature from another key) each answered 401 and audited with the reason.
/// </summary>
public sealed class EntraSignInTests : IAsyncLifetime
{
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Role == PortalRole.Engineer && p.TeamSlug == "billing-support-jp");
    private TestOidcIssuer _issuer = null!;
    private PortalFactory _portal = null!;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _issuer = await TestOidcIssuer.StartAsync();
        _portal = new PortalFactory("Production", new Dictionary<string, string?>
        {
            ["AzureAd:Instance"] = _issuer.Instance,
            ["AzureAd:TenantId"] = TestOidcIssuer.Tenant,
            ["AzureAd:ClientId"] = TestOidcIssuer.ClientId,
            ["AzureAd:ClientSecret"] = "test-client-secret",
            ["AzureAd:CallbackPath"] = "/signin-oidc",
            ["Demo:Seed"] = "true",
        }, services: services =>
        {
            // The test issuer speaks plain HTTP on loopback; Entra itself is HTTPS, which these options insist on. For
            // the same reason Microsoft.Identity.Web's issuer validator cannot fetch its issuer template from the
            // issuer (it insists on HTTPS), so it is given the template it would find there, {tenantid} and all.
            var template = $"{_issuer.Instance}{{tenantid}}/v2.0";
            services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                o.RequireHttpsMetadata = false;
                o.TokenValidationParameters.ValidIssuer = template;
            });
            services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
            {
                o.RequireHttpsMetadata = false;
                o.TokenValidationParameters.ValidIssuer = template;
            });
        });
        // Tokens, nonces and cookies are all judged by the real clock here.
        _portal.Clock.SetUtcNow(DateTimeOffset.UtcNow);
    }

    [Fact]
    public async Task APersonSignsInThroughTheCallbackAndIsMatchedByEmail()
    {
        using var browser = Browser();
        var challenge = await browser.GetAsync(Url("/account/signin?returnUrl=/api/me"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, challenge.StatusCode);
        Assert.StartsWith(_issuer.Instance, challenge.Headers.Location!.AbsoluteUri, StringComparison.Ordinal);
        using (var toIssuer = new HttpClient())
        {
            Assert.Equal(HttpStatusCode.OK, (await toIssuer.GetAsync(challenge.Headers.Location, Ct)).StatusCode);
        }
        _issuer.NextSignIn = TestOidcIssuer.Person("oid-" + Engineer.Handle, Engineer.Email, Engineer.Name, "Portal.Engineer");

        var callback = await CallbackAsync(browser, _issuer.IssueCode());

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/api/me", callback.Headers.Location!.OriginalString);
        var me = await (await browser.GetAsync(Url("/api/me"), Ct)).JsonAsync();
        Assert.Equal(Engineer.Handle, me.GetProperty("handle").GetString());
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal("oid-" + Engineer.Handle, (await db.People.SingleAsync(p => p.Handle == Engineer.Handle, Ct)).ExternalId);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.SignIn && a.Actor == Engineer.Handle && a.Detail == "Entra ID", Ct));
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnIdTokenForAnotherAudienceIsRefusedAuditedAndShownAsAFailedSignIn()
    {
        using var browser = Browser();
        var challenge = await browser.GetAsync(Url("/account/signin"), Ct);
        using (var toIssuer = new HttpClient())
        {
            await toIssuer.GetAsync(challenge.Headers.Location, Ct);
        }
        _issuer.NextSignIn = TestOidcIssuer.Person("oid-x", Engineer.Email, Engineer.Name, "Portal.Engineer");
        _issuer.TamperNextIdToken = d => d.Audience = "another-application";
        // The OpenID Connect handler logs a refused sign-in as an error of its own; the audit row is the portal's record.
        _portal.Log.Expect(line => line.Contains("IDX10214", StringComparison.Ordinal) || IsIdentityModelBanner(line));

        var callback = await CallbackAsync(browser, _issuer.IssueCode());

        Assert.Equal(HttpStatusCode.Redirect, callback.StatusCode);
        Assert.Equal("/account/signin-failed", callback.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Unauthorized, (await browser.GetAsync(Url("/api/me"), Ct)).StatusCode);
        await AssertRefusalAsync("Entra sign-in", "another audience");
        var page = await browser.GetStringAsync(Url("/account/signin-failed"), Ct);
        Assert.Contains("data-testid=\"signin-failed\"", page, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AValidBearerTokenIsAPersonOnTheApi()
    {
        using var api = _portal.AnonymousClient();
        var token = _issuer.AccessToken(TestOidcIssuer.Person("oid-api", Engineer.Email, Engineer.Name, "Portal.Engineer"));

        var me = await api.GetWithTokenAsync("/api/me", token);

        Assert.Equal(HttpStatusCode.OK, me.StatusCode);
        Assert.Equal(Engineer.Handle, (await me.JsonAsync()).GetProperty("handle").GetString());
        _portal.Log.AssertClean();
    }

    public static TheoryData<string, string> Refusals() => new()
    {
        { "expired", "it has expired" },
        { "audience", "it is for another audience" },
        { "issuer", "it comes from another issuer" },
        { "key", "its signature does not verify" },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public async Task ABadBearerTokenIsRefusedAndAuditedWithTheReason(string wrong, string reason)
    {
        using var api = _portal.AnonymousClient();
        // Microsoft.IdentityModel logs some refusals (another audience) as errors of its own, after a version banner.
        _portal.Log.Expect(line => line.Contains("IDX10214", StringComparison.Ordinal) || IsIdentityModelBanner(line));
        var claims = TestOidcIssuer.Person("oid-api", Engineer.Email, Engineer.Name, "Portal.Engineer");
        using var otherKey = RSA.Create(2048);
        var token = wrong switch
        {
            "expired" => _issuer.AccessToken(claims, expires: DateTime.UtcNow.AddHours(-2)),
            "audience" => _issuer.AccessToken(claims, audience: "api://another-application"),
            "issuer" => _issuer.AccessToken(claims, issuer: "https://login.example.net/another-tenant/v2.0"),
            _ => _issuer.AccessToken(claims, key: new RsaSecurityKey(otherKey) { KeyId = "test-key-1" }),
        };

        var response = await api.GetWithTokenAsync("/api/me", token);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertRefusalAsync("GET /api/me", reason);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Null((await db.People.SingleAsync(p => p.Handle == Engineer.Handle, Ct)).ExternalId);
    }

    private static bool IsIdentityModelBanner(string line) =>
        line.StartsWith("[Microsoft.IdentityModel.LoggingExtensions.IdentityLoggerAdapter] Microsoft.IdentityModel Version:", StringComparison.Ordinal);

    private HttpClient Browser() => _portal.CreateClient(new WebApplicationFactoryClientOptions
    {
        // The correlation and nonce cookies are Secure: the test server sees an https request.
        BaseAddress = new Uri("https://localhost"), AllowAutoRedirect = false, HandleCookies = true,
    });

    /// <summary>What the browser does with the issuer's answer: back to the portal's callback with the code and state.</summary>
    private async Task<HttpResponseMessage> CallbackAsync(HttpClient browser, string code)
    {
        var authorize = _issuer.LastAuthorize!;
        var callback = new Uri(authorize["redirect_uri"].ToString()).PathAndQuery;
        var fields = new Dictionary<string, string> { ["code"] = code, ["state"] = authorize["state"].ToString() };
        return authorize["response_mode"] == "form_post"
            ? await browser.PostAsync(Url(callback), new FormUrlEncodedContent(fields), Ct)
            : await browser.GetAsync(Url($"{callback}?code={Uri.EscapeDataString(code)}&state={Uri.EscapeDataString(fields["state"])}"), Ct);
    }

    private async Task AssertRefusalAsync(string target, string reason)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var rows = await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.AccessDenied).ToListAsync(Ct);
        Assert.Contains(rows, r => r.Target == target && r.Detail!.Contains(reason, StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _issuer.DisposeAsync();
    }
}
