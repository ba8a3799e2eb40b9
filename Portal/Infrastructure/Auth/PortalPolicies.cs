using Microsoft.AspNetCore.Authorization;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Auth;

/// <summary>The named authorisation policies. Pages and endpoints use these names, never roles directly.</summary>
public static class PortalPolicies
{
    /// <summary>Any signed-in person (engineers, managers, admins).</summary>
    public const string Engineer = "portal.engineer";

    /// <summary>Managers and admins.</summary>
    public const string Manager = "portal.manager";

    /// <summary>Admins only.</summary>
    public const string Admin = "portal.admin";

    public static void Add(AuthorizationBuilder builder)
    {
        builder.AddPolicy(Engineer, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasPortalRole(PortalRole.Engineer)));
        builder.AddPolicy(Manager, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasPortalRole(PortalRole.Manager)));
        builder.AddPolicy(Admin, p => p.RequireAuthenticatedUser().RequireAssertion(c => c.User.HasPortalRole(PortalRole.Admin)));
    }
}
