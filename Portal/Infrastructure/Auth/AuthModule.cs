using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Identity.Web;

namespace Portal.Infrastructure.Auth;

public static class AuthModule
{
    /// <summary>The scheme that picks cookie, portal token or Entra bearer for each request.</summary>
    public const string SelectorScheme = "portal";

    public static void AddPortalAuth(this WebApplicationBuilder builder)
    {
        var modes = SignInModes.From(builder.Configuration, builder.Environment);
        if (!modes.Entra && !modes.Demo)
        {
            throw new InvalidOperationException(SignInModes.NotConfiguredMessage);
        }
        builder.Services.AddSingleton(modes);
        builder.Services.AddScoped<AuditWriter>();

        var auth = builder.Services.AddAuthentication(o =>
        {
            o.DefaultScheme = SelectorScheme;
            o.DefaultChallengeScheme = SelectorScheme;
        });
        auth.AddPolicyScheme(SelectorScheme, "Portal", o => o.ForwardDefaultSelector = context =>
        {
            var token = ApiTokenAuthenticationHandler.PresentedToken(context);
            if (string.IsNullOrEmpty(token))
            {
                return IsApi(context.Request.Path) && !context.Request.Cookies.Keys.Any(k => k.StartsWith(".AspNetCore.Cookies", StringComparison.Ordinal))
                    ? ApiTokenAuthenticationHandler.SchemeName
                    : CookieAuthenticationDefaults.AuthenticationScheme;
            }
            return modes.Entra && LooksLikeJwt(token) ? JwtBearerDefaults.AuthenticationScheme : ApiTokenAuthenticationHandler.SchemeName;
        });
        auth.AddScheme<AuthenticationSchemeOptions, ApiTokenAuthenticationHandler>(ApiTokenAuthenticationHandler.SchemeName, null);

        if (modes.Entra)
        {
            var section = builder.Configuration.GetSection("AzureAd");
            auth.AddMicrosoftIdentityWebApp(section, OpenIdConnectDefaults.AuthenticationScheme, CookieAuthenticationDefaults.AuthenticationScheme);
            auth.AddMicrosoftIdentityWebApi(section, JwtBearerDefaults.AuthenticationScheme);
            builder.Services.Configure<OpenIdConnectOptions>(OpenIdConnectDefaults.AuthenticationScheme, o =>
            {
                var inner = o.Events.OnTokenValidated;
                o.Events.OnTokenValidated = async context =>
                {
                    await inner(context);
                    await EntraSignIn.AttachPersonAsync(context.HttpContext, context.Principal, interactive: true);
                };
                // A sign-in that comes back refused (a token for another audience or issuer, expired, or no longer
                // matching its nonce) is audited and shown as a page that says so, not as an error.
                o.Events.OnRemoteFailure = async context =>
                {
                    await EntraSignIn.RecordRefusalAsync(context.HttpContext, "Entra sign-in", context.Failure);
                    context.Response.Redirect("/account/signin-failed");
                    context.HandleResponse();
                };
            });
            builder.Services.Configure<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme, o =>
            {
                var inner = o.Events?.OnTokenValidated;
                o.Events ??= new JwtBearerEvents();
                o.Events.OnTokenValidated = async context =>
                {
                    if (inner is not null)
                    {
                        await inner(context);
                    }
                    await EntraSignIn.AttachPersonAsync(context.HttpContext, context.Principal, interactive: false);
                };
                // The door's audit leaves a presented token to its handler: this is the handler's record for Entra tokens.
                o.Events.OnAuthenticationFailed = context =>
                    EntraSignIn.RecordRefusalAsync(context.HttpContext, $"{context.Request.Method} {context.Request.Path}", context.Exception);
            });
        }
        else
        {
            auth.AddCookie(CookieAuthenticationDefaults.AuthenticationScheme);
        }

        builder.Services.Configure<CookieAuthenticationOptions>(CookieAuthenticationDefaults.AuthenticationScheme, o =>
        {
            o.LoginPath = "/account/signin";
            o.AccessDeniedPath = "/account/denied";
            o.Cookie.Name = ".AspNetCore.Cookies";
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = TimeSpan.FromHours(12);
            o.SlidingExpiration = true;
            o.Events.OnRedirectToLogin = context => RedirectOrStatus(context, StatusCodes.Status401Unauthorized);
            o.Events.OnRedirectToAccessDenied = context => RedirectOrStatus(context, StatusCodes.Status403Forbidden);
        });

        PortalPolicies.Add(builder.Services.AddAuthorizationBuilder());
        builder.Services.AddSingleton<IAuthorizationMiddlewareResultHandler, AuditingAuthorizationResultHandler>();
        builder.Services.AddCascadingAuthenticationState();
    }

    internal static bool IsApi(PathString path) => path.StartsWithSegments("/api") || path.StartsWithSegments("/hubs");

    private static bool LooksLikeJwt(string token) => token.Count(c => c == '.') == 2 && token.StartsWith("ey", StringComparison.Ordinal);

    private static Task RedirectOrStatus(RedirectContext<CookieAuthenticationOptions> context, int status)
    {
        if (IsApi(context.Request.Path))
        {
            context.Response.StatusCode = status;
        }
        else
        {
            context.Response.Redirect(context.RedirectUri);
        }
        return Task.CompletedTask;
    }
}
