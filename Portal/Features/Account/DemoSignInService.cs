using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Features.Directory;

namespace Portal.Features.Account;

/// <summary>Demo sign-in: signs in as any seeded person, only where demo sign-in is on.</summary>
public sealed class DemoSignInService(SignInModes modes, PeopleService people, AuditWriter audit)
{
    public bool Enabled => modes.Demo;

    /// <summary>Signs <paramref name="handle"/> in with the cookie; null when done, else the reason.</summary>
    public async Task<string?> SignInAsync(HttpContext context, string handle)
    {
        if (!modes.Demo)
        {
            throw new AccessDeniedException("Demo sign-in is off.");
        }
        var person = await people.FindForSignInAsync(handle, context.RequestAborted);
        if (person is null)
        {
            return $"There is no one with the handle '{handle}'.";
        }
        var principal = new ClaimsPrincipal(PortalClaims.IdentityFor(person, CookieAuthenticationDefaults.AuthenticationScheme));
        await context.SignInAsync(CookieAuthenticationDefaults.AuthenticationScheme, principal);
        await audit.RecordAsync(principal, AuditActions.SignIn, detail: "demo sign-in", cancellationToken: context.RequestAborted);
        return null;
    }
}
