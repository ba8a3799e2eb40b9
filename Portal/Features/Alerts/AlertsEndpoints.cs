using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;

namespace Portal.Features.Alerts;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class AlertsModule
{
    public static void MapAlertsModule(this WebApplication app)
    {
        app.MapAlertIngestion();
        var api = app.MapApi("/api/alerts", PortalPolicies.Engineer, "Alerts");
        api.MapGet("", (AlertService alerts, string? integration, string? dedupKey, string? status, string? incident, string? cursor, int? limit, CancellationToken ct) =>
            alerts.ListAsync(new AlertQuery(integration, dedupKey, status, incident, cursor, limit ?? 50), ct))
            .WithSummary("Alerts, newest first, each with its incident; filters integration (name), dedupKey, status, incident; keyset paging with cursor.");
    }
}
