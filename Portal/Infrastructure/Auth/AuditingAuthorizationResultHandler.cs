using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Policy;

namespace Portal.Infrastructure.Auth;

/// <summary>
/// Writes an audit row for every request the authorization middleware refuses: a signed-in person who lacks the
/// policy (403), and any API call without valid credentials (401). A page visit by someone not yet signed in is a
/// redirect to sign-in, not a denial, and is not recorded.
/// </summary>
internal sealed class AuditingAuthorizationResultHandler : IAuthorizationMiddlewareResultHandler
{
    private readonly AuthorizationMiddlewareResultHandler _inner = new();

    public async Task HandleAsync(RequestDelegate next, HttpContext context, AuthorizationPolicy policy, PolicyAuthorizationResult authorizeResult)
    {
        var denied = authorizeResult.Forbidden || (authorizeResult.Challenged && AuthModule.IsApi(context.Request.Path));
        // A rejected token was already recorded by the token handler, with its reason.
        var tokenAlreadyAudited = authorizeResult.Challenged && !string.IsNullOrEmpty(ApiTokenAuthenticationHandler.PresentedToken(context));
        if (denied && !tokenAlreadyAudited)
        {
            var audit = context.RequestServices.GetRequiredService<AuditWriter>();
            await audit.RecordAsync(AuditTrail.Refusal(context.User, $"{context.Request.Method} {context.Request.Path}",
                authorizeResult.Forbidden ? "lacks the required role" : "not signed in"), context.RequestAborted);
        }
        await _inner.HandleAsync(next, context, policy, authorizeResult);
    }
}
