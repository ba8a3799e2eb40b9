using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Auth;

/// <summary>What <see cref="Permissions"/> needs from a request and from the database.</summary>
public static class Authority
{
    /// <summary>The signed-in person as an actor; someone without a portal role acts as an engineer.</summary>
    public static Actor AsActor(this ClaimsPrincipal user) => new(user.GetPersonId(), user.GetPortalRole() ?? PortalRole.Engineer);

    /// <summary>Everyone's team, manager and role, as of now.</summary>
    public static async Task<OrgChart> OrgAsync(this PortalDbContext db, CancellationToken cancellationToken) =>
        new(await db.People.AsNoTracking().Select(p => new OrgMember(p.Id, p.TeamId, p.ManagerId, p.Role)).ToListAsync(cancellationToken));
}
