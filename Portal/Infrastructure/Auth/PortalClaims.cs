using System.Security.Claims;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Auth;

/// <summary>The portal's own claims, the same whichever way a person signed in (demo, Entra, token).</summary>
public static class PortalClaims
{
    public const string PersonId = "portal:pid";
    public const string Handle = "portal:handle";
    public const string Role = "portal:role";
    public const string TokenId = "portal:token";
    public const string AuthenticationType = "portal";

    public static ClaimsIdentity IdentityFor(Person person, string authenticationType = AuthenticationType, int? tokenId = null)
    {
        var claims = new List<Claim>
        {
            new(PersonId, person.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(Handle, person.Handle),
            new(Role, person.Role.ToString()),
            new(ClaimTypes.Name, person.Name),
            new(ClaimTypes.Email, person.Email),
        };
        if (tokenId is { } id)
        {
            claims.Add(new Claim(TokenId, id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }
        return new ClaimsIdentity(claims, authenticationType, ClaimTypes.Name, Role);
    }

    public static int? GetPersonId(this ClaimsPrincipal user) =>
        int.TryParse(user.FindFirst(PersonId)?.Value, out var id) ? id : null;

    public static string? GetHandle(this ClaimsPrincipal user) => user.FindFirst(Handle)?.Value;

    public static PortalRole? GetPortalRole(this ClaimsPrincipal user) =>
        Enum.TryParse<PortalRole>(user.FindFirst(Role)?.Value, out var role) ? role : null;

    /// <summary>True when the user is a signed-in person whose role is at least <paramref name="needed"/>.</summary>
    public static bool HasPortalRole(this ClaimsPrincipal user, PortalRole needed) =>
        user.GetPersonId() is not null && user.GetPortalRole() is { } held && held.Satisfies(needed);

    /// <summary>The handle for the audit log: the person's, or "anonymous".</summary>
    public static string AuditName(this ClaimsPrincipal? user) => user?.GetHandle() ?? "anonymous";
}
