using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

public static class LiveModule
{
    /// <summary>
    /// The node's live feed and the hub for outside clients. No SignalR Redis backplane: it would also carry Blazor's
    /// own hub, and a Redis outage would then break every page (dotnet/aspnetcore#58971).
    /// </summary>
    public static void AddPortalLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InMemoryLiveFeed>();
        builder.Services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<InMemoryLiveFeed>());
        builder.Services.AddSingleton<LiveSubscriptions>();
        builder.Services.AddSingleton<IPresence, InMemoryPresence>();
        builder.Services.AddHostedService<LiveHubBridge>();
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
        builder.Services.AddSignalR(o => o.AddFilter<HubErrorFilter>())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddMessagePackProtocol();
    }

    public static void MapPortalLive(this WebApplication app) => app.MapHub<LiveHub>("/hubs/live");
}
