using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Features.Account;

/// <summary>The signed-in person as <c>GET /api/me</c> answers, with their own display preferences (other people never see those).</summary>
public sealed record MeResponse(string Handle, string Name, string Email, PortalRole Role, string? Team, RegionCode Region, string TimeZone, string? DisplayTimeZone, bool DarkMode);

public sealed record CreateTokenRequest(string? Name, int? ExpiresInDays);

public sealed record CreateTokenResponse(int Id, string Name, string Token, DateTimeOffset? ExpiresAt);

public static partial class AccountModule
{
    public static void AddAccountModule(this WebApplicationBuilder builder)
    {
        builder.Services.AddAccountServices(builder.Configuration);
    }

    /// <summary>The module's services, from configuration: what the app registers, and the component tests too.</summary>
    public static IServiceCollection AddAccountServices(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddScoped<ApiTokenService>();
        services.AddScoped<DemoSignInService>();
        return services;
    }
}
