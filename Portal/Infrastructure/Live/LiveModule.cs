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
        builder.Services.AddKeyedSingleton<InMemoryPresence>(PresenceSpaces.Cases, (sp, _) => new InMemoryPresence(sp.GetRequiredService<TimeProvider>()));
        if (string.IsNullOrWhiteSpace(options.Redis))
        {
            builder.Services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<InMemoryLiveFeed>());
            builder.Services.AddSingleton<IPresence>(sp => sp.GetRequiredService<InMemoryPresence>());
            builder.Services.AddKeyedSingleton<IPresence>(PresenceSpaces.Cases, (sp, key) => sp.GetRequiredKeyedService<InMemoryPresence>(key));
        }
        else
        {
            builder.Services.AddSingleton<RedisBus>();
            builder.Services.AddSingleton<RedisLiveFeed>();
            builder.Services.AddSingleton<ILiveFeed>(sp => sp.GetRequiredService<RedisLiveFeed>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisLiveFeed>());
            builder.Services.AddSingleton(sp => RedisPresence.Create(sp, sp.GetRequiredService<InMemoryPresence>(), "portal:presence"));
            builder.Services.AddSingleton<IPresence>(sp => sp.GetRequiredService<RedisPresence>());
            builder.Services.AddHostedService(sp => sp.GetRequiredService<RedisPresence>());
            builder.Services.AddKeyedSingleton(PresenceSpaces.Cases, (sp, key) => RedisPresence.Create(sp, sp.GetRequiredKeyedService<InMemoryPresence>(key), "portal:presence:cases"));
            builder.Services.AddKeyedSingleton<IPresence>(PresenceSpaces.Cases, (sp, key) => sp.GetRequiredKeyedService<RedisPresence>(key));
            builder.Services.AddHostedService(sp => sp.GetRequiredKeyedService<RedisPresence>(PresenceSpaces.Cases));
            builder.Services.AddHealthChecks().AddCheck<LiveFeedHealthCheck>("live-feed", tags: ["ready"]);
        }
        builder.Services.AddSingleton<LiveSubscriptions>();
        builder.Services.AddSingleton<LiveOutboxes>();
        builder.Services.AddHostedService<LiveHubBridge>();
        builder.Logging.AddFilter("Microsoft.AspNetCore.SignalR.Internal.DefaultHubDispatcher", LogLevel.Critical);
        builder.Services.AddSignalR(o => o.AddFilter<HubErrorFilter>())
            .AddJsonProtocol(o => o.PayloadSerializerOptions.Converters.Add(new JsonStringEnumConverter()))
            .AddMessagePackProtocol();
        // After AddSignalR: the live hub's connections get outboxes; Blazor's own hub keeps the default manager.
        builder.Services.AddSingleton<HubLifetimeManager<LiveHub>, LiveHubLifetimeManager>();
    }

    public static void MapPortalLive(this WebApplication app) => app.MapHub<LiveHub>("/hubs/live");
}
