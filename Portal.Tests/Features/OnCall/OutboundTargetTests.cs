using System.Net;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Tests.Support;
using Portal.Features.Notifications;

namespace Portal.Tests.Features.OnCall;

/// <summary>Outbound calls cannot be aimed inside the network, and generic webhooks are signed.</summary>
public sealed class OutboundTargetTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson Engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
    private readonly WebhookListener _hook = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PortalFactory Portal(bool allowLoopback) => new(settings: new Dictionary<string, string?>
    {
        ["Notifications:AllowedOutboundRanges:0"] = allowLoopback ? "127.0.0.0/8" : "",
        ["Notifications:FirstRetryDelay"] = "00:00:00.050",
        ["Notifications:MaxAttempts"] = "2",
    });

    [Theory]
    [InlineData("http://127.0.0.1:9/hook")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://localhost:8080/hook")]
    [InlineData("http://[::1]/hook")]
    [InlineData("http://10.0.0.5/hook")]
    [InlineData("https://192.168.1.20/hook")]
    [InlineData("http://[::ffff:127.0.0.1]/hook")]
    public async Task ATargetInsideTheNetworkIsRefusedWhenSaved(string target)
    {
        await using var portal = Portal(allowLoopback: false);
        using var engineer = await portal.SignedInClientAsync(Engineer.Handle);
        var response = await engineer.PostJsonAsync("/api/notifications/channels", new { kind = "Webhook", name = "Inward", target });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.True((await response.JsonAsync()).GetProperty("errors").TryGetProperty("target", out _));
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.Channels.AnyAsync(Ct));
    }

    [Fact]
    public async Task ANameThatResolvesInsideTheNetworkIsRefusedWhenSaved()
    {
        // The machine's own name resolves to one of its own addresses (127.0.1.1, or a private one).
        var host = Dns.GetHostName();
        var addresses = await Dns.GetHostAddressesAsync(host, Ct);
        Assert.True(addresses.Any(a => new OutboundAddresses().WhyNot(a) is not null), $"{host} resolves to {string.Join(", ", addresses.Select(a => a.ToString()))}; this test needs a name that resolves inward");
        await using var portal = Portal(allowLoopback: false);
        using var engineer = await portal.SignedInClientAsync(Engineer.Handle);

        var response = await engineer.PostJsonAsync("/api/notifications/channels", new { kind = "Slack", name = "Inward", target = $"http://{host}:{_hook.Port}/hook" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("resolves to", await response.ProblemTextAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ATargetThatPointsInwardWhenCalledIsRefusedAndTheDeliveryFails()
    {
        await using var portal = Portal(allowLoopback: false);
        // As if the name had resolved outward when it was saved and inward now: stored directly, past the save check.
        await using (var db = await portal.Db.CreateDbContextAsync(Ct))
        {
            var person = await db.People.SingleAsync(p => p.Handle == Engineer.Handle, Ct);
            db.Channels.Add(new NotificationChannel { PersonId = person.Id, Kind = ChannelKind.Slack, Name = "Rebound", Target = $"http://{Dns.GetHostName()}:{_hook.Port}/hook", CreatedAt = portal.Clock.GetUtcNow() });
            await db.SaveChangesAsync(Ct);
        }
        await NotifyEngineerAsync(portal);

        var delivery = await SettledAsync(portal);
        Assert.Equal(DeliveryState.Failed, delivery.State);
        Assert.Contains("Refused to call", delivery.LastError, StringComparison.Ordinal);
        Assert.Empty(_hook.Requests);
    }

    [Fact]
    public async Task AGenericWebhookIsSignedWithTheSecretShownOnceWhenItWasMade()
    {
        await using var portal = Portal(allowLoopback: true);
        using var engineer = await portal.SignedInClientAsync(Engineer.Handle);
        var created = await (await engineer.PostJsonAsync("/api/notifications/channels", new { kind = "Webhook", name = "Signed", target = _hook.Url() })).JsonAsync();
        var secret = created.GetProperty("secret").GetString()!;
        var listed = await (await engineer.GetAsync(HttpExtensions.Url("/api/notifications/channels"), Ct)).JsonAsync();

        await NotifyEngineerAsync(portal);
        var delivery = await SettledAsync(portal);

        Assert.Equal(DeliveryState.Delivered, delivery.State);
        Assert.All(listed.EnumerateArray(), c => Assert.Equal(System.Text.Json.JsonValueKind.Null, c.GetProperty("secret").ValueKind));
        var (_, body, _) = Assert.Single(_hook.Requests);
        var signature = Assert.Single(_hook.Signatures);
        Assert.True(WebhookSignature.Verify(secret, signature, body, portal.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)), signature);
        Assert.False(WebhookSignature.Verify(secret, signature, body + " ", portal.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        Assert.False(WebhookSignature.Verify("another secret", signature, body, portal.Clock.GetUtcNow(), TimeSpan.FromMinutes(5)));
        await using var db = await portal.Db.CreateDbContextAsync(Ct);
        var stored = await db.Channels.SingleAsync(Ct);
        Assert.NotEqual(secret, stored.Secret);
        Assert.Equal(secret, portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(ChannelSender.SecretPurpose).Unprotect(stored.Secret!));
    }

    /// <summary>The manager puts the engineer on call: the engineer is notified, through their channels too.</summary>
    private static async Task NotifyEngineerAsync(PortalFactory portal)
    {
        using var manager = await portal.SignedInClientAsync(EuManager.Handle);
        int schedule;
        await using (var db = await portal.Db.CreateDbContextAsync(Ct))
        {
            var team = await db.Teams.Where(t => t.Slug == "billing-support-eu").Select(t => t.Id).SingleAsync(Ct);
            schedule = await db.Schedules.Where(s => s.TeamId == team).Select(s => s.Id).FirstAsync(Ct);
        }
        var start = portal.Clock.GetUtcNow().AddDays(3);
        var response = await manager.PostJsonAsync("/api/overrides", new { scheduleId = schedule, person = Engineer.Handle, start, end = start.AddHours(4), reason = "cover" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    private static async Task<Delivery> SettledAsync(PortalFactory portal)
    {
        for (var i = 0; i < 600; i++)
        {
            await using var db = await portal.Db.CreateDbContextAsync(Ct);
            if (await db.Deliveries.AsNoTracking().SingleOrDefaultAsync(Ct) is { State: not DeliveryState.Pending } done)
            {
                return done;
            }
            portal.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20, Ct);
        }
        Assert.Fail("the delivery did not settle");
        return null!;
    }

    public ValueTask DisposeAsync() => _hook.DisposeAsync();
}
