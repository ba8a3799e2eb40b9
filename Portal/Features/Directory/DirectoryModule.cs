using Portal.Components.Layout;
using Portal.Infrastructure.Auth;

namespace Portal.Features.Directory;

/// <summary>People, teams, services, regions and the reporting lines: who is who, read by every other module.</summary>
public static partial class DirectoryModule
{
    public static void AddDirectoryModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<PeopleService>();
        builder.Services.AddScoped<IExternalPeople>(sp => sp.GetRequiredService<PeopleService>());
        builder.Services.AddScoped<IViewerDirectory>(sp => sp.GetRequiredService<PeopleService>());
    }
}
