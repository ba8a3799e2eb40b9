using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Authentication.OpenIdConnect;
using Microsoft.AspNetCore.Mvc;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Web;
using Portal.Shared.Admin;
using Portal.Features.Directory;

namespace Portal.Features.Account;

/// <summary>The module's HTTP API, under the shared <c>/api</c> groups (<see cref="Infrastructure.Web.ApiInput.MapApi"/>).</summary>
public static partial class AccountModule
{
    public static void MapAccountModule(this WebApplication app)
    {
        app.MapGet("/account/signin", (HttpContext context, SignInModes modes, string? returnUrl) =>
        {
            var target = SafeReturnUrl(returnUrl);
            return modes.Entra
                ? Results.Challenge(new AuthenticationProperties { RedirectUri = target }, [OpenIdConnectDefaults.AuthenticationScheme])
                : Results.LocalRedirect($"/account/demo?returnUrl={Uri.EscapeDataString(target)}");
        }).AllowAnonymous().RequireRateLimiting(RateLimits.SignIn).ExcludeFromDescription();

        app.MapPost("/account/signout", async (HttpContext context, SignInModes modes, AuditWriter audit, [FromForm] string? returnUrl) =>
        {
            if (context.User.GetPersonId() is not null)
            {
                await audit.RecordAsync(context.User, AuditActions.SignOut, cancellationToken: context.RequestAborted);
            }
            await context.SignOutAsync(CookieAuthenticationDefaults.AuthenticationScheme);
            if (modes.Entra && context.User.FindFirst("oid") is not null)
            {
                return Results.SignOut(new AuthenticationProperties { RedirectUri = "/" }, [OpenIdConnectDefaults.AuthenticationScheme]);
            }
            return Results.LocalRedirect(SafeReturnUrl(returnUrl));
        }).AllowAnonymous().ExcludeFromDescription();

        var api = app.MapApi("/api/me", PortalPolicies.Engineer, "Me");
        api.MapGet("", async (ClaimsPrincipal user, PeopleService people, CancellationToken ct) =>
            await people.MeAsync(user, ct) is { } me
                ? Results.Ok(new MeResponse(me.Handle, me.Name, me.Email, me.Role, me.TeamSlug, me.Region, me.TimeZone, me.DisplayTimeZone, me.DarkMode))
                : Results.Problem(statusCode: 404, title: "Not found.", detail: "Your person record no longer exists."))
            .WithSummary("The signed-in person.");
        api.MapGet("/tokens", (ClaimsPrincipal user, ApiTokenService tokens, CancellationToken ct) => tokens.ListMineAsync(user, ct))
            .WithSummary("My personal access tokens (never the secrets).");
        api.MapPost("/tokens", async (ClaimsPrincipal user, ApiTokenService tokens, CreateTokenRequest request, CancellationToken ct) =>
        {
            var created = await tokens.CreateAsync(user, request.Name, request.ExpiresInDays, ct);
            return Results.Created($"/api/me/tokens/{created.Token.Id}",
                new CreateTokenResponse(created.Token.Id, created.Token.Name, created.Secret, created.Token.ExpiresAt));
        }).WithSummary("Creates a token; the answer holds the secret, shown this once.");
        api.MapDelete("/tokens/{id:int}", async (ClaimsPrincipal user, ApiTokenService tokens, int id, CancellationToken ct) =>
        {
            await tokens.RevokeAsync(user, id, ct);
            return Results.NoContent();
        }).WithSummary("Revokes one of my tokens.");
    }

    /// <summary>Only paths of this site; anything else (another host, "//evil") goes home.</summary>
    public static string SafeReturnUrl(string? returnUrl) =>
        !string.IsNullOrEmpty(returnUrl) && returnUrl.StartsWith('/') && !returnUrl.StartsWith("//", StringComparison.Ordinal)
            && !returnUrl.StartsWith("/\\", StringComparison.Ordinal) && !returnUrl.StartsWith("/account/sign", StringComparison.Ordinal)
            ? returnUrl
            : "/";
}
