using System.Net;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using static Portal.Tests.Support.HttpExtensions;
using Portal.Features.Directory;

namespace Portal.Tests.Features.Team;

/// <summary>
/// Who may read and change whose coaching records, over every Team endpoint and page: the person, their manager,
/// another team's manager, a teammate, the head of support (above everyone) and an admin outside every chain.
/// Records addressed by id that the caller may not see answer exactly like records that do not exist, and are audited.
/// </summary>
public sealed class CoachingAuthorisationTests(CoachingWorld world) : IClassFixture<CoachingWorld>
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static readonly string[] Viewers = ["self", "manager", "other-manager", "peer", "head", "outside-admin"];

    // Expected status per viewer, in the order of Viewers.
    private static readonly (string Path, int[] Expected)[] Reads =
    [
        ("/api/people/{E}/record", [200, 200, 404, 404, 200, 200]),
        ("/api/people/{E}/one-on-ones", [200, 200, 404, 404, 200, 404]),
        ("/api/people/{E}/plans", [200, 200, 404, 404, 200, 404]),
        ("/api/people/{E}/reviews", [200, 200, 404, 404, 200, 200]),
        ("/api/people/{E}/reviews/{rid}", [200, 200, 404, 404, 200, 404]),
        ("/api/reviews/{rid}", [200, 200, 404, 404, 200, 404]),
        ("/api/people/{E}/onboarding", [200, 200, 404, 404, 200, 404]),
        ("/api/team/health", [403, 200, 200, 403, 200, 200]),
    ];

    public static TheoryData<string, string, int> ReadCases()
    {
        var data = new TheoryData<string, string, int>();
        foreach (var (path, expected) in Reads)
        {
            for (var i = 0; i < Viewers.Length; i++)
            {
                data.Add(Viewers[i], path, expected[i]);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ReadCases))]
    public async Task EveryReadAnswersOnlyThoseAllowed(string viewer, string path, int expected)
    {
        var client = await world.ClientAsync(CoachingWorld.HandleOf(viewer));
        var before = await DeniedCountAsync(viewer);
        var response = await client.GetAsync(Url(world.Fill(path)), Ct);

        Assert.Equal((HttpStatusCode)expected, response.StatusCode);
        if (expected == 404)
        {
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(before + 1, await DeniedCountAsync(viewer));
        }
    }

    // Changes by id (IDOR): none of these callers relates to the target, so each must be refused as "not found".
    private static readonly (string Method, string Path, string Body)[] Writes =
    [
        ("PUT", "/api/one-on-ones/meetings/{mid}/notes", """{"text":"mine now","version":1}"""),
        ("PUT", "/api/one-on-ones/meetings/{mid}/private-note", """{"text":"mine now"}"""),
        ("POST", "/api/one-on-ones/{sid}/agenda", """{"text":"mine now"}"""),
        ("POST", "/api/one-on-ones/meetings/{mid}/complete", "{}"),
        ("POST", "/api/people/{E}/one-on-ones", """{"cadenceDays":14}"""),
        ("POST", "/api/people/{E}/plans", """{"title":"mine now"}"""),
        ("POST", "/api/plans/{pid}/goals", """{"competency":"Mentoring","title":"mine now"}"""),
        ("POST", "/api/plan-goals/{gid}/updates", """{"text":"mine now","progress":90}"""),
        ("POST", "/api/plan-goals/{gid}/evidence", """{"kind":"Link","reference":"https://example.com"}"""),
        ("PUT", "/api/reviews/{rid}/self", """{"ratings":{},"text":"mine now","version":1}"""),
        ("PUT", "/api/reviews/{rid}/manager", """{"ratings":{},"text":"mine now","version":1}"""),
        ("POST", "/api/reviews/{rid}/sign-off", "{}"),
        ("POST", "/api/reviews/{rid}/peers", """{"peer":"grace.coleman"}"""),
        ("PUT", "/api/onboarding-steps/{tid}/done", """{"done":true}"""),
        ("POST", "/api/people/{E}/onboarding", """{"templateId":1}"""),
    ];

    public static TheoryData<string, string, string, string> WriteCases()
    {
        var data = new TheoryData<string, string, string, string>();
        foreach (var viewer in new[] { "other-manager", "peer", "outside-admin" })
        {
            foreach (var (method, path, body) in Writes)
            {
                data.Add(viewer, method, path, body);
            }
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(WriteCases))]
    public async Task ChangingAnotherPersonsRecordsByIdIsNotFoundAndAudited(string viewer, string method, string path, string body)
    {
        var client = await world.ClientAsync(CoachingWorld.HandleOf(viewer));
        var before = await DeniedCountAsync(viewer);
        using var request = new HttpRequestMessage(new HttpMethod(method), Url(world.Fill(path))) { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        var response = await client.SendAsync(request, Ct);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal(before + 1, await DeniedCountAsync(viewer));
        await using var db = await world.Portal.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.OneOnOneItems.AnyAsync(i => i.Text == "mine now", Ct));
        Assert.False(await db.Plans.AnyAsync(p => p.Title == "mine now", Ct));
        Assert.False(await db.Reviews.AnyAsync(r => r.SelfText == "mine now" || r.ManagerText == "mine now", Ct));
        Assert.False(await db.OneOnOneMeetings.AnyAsync(m => m.SharedNotes == "mine now", Ct));
    }

    [Theory]
    [InlineData("/api/reviews/999999")]
    [InlineData("/api/one-on-ones/meetings/999999/complete")]
    [InlineData("/api/plans/999999/goals")]
    public async Task ARecordThatDoesNotExistLooksExactlyLikeOneYouMayNotSee(string path)
    {
        var client = await world.ClientAsync(CoachingWorld.Peer.Handle);
        var method = path.StartsWith("/api/reviews", StringComparison.Ordinal) ? HttpMethod.Get : HttpMethod.Post;
        using var missing = new HttpRequestMessage(method, Url(path)) { Content = new StringContent("""{"competency":"Mentoring","title":"x"}""", Encoding.UTF8, "application/json") };
        var real = path.Replace("999999", path.Contains("reviews") ? $"{world.Review}" : path.Contains("meetings") ? $"{world.Meeting}" : $"{world.Plan}", StringComparison.Ordinal);
        using var hidden = new HttpRequestMessage(method, Url(real)) { Content = new StringContent("""{"competency":"Mentoring","title":"x"}""", Encoding.UTF8, "application/json") };

        var a = await client.SendAsync(missing, Ct);
        var b = await client.SendAsync(hidden, Ct);

        Assert.Equal(HttpStatusCode.NotFound, a.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, b.StatusCode);
        var (ta, tb) = ((await a.JsonAsync()).GetProperty("title").GetString(), (await b.JsonAsync()).GetProperty("title").GetString());
        Assert.Equal(ta, tb);
    }

    [Fact]
    public async Task PrivateNotesAreReadOnlyByTheirWriter()
    {
        var manager = await world.ClientAsync(CoachingWorld.OwnManager.Handle);
        var saved = await manager.SendAsync(new HttpRequestMessage(HttpMethod.Put, Url($"/api/one-on-ones/meetings/{world.Meeting}/private-note"))
        {
            Content = new StringContent("""{"text":"Thinking about a promotion case."}""", Encoding.UTF8, "application/json"),
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);

        async Task<string> SeriesJsonAsync(string handle) =>
            await (await (await world.ClientAsync(handle)).GetAsync(Url($"/api/people/{CoachingWorld.Target.Handle}/one-on-ones"), Ct)).Content.ReadAsStringAsync(Ct);

        Assert.Contains("Thinking about a promotion case.", await SeriesJsonAsync(CoachingWorld.OwnManager.Handle), StringComparison.Ordinal);
        Assert.DoesNotContain("Thinking about a promotion case.", await SeriesJsonAsync(CoachingWorld.Target.Handle), StringComparison.Ordinal);
        // The head of support is above the manager, and still does not read the manager's private notes.
        Assert.DoesNotContain("Thinking about a promotion case.", await SeriesJsonAsync(CoachingWorld.Head.Handle), StringComparison.Ordinal);

        var engineer = await world.ClientAsync(CoachingWorld.Target.Handle);
        var own = await engineer.SendAsync(new HttpRequestMessage(HttpMethod.Put, Url($"/api/one-on-ones/meetings/{world.Meeting}/private-note"))
        {
            Content = new StringContent("""{"text":"x"}""", Encoding.UTF8, "application/json"),
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, own.StatusCode);
    }

    [Fact]
    public async Task AManagerReadingAReportsNotesOrReviewIsAudited()
    {
        var manager = await world.ClientAsync(CoachingWorld.OwnManager.Handle);
        await using var db = await world.Portal.Db.CreateDbContextAsync(Ct);
        var before = await db.AuditEntries.CountAsync(a => a.Action == ReportingLines.ReadAction && a.Actor == CoachingWorld.OwnManager.Handle, Ct);

        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(Url($"/api/people/{CoachingWorld.Target.Handle}/one-on-ones"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(Url($"/api/reviews/{world.Review}"), Ct)).StatusCode);

        var rows = await db.AuditEntries.Where(a => a.Action == ReportingLines.ReadAction && a.Actor == CoachingWorld.OwnManager.Handle).OrderBy(a => a.Id).Skip(before).ToListAsync(Ct);
        Assert.Equal([$"1:1 notes of {CoachingWorld.Target.Handle}", $"review {world.Review} of {CoachingWorld.Target.Handle}"], rows.Select(r => r.Target));
        // Reading one's own records is not an event worth a row.
        var self = await world.ClientAsync(CoachingWorld.Target.Handle);
        await self.GetAsync(Url($"/api/people/{CoachingWorld.Target.Handle}/one-on-ones"), Ct);
        Assert.False(await db.AuditEntries.AnyAsync(a => a.Action == ReportingLines.ReadAction && a.Actor == CoachingWorld.Target.Handle, Ct));
    }

    // Pages: what the server renders for each viewer (the same services decide). A section asked for by its address that
    // the viewer may not see is the access-denied page (audited), not another section or an empty page.
    public static TheoryData<string, string, string, string?> PageCases() => new()
    {
        { "self", "/team/{E}/one-on-ones", "data-testid=\"oneonone-series\"", null },
        { "manager", "/team/{E}/one-on-ones", "data-testid=\"oneonone-series\"", null },
        { "other-manager", "/team/{E}/one-on-ones", "data-testid=\"access-denied\"", "oneonone-series" },
        { "peer", "/team/{E}/plans", "data-testid=\"access-denied\"", "data-testid=\"plan\"" },
        { "outside-admin", "/team/{E}/plans", "data-testid=\"access-denied\"", "data-testid=\"plan\"" },
        { "peer", "/team/{E}", "data-testid=\"person-private\"", "data-testid=\"plan\"" },
        { "manager", "/team/{E}/plans", "data-testid=\"plan\"", null },
        { "self", "/team/reviews/{rid}", "data-testid=\"review-title\"", null },
        { "manager", "/team/reviews/{rid}", "data-testid=\"review-title\"", null },
        { "other-manager", "/team/reviews/{rid}", "data-testid=\"review-missing\"", "review-title" },
        { "peer", "/team/reviews/{rid}", "data-testid=\"review-missing\"", "review-title" },
        { "outside-admin", "/team/reviews/{rid}", "data-testid=\"review-missing\"", "review-title" },
        { "outside-admin", "/team/{E}/reviews", "data-testid=\"person-reviews\"", "open-review" },
        { "self", "/team/{E}/onboarding", "data-testid=\"onboarding-progress\"", null },
        { "peer", "/team/{E}/onboarding", "data-testid=\"access-denied\"", "onboarding-step" },
        { "manager", "/team/health", "data-testid=\"health-load\"", null },
    };

    [Theory]
    [MemberData(nameof(PageCases))]
    public async Task EveryPageShowsOnlyWhatTheViewerMaySee(string viewer, string path, string shown, string? hidden)
    {
        var client = await world.ClientAsync(CoachingWorld.HandleOf(viewer));
        var response = await client.GetAsync(Url(world.Fill(path)), Ct);
        var html = await response.Content.ReadAsStringAsync(Ct);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(shown, html, StringComparison.Ordinal);
        if (hidden is not null)
        {
            Assert.DoesNotContain(hidden, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task TeamHealthIsAManagersPage()
    {
        var engineer = await world.ClientAsync(CoachingWorld.Peer.Handle);
        var page = await engineer.GetAsync(Url("/team/health"), Ct);

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/denied", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    private async Task<int> DeniedCountAsync(string viewer)
    {
        await using var db = await world.Portal.Db.CreateDbContextAsync(Ct);
        var handle = CoachingWorld.HandleOf(viewer);
        return await db.AuditEntries.CountAsync(a => a.Action == AuditActions.AccessDenied && a.Actor == handle, Ct);
    }
}
