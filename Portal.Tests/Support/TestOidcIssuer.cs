using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using System.Security.Cryptography;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace Portal.Tests.Support;

/// <summary>
/// An OpenID Connect issuer on a loopback port, shaped like Entra ID's v2.0 endpoints for one tenant: discovery, JWKS,
/// authorize (it remembers the request; the test plays the browser) and token (it redeems a code for an id_token). It
/// signs with an RSA key made for the test, and makes access tokens for the API tests with whatever claims they ask.
/// </summary>
public sealed class TestOidcIssuer : IAsyncDisposable
{
    public const string Tenant = "7a3c0f9e-1111-4c2b-9d5e-000000000001";
    public const string ClientId = "0b8c4a2e-2222-4f1a-8c3d-000000000002";

    private readonly RSA _rsa = RSA.Create(2048);
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, (string Nonce, Dictionary<string, object> Claims)> _codes = new();

    private TestOidcIssuer(WebApplication app) => _app = app;

    /// <summary>The base address, which is what the portal's AzureAd:Instance names.</summary>
    public string Instance { get; private set; } = "";

    public string Issuer => $"{Instance}{Tenant}/v2.0";

    /// <summary>The last authorize request, as the browser carried it.</summary>
    public IQueryCollection? LastAuthorize { get; private set; }

    /// <summary>The claims the next code is redeemed for (the person signing in).</summary>
    public Dictionary<string, object> NextSignIn { get; set; } = [];

    /// <summary>Changes made to the next id_token (a wrong audience, say) before it is signed.</summary>
    public Action<SecurityTokenDescriptor>? TamperNextIdToken { get; set; }

    private SecurityKey Key => new RsaSecurityKey(_rsa) { KeyId = "test-key-1" };

    public static async Task<TestOidcIssuer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var issuer = new TestOidcIssuer(app);
        issuer.Map();
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        issuer.Instance = address.TrimEnd('/') + "/";
        return issuer;
    }

    private void Map()
    {
        _app.MapGet($"/{Tenant}/v2.0/.well-known/openid-configuration", () => Results.Json(new Dictionary<string, object>
        {
            ["issuer"] = Issuer,
            ["authorization_endpoint"] = $"{Instance}{Tenant}/oauth2/v2.0/authorize",
            ["token_endpoint"] = $"{Instance}{Tenant}/oauth2/v2.0/token",
            ["end_session_endpoint"] = $"{Instance}{Tenant}/oauth2/v2.0/logout",
            ["jwks_uri"] = $"{Instance}{Tenant}/discovery/v2.0/keys",
            ["response_types_supported"] = new[] { "code", "id_token", "code id_token" },
            ["response_modes_supported"] = new[] { "query", "form_post" },
            ["subject_types_supported"] = new[] { "pairwise" },
            ["id_token_signing_alg_values_supported"] = new[] { "RS256" },
            ["scopes_supported"] = new[] { "openid", "profile", "email", "offline_access" },
        }));
        _app.MapGet($"/{Tenant}/discovery/v2.0/keys", () =>
        {
            var parameters = _rsa.ExportParameters(false);
            return Results.Json(new
            {
                keys = new[]
                {
                    new { kty = "RSA", use = "sig", alg = "RS256", kid = "test-key-1", n = Base64UrlEncoder.Encode(parameters.Modulus), e = Base64UrlEncoder.Encode(parameters.Exponent) },
                },
            });
        });
        _app.MapGet($"/{Tenant}/oauth2/v2.0/authorize", (HttpContext context) =>
        {
            LastAuthorize = context.Request.Query;
            return Results.Text("Sign in here.");
        });
        _app.MapPost($"/{Tenant}/oauth2/v2.0/token", async (HttpContext context) =>
        {
            var form = await context.Request.ReadFormAsync();
            if (form["grant_type"] != "authorization_code" || form["client_id"] != ClientId || !_codes.TryRemove(form["code"].ToString(), out var grant))
            {
                return Results.Json(new { error = "invalid_grant" }, statusCode: 400);
            }
            var accessToken = AccessToken(grant.Claims);
            // at_hash: the left half of the access token's SHA-256, base64url, as OpenID Connect Core 3.1.3.6 says.
            var atHash = Base64UrlEncoder.Encode(SHA256.HashData(System.Text.Encoding.ASCII.GetBytes(accessToken))[..16]);
            var claims = new Dictionary<string, object>(grant.Claims) { ["nonce"] = grant.Nonce, ["tid"] = Tenant, ["ver"] = "2.0", ["at_hash"] = atHash };
            var descriptor = Descriptor(claims, audience: ClientId, lifetime: TimeSpan.FromHours(1));
            TamperNextIdToken?.Invoke(descriptor);
            TamperNextIdToken = null;
            return Results.Json(new { token_type = "Bearer", id_token = new JsonWebTokenHandler().CreateToken(descriptor), access_token = accessToken, expires_in = 3600 });
        });
    }

    /// <summary>Gives a code for the last authorize request, for <see cref="NextSignIn"/>: what the issuer hands the browser.</summary>
    public string IssueCode()
    {
        var code = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));
        _codes[code] = (LastAuthorize!["nonce"].ToString(), NextSignIn);
        return code;
    }

    /// <summary>An access token for the portal's API, as Entra would issue it; each argument can be made wrong.</summary>
    public string AccessToken(Dictionary<string, object> claims, string? audience = null, string? issuer = null, DateTime? expires = null, SecurityKey? key = null)
    {
        var all = new Dictionary<string, object>(claims) { ["tid"] = Tenant, ["ver"] = "2.0", ["azp"] = "a-calling-app" };
        var descriptor = Descriptor(all, audience ?? ClientId, TimeSpan.FromHours(1), key);
        descriptor.Issuer = issuer ?? Issuer;
        if (expires is { } at)
        {
            descriptor.Expires = at;
            descriptor.NotBefore = at.AddHours(-1);
            descriptor.IssuedAt = at.AddHours(-1);
        }
        return new JsonWebTokenHandler().CreateToken(descriptor);
    }

    private SecurityTokenDescriptor Descriptor(Dictionary<string, object> claims, string audience, TimeSpan lifetime, SecurityKey? key = null)
    {
        var now = DateTime.UtcNow;
        return new SecurityTokenDescriptor
        {
            Issuer = Issuer,
            Audience = audience,
            Claims = claims,
            IssuedAt = now,
            NotBefore = now,
            Expires = now + lifetime,
            SigningCredentials = new SigningCredentials(key ?? Key, SecurityAlgorithms.RsaSha256),
        };
    }

    /// <summary>The claims of a person as Entra puts them in a token.</summary>
    public static Dictionary<string, object> Person(string objectId, string email, string name, params string[] roles) => new()
    {
        ["sub"] = objectId, ["oid"] = objectId, ["preferred_username"] = email, ["name"] = name, ["roles"] = roles,
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
        _rsa.Dispose();
    }
}
