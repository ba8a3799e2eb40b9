using System.Security.Claims;
using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;

namespace Portal.Infrastructure.Auth;

/// <summary>Accepts personal access tokens as <c>Authorization: Bearer</c>, or <c>access_token</c> on the live hub.</summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    IDbContextFactory<PortalDbContext> factory,
    AuditWriter audit,
    TimeProvider clock) : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    public const string SchemeName = "PortalToken";
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = PresentedToken(Context);
        if (string.IsNullOrEmpty(presented))
        {
            return AuthenticateResult.NoResult();
        }

        var hash = ApiTokenSecrets.Hash(presented);
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(Context.RequestAborted);
        var token = await db.ApiTokens.AsNoTracking().Include(t => t.Person).FirstOrDefaultAsync(t => t.Hash == hash, Context.RequestAborted);

        var reason = token switch
        {
            null => "unknown token",
            { RevokedAt: not null } => "revoked token",
            _ when !token.IsActive(now) => "expired token",
            { Person.Active: false } => "the token's owner is deactivated",
            _ => null,
        };
        if (reason is not null)
        {
            await audit.RecordAsync(new AuditEntry
            {
                Actor = token?.Person?.Handle ?? "anonymous",
                ActorId = token?.PersonId,
                Action = AuditActions.TokenRejected,
                Target = Request.Path,
                Detail = $"{reason} ({ApiTokenSecrets.ShownPrefix(presented)}…)",
            }, Context.RequestAborted);
            return AuthenticateResult.Fail($"The bearer token is not valid: {reason}.");
        }

        if (token!.LastUsedAt is null || now - token.LastUsedAt > LastUsedResolution)
        {
            // Written at most once a minute per token, so a busy script does not turn every read into a write.
            await db.ApiTokens.Where(t => t.Id == token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now), Context.RequestAborted);
        }

        var principal = new ClaimsPrincipal(PortalClaims.IdentityFor(token.Person!, SchemeName, token.Id));
        return AuthenticateResult.Success(new AuthenticationTicket(principal, SchemeName));
    }

    protected override async Task HandleChallengeAsync(AuthenticationProperties properties)
    {
        var result = await HandleAuthenticateOnceSafeAsync();
        Response.StatusCode = StatusCodes.Status401Unauthorized;
        Response.Headers.WWWAuthenticate = result.Failure is null ? "Bearer" : "Bearer error=\"invalid_token\"";
        await Results.Problem(
            statusCode: StatusCodes.Status401Unauthorized,
            title: "Sign-in required.",
            detail: result.Failure?.Message ?? "Send a personal access token as 'Authorization: Bearer <token>', or sign in.")
            .ExecuteAsync(Context);
    }

    /// <summary>The bearer token of the request, from the header or (for WebSockets to /hubs) the query string.</summary>
    public static string? PresentedToken(HttpContext context)
    {
        var header = context.Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        return context.Request.Path.StartsWithSegments("/hubs") ? context.Request.Query["access_token"].ToString() : null;
    }
}
