using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Json;
using MudBlazor.Services;
using Portal.Components;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;

namespace Portal.Infrastructure.Web;

public static class WebModule
{
    public const long MaxRequestBodyBytes = 1024 * 1024;
    public const long MaxCircuitMessageBytes = 256 * 1024;

    public static void AddPortalWeb(this WebApplicationBuilder builder)
    {
        // A page's prerendered state (the queue's first 50 rows, about 45 KB once protected) reaches the circuit as one
        // message when it starts; SignalR's default of 32 KB would close the connection.
        builder.Services.AddRazorComponents().AddInteractiveServerComponents()
            .AddHubOptions(o => o.MaximumReceiveMessageSize = MaxCircuitMessageBytes);
        builder.Services.AddMudServices();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<PortalExceptionHandler>();
        builder.Services.AddOpenApi(o => o.AddSchemaTransformer<InputRulesSchemaTransformer>());
        builder.Services.Configure<JsonOptions>(o => o.SerializerOptions.Converters.Add(new StrictEnumConverter()));
        // A body or value that cannot be bound reaches PortalExceptionHandler in every environment, so it answers
        // problem+json naming the field (by default only Development throws; Production answered an empty 400).
        builder.Services.Configure<Microsoft.AspNetCore.Routing.RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.AddScoped<ClientOrigin>();
        builder.Services.AddScoped<ShellState>();
        builder.Services.AddSingleton<MarkdownRenderer>();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPortalRateLimits();
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
            k.AddServerHeader = false;
        });
    }

    public static void UsePortalWeb(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePagesWithReExecute("/not-found", createScopeForStatusCodePages: true);
        var modes = app.Services.GetRequiredService<SignInModes>();
        app.Use((context, next) =>
        {
            if (AuthModule.IsApi(context.Request.Path) && context.Features.Get<IStatusCodePagesFeature>() is { } pages)
            {
                // API callers get problem+json (or an empty status), never the HTML "page not found".
                pages.Enabled = false;
            }
            SecurityHeaders.Apply(context.Response.Headers, modes);
            context.RequestServices.GetRequiredService<ClientOrigin>().Address = context.Connection.RemoteIpAddress?.ToString();
            return next(context);
        });
        app.UseAuthentication();
        app.UseRateLimiter();
        app.UseAuthorization();
        app.UseAntiforgery();
        // A form post whose anti-forgery token did not validate is a 400 before any endpoint reads the form. The
        // build-time request delegates read a [FromForm] parameter without looking at the validation first, and the form
        // then throws an InvalidOperationException: a 500 where the runtime-built ones answered 400.
        app.Use((context, next) => context.Features.Get<Microsoft.AspNetCore.Antiforgery.IAntiforgeryValidationFeature>() is { IsValid: false } failed
            ? throw new BadHttpRequestException("The form's anti-forgery token is missing or not valid; reload the page and try again.", StatusCodes.Status400BadRequest,
                failed.Error ?? new InvalidOperationException("Anti-forgery validation failed."))
            : next(context));
    }

    public static void MapPortalPages(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapOpenApi().AllowAnonymous();
        // Our own CSP already says frame-ancestors 'none'; Blazor's default would add a second, looser header.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
    }
}
