using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Cases;

public sealed class AdvertiserApiTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Engineer = World.People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Manager = World.People.First(p => p.Region == RegionCode.JP && p.Role == PortalRole.Manager);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static object Body(string accountId = "ACC-900001") => new
    {
        accountId, name = "Hikari Tea KK", region = "JP", marketplace = "amazon.co.jp", language = "ja", tier = "Managed",
        billingEmails = new[] { "Billing@Hikari-Tea.example", "finance@hikari-tea.example" }, monthlySpendUsd = 120000.50m,
    };

    [Fact]
    public async Task AManagerAddsAnAdvertiserAndEveryoneReadsIt()
    {
        using var manager = await _portal.SignedInClientAsync(Manager.Handle);
        var response = await manager.PostJsonAsync("/api/advertisers", Body());
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        Assert.Equal("Asia/Tokyo", created.GetProperty("timeZone").GetString());
        Assert.Equal(["billing@hikari-tea.example", "finance@hikari-tea.example"], created.GetProperty("billingEmails").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("Managed", created.GetProperty("tier").GetString());

        using var engineer = await _portal.SignedInClientAsync(Engineer.Handle);
        var read = await (await engineer.GetAsync(Url("/api/advertisers/ACC-900001"), Ct)).JsonAsync();
        Assert.Equal("Hikari Tea KK", read.GetProperty("name").GetString());
        var search = await (await engineer.GetAsync(Url("/api/advertisers?q=hikari+tea&region=JP"), Ct)).JsonAsync();
        Assert.Single(search.GetProperty("items").EnumerateArray());

        var changed = await manager.PutJsonAsync("/api/advertisers/ACC-900001", new { name = "Hikari Tea GK", region = "JP", tier = "SelfServe" });
        Assert.Equal(HttpStatusCode.OK, changed.StatusCode);
        Assert.Equal("SelfServe", (await changed.JsonAsync()).GetProperty("tier").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostJsonAsync("/api/advertisers", Body())).StatusCode);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnEngineerCannotAddOrChangeAdvertisersAndTheRefusalIsAudited()
    {
        using var engineer = await _portal.SignedInClientAsync(Engineer.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostJsonAsync("/api/advertisers", Body())).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PutJsonAsync($"/api/advertisers/{DemoAdvertisers.AccountId(0)}", Body(DemoAdvertisers.AccountId(0)))).StatusCode);
        await using var db = _portal.OpenContext();
        Assert.False(await db.Advertisers.AnyAsync(a => a.AccountId == "ACC-900001", Ct));
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Action == Portal.Shared.Admin.AuditActions.AccessDenied && a.Target!.StartsWith("advertiser"), Ct));
    }

    [Fact]
    public async Task BadInputIsA400NamingEachFieldAndWritesNothing()
    {
        using var manager = await _portal.SignedInClientAsync(Manager.Handle);
        var response = await manager.PostJsonAsync("/api/advertisers", new
        {
            accountId = "no spaces allowed", name = "", region = "UK", tier = "2", timeZone = "Mars/Olympus", billingEmails = new[] { "not-an-address" },
            monthlySpendUsd = -5,
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "accountId", "name", "region", "tier", "timeZone", "billingEmails", "monthlySpendUsd" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        var nullInArray = await manager.PostJsonAsync("/api/advertisers", new { accountId = "ACC-900002", name = "X", region = "US", billingEmails = new string?[] { null } });
        Assert.Equal(HttpStatusCode.BadRequest, nullInArray.StatusCode);
        await using var db = _portal.OpenContext();
        Assert.Equal(DemoAdvertisers.Count, await db.Advertisers.CountAsync(Ct));
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
