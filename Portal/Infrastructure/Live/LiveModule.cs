using System.Text.Json.Serialization;
using Microsoft.AspNetCore.SignalR;
using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

public static class LiveModule
{
    /// <summary>
    /// The node's live feed (across nodes through Redis when <c>Live:Redis</c> is set) and the hub for outside clients.
    /// No SignalR Redis backplane: it would also carry Blazor's own hub, and a Redis outage would then break every page
    /// (dotnet/aspnetcore#58971).
    /// </summary>
    public static void AddPortalLive(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<InMemoryLiveFeed>();
        var options = builder.Configuration.GetSection("Live").Get<LiveOptions>() ?? new LiveOptions();
        builder.Services.AddSingleton(options);
        builder.Services.AddSingleton<InMemoryPresence>();
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            builder.Services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<InMemoryLiveFeed>());
            builder.Services.AddSingleton<IPresence>(sp => sp.GetRequiredService<InMemoryPresence>());
        }
        else
        {
            builder.Services.AddSingleton<RedisBus>();
            builder.Services.AddSingleton<RedisLiveFeed>();
            builder.Services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<RedisLiveFeed>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisLiveFeed>());
            builder.Services.AddSingleton<RedisPresence>();
            builder.Services.AddSingleton<IPresence>(sp => sp.GetRequiredService<RedisPresence>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisPresence>());
            builder.Services.AddHealthChecks().AddCheck<LiveFeedHealthCheck>("live-feed", tags: ["ready"]);
        }
        builder.Services.AddSingleton<LiveSubscriptions>();
        builder.Services.AddHostedService<LiveHubBridge>();
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
        builder.Services.AddSignalR(o => o.AddFilter<HubErrorFilter>())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddMessagePackProtocol();
    }

    public static void MapPortalLive(this WebApplication app) => app.MapHub<LiveHub>("/hubs/live");
}
