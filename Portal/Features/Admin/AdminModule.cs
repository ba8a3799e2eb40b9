
namespace Portal.Features.Admin;

public static partial class AdminModule
{
    public static void AddAdminModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddAdminServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddAdminServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<AuditService>();
        return services;
    }
}
