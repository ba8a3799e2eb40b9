using System.Net;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Infrastructure;

public class RateLimitTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TooManyApiCallsGet429WithRetryAfterAndTheReason()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["RateLimits:ApiPerMinute"] = "3",
            ["Provisioning:ApiTokens:0:Token"] = "rate-limited-robot-token",
            ["Provisioning:ApiTokens:0:User"] = "grace.coleman@portal.example",
        });
        using var client = portal.AnonymousClient();
        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetWithTokenAsync("/api/me", "rate-limited-robot-token")).StatusCode);
        }

        var limited = await client.GetWithTokenAsync("/api/me", "rate-limited-robot-token");
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.True(limited.Headers.RetryAfter?.Delta > TimeSpan.Zero);
        Assert.Contains("try again in", (await limited.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        // Someone else has their own budget.
        using var other = await portal.SignedInClientAsync("isla.evans");
        Assert.Equal(HttpStatusCode.OK, (await other.GetAsync(Url("/api/me"), Ct)).StatusCode);
    }

    [Fact]
    public async Task RepeatedSignInAttemptsFromOneAddressAreLimited()
    {
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?> { ["RateLimits:SignInPerMinute"] = "2" });
        using var client = portal.AnonymousClient();
        await client.GetAsync(Url("/account/demo?as=nobody.one"), Ct);
        await client.GetAsync(Url("/account/demo?as=nobody.two"), Ct);

        var limited = await client.GetAsync(Url("/account/demo?as=grace.coleman"), Ct);
        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.NotNull(limited.Headers.RetryAfter);
    }
}
