using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Cases;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Cases;

/// <summary>The weekly sample lands in reviewers' queues, never their own; reviews score on the scorecard, are disputed once, and roll up.</summary>
public sealed class QualityTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Engineer = World.People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Peer = World.People.Last(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Manager = World.People.Single(p => p.Handle == Engineer.ManagerHandle);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheWeeksSampleGoesToTheManagerWhoScoresItAndTheEngineerMayDisputeOnce()
    {
        using var engineer = await _portal.SignedInClientAsync(Engineer.Handle);
        // Last week (the portal's clock starts on Friday 20 November 2026): three solved cases of the engineer's.
        for (var i = 0; i < 3; i++)
        {
            var key = (await (await engineer.PostJsonAsync("/api/cases", new { advertiser = DemoAdvertisers.AccountId(i), subject = $"Case {i}", assignee = Engineer.Handle })).JsonAsync())
                .GetProperty("key").GetString();
            await engineer.PostJsonAsync($"/api/cases/{key}/replies", new { body = "Done.", then = "Solved" });
        }
        var monday = new DateOnly(2026, 11, 16);
        using (var scope = _portal.Services.CreateScope())
        {
            var quality = scope.ServiceProvider.GetRequiredService<QualityService>();
            Assert.True(await quality.DrawSampleAsync(monday, 1, Ct) >= 1);
            Assert.Equal(0, await quality.DrawSampleAsync(monday, 1, Ct));
        }
        await using (var db = _portal.OpenContext())
        {
            var reviews = await db.QualityReviews.ToListAsync(Ct);
            Assert.NotEmpty(reviews);
            Assert.All(reviews, r => Assert.NotEqual(r.EngineerId, r.ReviewerId));
            var managerId = await db.People.Where(p => p.Handle == Manager.Handle).Select(p => p.Id).SingleAsync(Ct);
            Assert.True(reviews.Any(r => r.ReviewerId == managerId), $"reviewers {string.Join(",", reviews.Select(r => r.ReviewerId))}, manager {managerId}");
        }

        using var manager = await _portal.SignedInClientAsync(Manager.Handle);
        using var peer = await _portal.SignedInClientAsync(Peer.Handle);
        var queue = await (await manager.GetAsync(Url("/api/quality/queue"), Ct)).JsonAsync();
        var id = queue.EnumerateArray().First().GetProperty("id").GetInt64();
        var ratings = QualityRules.DefaultCategories.Select(c => new { category = c.Name, rating = c.Name == "Accuracy" ? "Partly" : "Met" }).ToArray();
        // Not the engineer, not someone else: only the reviewer it was assigned to.
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostJsonAsync($"/api/quality/reviews/{id}", new { ratings })).StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, (await peer.PostJsonAsync($"/api/quality/reviews/{id}", new { ratings })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostJsonAsync($"/api/quality/reviews/{id}", new { ratings = ratings.Take(2) })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.PostJsonAsync($"/api/quality/reviews/{id}", new { ratings = new[] { new { category = "Tone", rating = "3" } } })).StatusCode);
        var done = await (await manager.PostJsonAsync($"/api/quality/reviews/{id}", new { ratings, comment = "Good." })).JsonAsync();
        Assert.Equal(85, done.GetProperty("score").GetDouble());
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostJsonAsync($"/api/quality/reviews/{id}", new { ratings })).StatusCode);

        var mine = await (await engineer.GetAsync(Url("/api/quality/mine"), Ct)).JsonAsync();
        Assert.Equal(id, mine.EnumerateArray().Single().GetProperty("id").GetInt64());
        Assert.Equal(HttpStatusCode.Forbidden, (await peer.PostJsonAsync($"/api/quality/reviews/{id}/dispute", new { body = "Not mine to dispute." })).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await engineer.PostJsonAsync($"/api/quality/reviews/{id}/dispute", new { body = "The refund policy changed that week." })).StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await engineer.PostJsonAsync($"/api/quality/reviews/{id}/dispute", new { body = "Again." })).StatusCode);

        _portal.Clock.Advance(TimeSpan.FromMinutes(1));
        var scores = await (await manager.GetAsync(Url("/api/quality/scores?by=engineer"), Ct)).JsonAsync();
        var score = scores.EnumerateArray().Single();
        Assert.Equal(Engineer.Name, score.GetProperty("key").GetString());
        Assert.Equal(85, score.GetProperty("mean").GetDouble());
        var byRegion = await (await manager.GetAsync(Url("/api/quality/scores?by=region"), Ct)).JsonAsync();
        Assert.Equal("EU", byRegion.EnumerateArray().Single().GetProperty("key").GetString());
        var record = await (await manager.GetAsync(Url($"/api/people/{Engineer.Handle}/record"), Ct)).JsonAsync();
        Assert.Equal(85, record.GetProperty("cases").GetProperty("qualityScore").GetDouble());
        await using var check = _portal.OpenContext();
        Assert.True(await check.AuditEntries.CountAsync(a => a.Action == AuditActions.AccessDenied && a.Target!.StartsWith("quality review"), Ct) >= 3);
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
