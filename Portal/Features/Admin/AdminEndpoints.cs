using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;

namespace Portal.Features.Admin;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class AdminModule
{
    public static void MapAdminModule(this WebApplication app)
    {
        var api = app.MapApi("/api/audit", PortalPolicies.Admin, "Audit");
        api.MapGet("", (ClaimsPrincipal user, AuditService audit, string? action, string? actor, DateTimeOffset? from, DateTimeOffset? to,
                int? page, int? pageSize, CancellationToken ct) =>
            audit.ListAsync(user, new AuditQuery(action, actor, from, to, page ?? 0, pageSize ?? 50), ct))
            .WithSummary("The audit log, newest first; admins only.");
    }
}
