namespace Portal.Shared.Team;

/// <summary>What a person may do in the portal. Admins can do all a manager can; managers all an engineer can.</summary>
public enum PortalRole
{
    Engineer = 0,
    Manager = 1,
    Admin = 2,
}

/// <summary>Maps Entra ID app roles to portal roles.</summary>
public static class PortalRoles
{
    public const string EntraAdmin = "Portal.Admin";
    public const string EntraManager = "Portal.Manager";
    public const string EntraEngineer = "Portal.Engineer";

    /// <summary>The highest portal role among the app roles, or null when none of them is a portal role.</summary>
    public static PortalRole? FromAppRoles(IEnumerable<string> appRoles)
    {
        PortalRole? best = null;
        foreach (var appRole in appRoles)
        {
            PortalRole? role = appRole switch
            {
                EntraAdmin => PortalRole.Admin,
                EntraManager => PortalRole.Manager,
                EntraEngineer => PortalRole.Engineer,
                _ => null,
            };
            if (role is { } r && (best is null || r > best))
            {
                best = r;
            }
        }
        return best;
    }

    /// <summary>True when a person with role <paramref name="held"/> may do what needs <paramref name="needed"/>.</summary>
    public static bool Satisfies(this PortalRole held, PortalRole needed) => held >= needed;
}
