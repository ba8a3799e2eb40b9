using Portal.Infrastructure.Data;

namespace Portal.Features.Demo;

/// <summary>
/// The demo world: a newcomer's portal that looks alive (people, schedules, history, runbooks, coaching), and with
/// <c>Demo:Traffic</c> a trickle of new incidents. It writes through the other modules' tables and services, so it
/// sits above all of them.
/// </summary>
public static class DemoModule
{
    public static void AddDemoModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddDemoServices(builder.Configuration);
    }

    /// <summary>The demo billing service the demo actions call, wherever the demo world may be seeded.</summary>
    public static void MapDemoModule(this WebApplication app)
    {
        if (app.Environment.IsDevelopment() || app.Configuration.GetValue<bool>("Demo:Seed"))
        {
            DemoBilling.Map(app);
        }
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddDemoServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<DemoOptions>(configuration.GetSection("Demo"));
        services.AddSingleton<DemoSeeder>();
        services.AddSingleton<IStartupSeeder>(sp => sp.GetRequiredService<DemoSeeder>());
        if (configuration.GetValue<bool>("Demo:Traffic"))
        {
            services.AddHostedService<DemoTraffic>();
        }
        return services;
    }
}
