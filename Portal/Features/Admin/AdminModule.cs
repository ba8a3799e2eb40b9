
namespace Portal.Features.Admin;

public static partial class AdminModule
{
    public static void AddAdminModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddScoped<AuditService>();
    }
}
