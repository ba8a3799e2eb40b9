using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Hardening;

/// <summary>
/// Every kind of refusal, wherever it is decided, leaves one audit row of the same shape: a policy at the door (401,
/// 403), a rule in a service (403), something that is someone else's (404), and a page someone may not see.
/// </summary>
public sealed class RefusalAuditTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly List<DemoPerson> Eu = [.. World.People.Where(p => p.TeamSlug == "billing-support-eu" && p.Role == PortalRole.Engineer)];
    private static readonly DemoPerson UsEngineer = World.People.First(p => p.TeamSlug == "billing-support-us" && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson UsManager = World.People.Single(p => p.TeamSlug == "billing-support-us" && p.Role == PortalRole.Manager);
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task APolicyRefusalAtTheDoorIsAudited()
    {
        using var engineer = await _portal.SignedInClientAsync(UsEngineer.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.GetAsync(Url("/api/audit"), Ct)).StatusCode);
        await AssertAuditedAsync(UsEngineer.Handle, "GET /api/audit", "lacks the required role");

        using var anonymous = _portal.AnonymousClient();
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync(Url("/api/incidents"), Ct)).StatusCode);
        await AssertAuditedAsync("anonymous", "GET /api/incidents", "not signed in");
    }

    [Fact]
    public async Task AServiceRuleRefusalIsAudited()
    {
        using var usManager = await _portal.SignedInClientAsync(UsManager.Handle);
        var eu = await EuScheduleAsync();
        var response = await usManager.DeleteAsync(Url($"/api/schedules/{eu}"), Ct);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        await AssertAuditedAsync(UsManager.Handle, $"schedule {eu}", "team managers");
    }

    [Fact]
    public async Task AnEngineerClosingAnotherTeamsActionItemIsRefusedAndAudited()
    {
        using var author = await _portal.SignedInClientAsync(Eu[0].Handle);
        var incident = (await (await author.PostJsonAsync("/api/incidents", new { title = "Tax PDFs late", service = "invoicing" })).JsonAsync()).GetProperty("key").GetString();
        var rca = (await (await author.PostJsonAsync("/api/rcas", new { title = "Tax PDFs late", incidents = new[] { incident } })).JsonAsync()).GetProperty("id").GetInt32();
        var item = (await (await author.PostJsonAsync($"/api/rcas/{rca}/action-items", new { title = "Add a retry", owner = Eu[1].Handle, dueDate = "2026-12-31" })).JsonAsync()).GetProperty("id").GetInt32();

        using var outsider = await _portal.SignedInClientAsync(UsEngineer.Handle);
        var response = await outsider.PostJsonAsync($"/api/action-items/{item}/close", new { verification = "looks fine to me" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertAuditedAsync(UsEngineer.Handle, $"action item #{item}", "owner");
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(Portal.Shared.Rca.ActionStatus.Open, (await db.ActionItems.SingleAsync(a => a.Id == item, Ct)).Status);
    }

    [Fact]
    public async Task SomeoneElsesTokenFeedAndNotificationAreNotFoundAndAudited()
    {
        using var owner = await _portal.SignedInClientAsync(Eu[0].Handle);
        var token = (await (await owner.PostJsonAsync("/api/me/tokens", new { name = "mine" })).JsonAsync()).GetProperty("id").GetInt32();
        var feed = (await (await owner.PostJsonAsync("/api/calendar-feeds", new { })).JsonAsync()).GetProperty("id").GetInt32();
        long notification;
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var ownerId = await db.People.Where(p => p.Handle == Eu[0].Handle).Select(p => p.Id).SingleAsync(Ct);
            var row = new Portal.Shared.OnCall.Notification { PersonId = ownerId, Kind = Portal.Shared.OnCall.NotificationKind.Override, Title = "Yours", CreatedAt = _portal.Clock.GetUtcNow() };
            db.Notifications.Add(row);
            await db.SaveChangesAsync(Ct);
            notification = row.Id;
        }

        using var other = await _portal.SignedInClientAsync(UsEngineer.Handle);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync(Url($"/api/me/tokens/{token}"), Ct)).StatusCode);
        await AssertAuditedAsync(UsEngineer.Handle, $"token {token}", "not yours");
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync(Url($"/api/calendar-feeds/{feed}"), Ct)).StatusCode);
        await AssertAuditedAsync(UsEngineer.Handle, $"calendar feed #{feed}", "not yours");
        Assert.Equal(HttpStatusCode.NotFound, (await other.PostAsync(Url($"/api/notifications/read?id={notification}"), null, Ct)).StatusCode);
        await AssertAuditedAsync(UsEngineer.Handle, $"notification #{notification}", "not yours");
    }

    [Fact]
    public async Task ACoachingPageOpenedFromOutsideTheChainShowsAccessDeniedAndIsAudited()
    {
        using var outsider = await _portal.SignedInClientAsync(UsEngineer.Handle);
        var html = await outsider.GetStringAsync(Url($"/team/{Eu[0].Handle}/one-on-ones"), Ct);

        Assert.Contains("data-testid=\"access-denied\"", html, StringComparison.Ordinal);
        Assert.Contains("1:1s are private", html, StringComparison.Ordinal);
        await AssertAuditedAsync(UsEngineer.Handle, $"/team/{Eu[0].Handle}/one-on-ones", "private");
    }

    [Fact]
    public async Task APersonOpeningTheirOwnSectionsIsNeverRefusedNorRecordedAsRefused()
    {
        using var self = await _portal.SignedInClientAsync(Eu[0].Handle);
        foreach (var section in new[] { "one-on-ones", "plans", "reviews", "onboarding" })
        {
            var html = await self.GetStringAsync(Url($"/team/{Eu[0].Handle}/{section}"), Ct);
            Assert.DoesNotContain("data-testid=\"access-denied\"", html, StringComparison.Ordinal);
        }
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.AccessDenied && a.Actor == Eu[0].Handle, Ct));
    }

    [Fact]
    public async Task ACoachingRecordAskedForOverTheApiFromOutsideTheChainIsAudited()
    {
        using var outsider = await _portal.SignedInClientAsync(UsEngineer.Handle);
        Assert.Equal(HttpStatusCode.NotFound, (await outsider.GetAsync(Url($"/api/people/{Eu[0].Handle}/plans"), Ct)).StatusCode);
        await AssertAuditedAsync(UsEngineer.Handle, Eu[0].Handle, "reporting chain");
    }

    private async Task<int> EuScheduleAsync()
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var team = await db.Teams.Where(t => t.Slug == "billing-support-eu").Select(t => t.Id).SingleAsync(Ct);
        return await db.Schedules.Where(s => s.TeamId == team).Select(s => s.Id).FirstAsync(Ct);
    }

    private async Task AssertAuditedAsync(string actor, string target, string reason)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var rows = await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.AccessDenied && a.Actor == actor).ToListAsync(Ct);
        Assert.Contains(rows, r => r.Target!.Contains(target, StringComparison.Ordinal) && r.Detail!.Contains(reason, StringComparison.Ordinal)
            && r.At == _portal.Clock.GetUtcNow());
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
