using Portal.Components.Layout;
using Portal.Infrastructure.Auth;

namespace Portal.Features.Directory;

/// <summary>People, teams, services, regions and the reporting lines: who is who, read by every other module.</summary>
public static partial class DirectoryModule
{
    public static void AddDirectoryModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddDirectoryServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddDirectoryServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<PeopleService>();
        services.AddScoped<AdvertiserService>();
        services.AddScoped<IExternalPeople>(sp => sp.GetRequiredService<PeopleService>());
        services.AddScoped<IViewerDirectory>(sp => sp.GetRequiredService<PeopleService>());
        return services;
    }
}
