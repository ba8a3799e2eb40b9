using System.Globalization;
using System.Threading.RateLimiting;
using Portal.Infrastructure.Auth;

namespace Portal.Infrastructure.Web;

/// <summary>The <c>RateLimits</c> section: requests per minute.</summary>
public sealed class RateLimitOptions
{
    /// <summary>API calls per minute for one person or token (one address when anonymous).</summary>
    public int ApiPerMinute { get; set; } = 600;

    /// <summary>Sign-in attempts per minute from one address.</summary>
    public int SignInPerMinute { get; set; } = 30;

    /// <summary>Advertiser support pages (the form, case and survey links) per minute from one address.</summary>
    public int SupportPerMinute { get; set; } = 30;
}

/// <summary>Rate limits with 429 and Retry-After, through ASP.NET Core's rate limiter.</summary>
public static class RateLimits
{
    public const string Api = "api";
    public const string SignIn = "signin";
    public const string Support = "support";

    public static void AddPortalRateLimits(this WebApplicationBuilder builder)
    {
        var options = builder.Configuration.GetSection("RateLimits").Get<RateLimitOptions>() ?? new RateLimitOptions();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.AddPolicy(Api, context => RateLimitPartition.GetFixedWindowLimiter(
                CallerKey(context), _ => Window(options.ApiPerMinute)));
            limiter.AddPolicy(SignIn, context => RateLimitPartition.GetFixedWindowLimiter(
                "ip:" + context.Connection.RemoteIpAddress, _ => Window(options.SignInPerMinute)));
            limiter.AddPolicy(Support, context => RateLimitPartition.GetFixedWindowLimiter(
                "support:" + context.Connection.RemoteIpAddress, _ => Window(options.SupportPerMinute)));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromMinutes(1);
                var seconds = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds));
                var response = rejected.HttpContext.Response;
                response.StatusCode = StatusCodes.Status429TooManyRequests;
                response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
                await Results.Problem(
                    statusCode: StatusCodes.Status429TooManyRequests,
                    title: "Too many requests.",
                    detail: $"Slow down: try again in {seconds} s.").ExecuteAsync(rejected.HttpContext);
            };
        });
    }

    private static FixedWindowRateLimiterOptions Window(int perMinute) => new()
    {
        PermitLimit = Math.Max(1, perMinute),
        Window = TimeSpan.FromMinutes(1),
        QueueLimit = 0,
    };

    // A person shares one budget across their tokens and cookie; anonymous callers share one per address.
    private static string CallerKey(HttpContext context) =>
        context.User.GetPersonId() is { } person ? $"person:{person}" : $"ip:{context.Connection.RemoteIpAddress}";
}
