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
        builder.Services.Configure<DemoOptions>(builder.Configuration.GetSection("Demo"));
        builder.Services.AddSingleton<DemoSeeder>();
        builder.Services.AddSingleton<IStartupSeeder>(sp => sp.GetRequiredService<DemoSeeder>());
        if (builder.Configuration.GetValue<bool>("Demo:Traffic"))
        {
            builder.Services.AddHostedService<DemoTraffic>();
        }
    }
}
