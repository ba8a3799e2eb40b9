namespace Portal.Infrastructure.Auth;

/// <summary>Which ways of signing in are on for this process.</summary>
public sealed record SignInModes(bool Entra, bool Demo)
{
    public const string NotConfiguredMessage =
        "Sign-in is not configured. In Production the portal needs Entra ID: set AzureAd:Instance, AzureAd:TenantId " +
        "and AzureAd:ClientId (e.g. AzureAd__TenantId, AzureAd__ClientId). To allow demo sign-in on purpose " +
        "(anyone can sign in as anyone), set Auth:Mode=Demo (Auth__Mode=Demo).";

    public static SignInModes From(IConfiguration configuration, IHostEnvironment environment)
    {
        var entra = !string.IsNullOrWhiteSpace(configuration["AzureAd:ClientId"]);
        var demo = environment.IsDevelopment()
            || string.Equals(configuration["Auth:Mode"], "Demo", StringComparison.OrdinalIgnoreCase);
        return new SignInModes(entra, demo);
    }
}
