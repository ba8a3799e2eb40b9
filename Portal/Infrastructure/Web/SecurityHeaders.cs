using Portal.Infrastructure.Auth;

namespace Portal.Infrastructure.Web;

/// <summary>The Content-Security-Policy and friends, on every response.</summary>
internal static class SecurityHeaders
{
    public static void Apply(IHeaderDictionary headers, SignInModes modes)
    {
        // MudBlazor sets inline styles, so style-src needs 'unsafe-inline'; scripts come only from the portal itself.
        var formTargets = modes.Entra ? "'self' https://login.microsoftonline.com" : "'self'";
        headers.ContentSecurityPolicy =
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; " +
            "font-src 'self' data:; connect-src 'self' ws: wss:; frame-ancestors 'none'; base-uri 'self'; " +
            $"form-action {formTargets}; object-src 'none'";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin";
        headers.XFrameOptions = "DENY";
    }
}
