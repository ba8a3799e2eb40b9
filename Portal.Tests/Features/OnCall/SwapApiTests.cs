using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.OnCall;

public sealed class SwapApiTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson[] Eu = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU)];
    private static readonly DemoPerson UsEngineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.US);

    // Daily from Monday 2026-11-16 09:00 Dublin, Eu[0] then Eu[1]: Friday the 20th (the fake clock's day) is Eu[0]'s.
    private static readonly DateTimeOffset Noon = new(2026, 11, 20, 12, 0, 0, TimeSpan.Zero);

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private async Task<int> ScheduleAsync(bool approval)
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var response = await manager.PostJsonAsync("/api/schedules", new
        {
            name = "EU invoicing", team = DemoWorld.TeamSlug(RegionCode.EU), swapsNeedApproval = approval,
            layers = new[] { new { name = "Primary", members = new[] { Eu[0].Handle, Eu[1].Handle }, rotation = "Daily", handoff = "09:00", zone = "Europe/Dublin", startDate = "2026-11-16" } },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetInt32();
    }

    private static Task<HttpResponseMessage> AskAsync(HttpClient client, int schedule, string cover, DateTimeOffset start, DateTimeOffset end) =>
        client.PostJsonAsync("/api/swaps", new { scheduleId = schedule, cover, start, end, reason = "Dentist" });

    private async Task<string?> OnCallAtAsync(HttpClient client, int schedule, DateTimeOffset at)
    {
        var rows = await (await client.GetAsync(Url($"/api/oncall?at={Uri.EscapeDataString(at.ToString("O"))}"), Ct)).JsonAsync();
        return rows.EnumerateArray().Single(r => r.GetProperty("scheduleId").GetInt32() == schedule).GetProperty("person").GetProperty("handle").GetString();
    }

    private async Task<List<string>> NotificationsAsync(DemoPerson person)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Notifications.Where(n => n.Kind == NotificationKind.Swap && db.People.Any(p => p.Id == n.PersonId && p.Handle == person.Handle))
            .OrderBy(n => n.Id).Select(n => n.Title).ToListAsync(Ct);
    }

    [Fact]
    public async Task AnAcceptedSwapBecomesAnOverrideAndBothAreTold()
    {
        var schedule = await ScheduleAsync(approval: false);
        using var requester = await _portal.SignedInClientAsync(Eu[0].Handle);
        using var cover = await _portal.SignedInClientAsync(Eu[1].Handle);

        var asked = await AskAsync(requester, schedule, Eu[1].Handle, Noon, Noon.AddHours(4));
        Assert.Equal(HttpStatusCode.Created, asked.StatusCode);
        var swap = await asked.JsonAsync();
        Assert.Equal("Requested", swap.GetProperty("state").GetString());
        Assert.Contains($"{Eu[0].Name} asks you to cover EU invoicing", Assert.Single(await NotificationsAsync(Eu[1])), StringComparison.Ordinal);

        var mine = await (await cover.GetAsync(Url("/api/swaps"), Ct)).JsonAsync();
        Assert.True(Assert.Single(mine.EnumerateArray()).GetProperty("canAnswer").GetBoolean());

        // Only the teammate asked answers.
        Assert.Equal(HttpStatusCode.Forbidden, (await requester.PostJsonAsync($"/api/swaps/{swap.GetProperty("id").GetInt32()}/accept", new { })).StatusCode);
        var accepted = await cover.PostJsonAsync($"/api/swaps/{swap.GetProperty("id").GetInt32()}/accept", new { });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var done = await accepted.JsonAsync();
        Assert.Equal("Accepted", done.GetProperty("state").GetString());
        Assert.True(done.GetProperty("overrideId").GetInt32() > 0);

        Assert.Equal(Eu[1].Handle, await OnCallAtAsync(requester, schedule, Noon.AddHours(1)));
        Assert.Equal(Eu[0].Handle, await OnCallAtAsync(requester, schedule, Noon.AddHours(5)));
        Assert.Contains($"{Eu[1].Name} covers you on EU invoicing", Assert.Single(await NotificationsAsync(Eu[0])), StringComparison.Ordinal);

        var again = await cover.PostJsonAsync($"/api/swaps/{swap.GetProperty("id").GetInt32()}/decline", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
    }

    [Fact]
    public async Task WhereTheScheduleAsksForApprovalTheRequestersManagerDecides()
    {
        var schedule = await ScheduleAsync(approval: true);
        using var requester = await _portal.SignedInClientAsync(Eu[0].Handle);
        using var cover = await _portal.SignedInClientAsync(Eu[1].Handle);
        var id = (await (await AskAsync(requester, schedule, Eu[1].Handle, Noon, Noon.AddHours(4))).JsonAsync()).GetProperty("id").GetInt32();

        var accepted = await (await cover.PostJsonAsync($"/api/swaps/{id}/accept", new { })).JsonAsync();
        Assert.Equal("AwaitingApproval", accepted.GetProperty("state").GetString());
        Assert.Equal(Eu[0].Handle, await OnCallAtAsync(requester, schedule, Noon.AddHours(1)));
        Assert.Contains("waits for a manager's approval", Assert.Single(await NotificationsAsync(EuManager)), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.Forbidden, (await cover.PostJsonAsync($"/api/swaps/{id}/approve", new { })).StatusCode);
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var pending = await (await manager.GetAsync(Url("/api/swaps"), Ct)).JsonAsync();
        Assert.True(Assert.Single(pending.EnumerateArray()).GetProperty("canApprove").GetBoolean());
        var approved = await (await manager.PostJsonAsync($"/api/swaps/{id}/approve", new { })).JsonAsync();
        Assert.Equal("Accepted", approved.GetProperty("state").GetString());
        Assert.Equal(Eu[1].Handle, await OnCallAtAsync(requester, schedule, Noon.AddHours(1)));
        Assert.Contains("approved", (await NotificationsAsync(Eu[1]))[^1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task SwapsOfTimeYouDoNotHoldOrWithStrangersAreRefusedAndDeclinesAndWithdrawalsChangeNothing()
    {
        var schedule = await ScheduleAsync(approval: false);
        using var requester = await _portal.SignedInClientAsync(Eu[0].Handle);
        using var cover = await _portal.SignedInClientAsync(Eu[1].Handle);

        // Saturday 09:00 Dublin onwards is Eu[1]'s turn, not Eu[0]'s.
        var notMine = await AskAsync(requester, schedule, Eu[1].Handle, Noon.AddDays(1), Noon.AddDays(1).AddHours(2));
        Assert.Equal(HttpStatusCode.BadRequest, notMine.StatusCode);
        Assert.Contains("You are not on call on \"EU invoicing\"", await notMine.ProblemTextAsync(), StringComparison.Ordinal);

        var straddles = await AskAsync(requester, schedule, Eu[1].Handle, Noon.AddHours(18), Noon.AddHours(23));
        Assert.Contains("from 2026-11-21 09:00 to 2026-11-21 11:00 UTC; ask for the part you hold", await straddles.ProblemTextAsync(), StringComparison.Ordinal);

        var stranger = await AskAsync(requester, schedule, UsEngineer.Handle, Noon, Noon.AddHours(2));
        Assert.Contains("ask a teammate", await stranger.ProblemTextAsync(), StringComparison.Ordinal);
        var self = await AskAsync(requester, schedule, Eu[0].Handle, Noon, Noon.AddHours(2));
        Assert.Contains("you cannot cover your own shift", await self.ProblemTextAsync(), StringComparison.Ordinal);
        var inverted = await AskAsync(requester, schedule, Eu[1].Handle, Noon.AddHours(2), Noon);
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);

        var first = (await (await AskAsync(requester, schedule, Eu[1].Handle, Noon, Noon.AddHours(2))).JsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Conflict, (await AskAsync(requester, schedule, Eu[2].Handle, Noon.AddHours(1), Noon.AddHours(3))).StatusCode);
        var declined = await (await cover.PostJsonAsync($"/api/swaps/{first}/decline", new { })).JsonAsync();
        Assert.Equal("Declined", declined.GetProperty("state").GetString());
        Assert.Contains("declined", Assert.Single(await NotificationsAsync(Eu[0])), StringComparison.Ordinal);

        var second = (await (await AskAsync(requester, schedule, Eu[1].Handle, Noon, Noon.AddHours(2))).JsonAsync()).GetProperty("id").GetInt32();
        Assert.Equal("Cancelled", (await (await requester.PostJsonAsync($"/api/swaps/{second}/cancel", new { })).JsonAsync()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await cover.PostJsonAsync($"/api/swaps/{second}/accept", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await cover.PostJsonAsync($"/api/swaps/{second}/maybe", new { })).StatusCode);

        Assert.Equal(Eu[0].Handle, await OnCallAtAsync(requester, schedule, Noon.AddHours(1)));
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.Overrides.CountAsync(o => o.ScheduleId == schedule, Ct));
    }
}
