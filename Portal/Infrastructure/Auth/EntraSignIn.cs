using System.Security.Claims;
using Microsoft.Identity.Web;
using Microsoft.IdentityModel.Tokens;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Auth;

/// <summary>Joins an Entra ID sign-in to a portal person: matched by object id, then email, else created.</summary>
internal static class EntraSignIn
{
    public static async Task AttachPersonAsync(HttpContext http, ClaimsPrincipal? principal, bool interactive)
    {
        if (principal is null)
        {
            return;
        }
        var objectId = principal.GetObjectId();
        var email = principal.FindFirst("preferred_username")?.Value ?? principal.FindFirst(ClaimTypes.Email)?.Value ?? principal.FindFirst("email")?.Value;
        var name = principal.FindFirst("name")?.Value ?? email ?? objectId ?? "Unknown";
        var appRoles = principal.FindAll("roles").Concat(principal.FindAll(ClaimTypes.Role)).Select(c => c.Value);
        if (string.IsNullOrEmpty(objectId) || string.IsNullOrEmpty(email))
        {
            throw new InvalidOperationException("The Entra ID token has no object id or email; the portal cannot tell who signed in.");
        }

        var people = http.RequestServices.GetRequiredService<IExternalPeople>();
        var person = await people.MatchOrCreateExternalAsync(objectId, email, name, PortalRoles.FromAppRoles(appRoles), http.RequestAborted);
        principal.AddIdentity(PortalClaims.IdentityFor(person));
        if (interactive)
        {
            await http.RequestServices.GetRequiredService<AuditWriter>().RecordAsync(new AuditEntry
            {
                Actor = person.Handle,
                ActorId = person.Id,
                Action = AuditActions.SignIn,
                Detail = "Entra ID",
            }, http.RequestAborted);
        }
    }

    /// <summary>Records a refused Entra token or sign-in, saying why in words.</summary>
    public static Task RecordRefusalAsync(HttpContext http, string target, Exception? failure) =>
        http.RequestServices.GetRequiredService<AuditWriter>().RecordAsync(AuditTrail.Refusal(null, target, "Entra token refused: " + Reason(failure)), http.RequestAborted);

    internal static string Reason(Exception? failure) => failure switch
    {
        SecurityTokenExpiredException => "it has expired",
        SecurityTokenInvalidAudienceException => "it is for another audience",
        SecurityTokenInvalidIssuerException => "it comes from another issuer",
        SecurityTokenInvalidSignatureException or SecurityTokenSignatureKeyNotFoundException => "its signature does not verify",
        SecurityTokenNotYetValidException => "it is not valid yet",
        null => "no reason given",
        _ when failure.InnerException is { } inner && Reason(inner) is var why && why != Reason(null) && inner is SecurityTokenException => why,
        _ => failure.GetType().Name + ": " + failure.Message.Split('\n')[0],
    };
}
