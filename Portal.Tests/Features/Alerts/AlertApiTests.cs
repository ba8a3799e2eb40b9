using System.Net;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Alerts;

public sealed class AlertApiTests : IAsyncDisposable
{
    private const string Key = "99999999999999999999999999999999";
    private static readonly string Engineer = DemoWorld.Generate().People.First(p => p.Role == PortalRole.Engineer).Handle;
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Provisioning:Integrations:0:Name"] = "Synthetics",
        ["Provisioning:Integrations:0:Kind"] = "events-v2",
        ["Provisioning:Integrations:0:Key"] = Key,
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task SendAsync(HttpClient client, string action, string dedupKey) => EventsV2Sender.SendAsync(client, Key, action, dedupKey, $"check {dedupKey}");

    [Fact]
    public async Task AlertsAreListedNewestFirstWithTheirIncidentAndFilteredAndPaged()
    {
        using var monitor = _portal.AnonymousClient();
        for (var i = 0; i < 5; i++)
        {
            await SendAsync(monitor, "trigger", $"check-{i}");
        }
        await SendAsync(monitor, "resolve", "check-1");
        using var client = await _portal.SignedInClientAsync(Engineer);

        var all = await (await client.GetAsync(Url("/api/alerts"), Ct)).JsonAsync();
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.Equal(["check-4", "check-3", "check-2", "check-1", "check-0"], items.Select(a => a.GetProperty("dedupKey").GetString()));
        Assert.All(items, a => Assert.Matches("^INC-[0-9]+$", a.GetProperty("incident").GetString()));
        Assert.Equal("Synthetics", items[0].GetProperty("integration").GetString());

        var resolved = await (await client.GetAsync(Url("/api/alerts?status=resolved"), Ct)).JsonAsync();
        Assert.Equal(["check-1"], resolved.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("dedupKey").GetString()));
        Assert.Equal("Resolved", resolved.GetProperty("items")[0].GetProperty("status").GetString());

        var byKey = await (await client.GetAsync(Url("/api/alerts?dedupKey=check-3&integration=synthetics"), Ct)).JsonAsync();
        var incident = byKey.GetProperty("items")[0].GetProperty("incident").GetString();
        var byIncident = await (await client.GetAsync(Url($"/api/alerts?incident={incident}"), Ct)).JsonAsync();
        Assert.Equal(["check-3"], byIncident.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("dedupKey").GetString()));

        var first = await (await client.GetAsync(Url("/api/alerts?limit=2"), Ct)).JsonAsync();
        var cursor = first.GetProperty("nextCursor").GetString();
        await SendAsync(monitor, "trigger", "check-new");
        var second = await (await client.GetAsync(Url($"/api/alerts?limit=2&cursor={cursor}"), Ct)).JsonAsync();
        Assert.Equal(["check-2", "check-1"], second.GetProperty("items").EnumerateArray().Select(a => a.GetProperty("dedupKey").GetString()));
    }

    [Fact]
    public async Task BadFiltersAreA400NamingEachAndAnonymousCallersAre401()
    {
        using var client = await _portal.SignedInClientAsync(Engineer);
        using var anonymous = _portal.AnonymousClient();

        var bad = await client.GetAsync(Url("/api/alerts?status=burning&incident=yesterday&cursor=abc&limit=0"), Ct);
        var unauthenticated = await anonymous.GetAsync(Url("/api/alerts"), Ct);

        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.JsonAsync()).GetProperty("errors");
        Assert.All(new[] { "status", "incident", "cursor", "limit" }, f => Assert.True(errors.TryGetProperty(f, out _), f));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthenticated.StatusCode);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
