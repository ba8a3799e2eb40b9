using System.Security.Claims;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;

namespace Portal.Features.Notifications;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class NotificationsModule
{
    public static void MapNotificationsModule(this WebApplication app)
    {
        var inbox = app.MapApi("/api/notifications", PortalPolicies.Engineer, "Notifications");
        inbox.MapGet("", (ClaimsPrincipal user, NotificationService notifications, bool? unread, int? limit, CancellationToken ct) =>
            notifications.ListAsync(user, unread ?? false, limit ?? 50, ct))
            .WithSummary("Your notifications, newest first.");
        inbox.MapPost("/read", async (ClaimsPrincipal user, NotificationService notifications, long? id, CancellationToken ct) =>
            Results.Ok(new { marked = await notifications.MarkReadAsync(user, id, ct) }))
            .WithSummary("Marks one notification (id) or all of yours read.");
        inbox.MapGet("/channels", (ClaimsPrincipal user, NotificationService notifications, CancellationToken ct) => notifications.ChannelsAsync(user, ct))
            .WithSummary("Your outbound channels and your team's.");
        inbox.MapPost("/channels", async (ClaimsPrincipal user, NotificationService notifications, ChannelRequest request, CancellationToken ct) =>
        {
            var created = await notifications.AddChannelAsync(user, request, ct);
            return Results.Created($"/api/notifications/channels/{created.Id}", created);
        }).WithSummary("Adds a webhook, Slack, Teams or email channel for you, or for a team (managers).");
        inbox.MapDelete("/channels/{id:int}", async (ClaimsPrincipal user, NotificationService notifications, int id, CancellationToken ct) =>
        {
            await notifications.DeleteChannelAsync(user, id, ct);
            return Results.NoContent();
        }).WithSummary("Removes a channel.");
    }
}
