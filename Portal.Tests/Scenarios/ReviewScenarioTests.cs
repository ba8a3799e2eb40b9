using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Scenarios;

/// <summary>A review cycle on a fake clock: self-review, peer feedback, deadlines and reopening, the manager's review, sign-off, and who sees what when.</summary>
public sealed class ReviewScenarioTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson Head = World.People.First(p => p.Role == PortalRole.Admin);
    private static readonly DemoPerson[] Eu = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU && p.Level != "L6")];
    private static readonly DemoPerson Engineer = Eu[0];
    private static readonly DemoPerson Peer = Eu[1];
    private static readonly DemoPerson Late = Eu[2];
    private static readonly string[] Rated = ["OperationalExcellence", "TechnicalDepth", "IncidentLeadership", "Communication", "Mentoring"];

    private readonly PortalFactory _portal = new();
    private readonly Dictionary<string, HttpClient> _clients = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        await _portal.DisposeAsync();
    }

    private async Task<HttpClient> As(DemoPerson person)
    {
        if (!_clients.TryGetValue(person.Handle, out var client))
        {
            client = _clients[person.Handle] = await _portal.SignedInClientAsync(person.Handle);
        }
        return client;
    }

    /// <summary>Moves the clock; sign-in cookies do not outlive long jumps, so everyone signs in again.</summary>
    private void Advance(TimeSpan by)
    {
        _portal.Clock.Advance(by);
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        _clients.Clear();
    }

    private static Dictionary<string, int> All(int value) => Rated.ToDictionary(c => c, _ => value);

    private async Task<JsonElement> ReviewAsync(DemoPerson viewer, int id)
    {
        var response = await (await As(viewer)).GetAsync(Url($"/api/reviews/{id}"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await response.JsonAsync();
    }

    private async Task<HttpResponseMessage> PutAsync(DemoPerson viewer, string path, object body) => await (await As(viewer)).PutAsJsonAsync(Url(path), body, Ct);

    private async Task<HttpResponseMessage> PostAsync(DemoPerson viewer, string path, object body) => await (await As(viewer)).PostAsJsonAsync(Url(path), body, Ct);

    private async Task<(int Cycle, Dictionary<string, int> Reviews)> OpenCycleAsync()
    {
        var now = _portal.Clock.GetUtcNow();
        var opened = await PostAsync(Manager, "/api/review-cycles", new
        {
            name = "Q4 check-in", periodStart = "2026-10-01", periodEnd = "2026-12-31",
            selfReviewDue = now.AddDays(2), peerFeedbackDue = now.AddDays(4), managerReviewDue = now.AddDays(7), team = DemoWorld.TeamSlug(RegionCode.EU),
        });
        Assert.Equal(HttpStatusCode.Created, opened.StatusCode);
        var cycle = await opened.JsonAsync();
        var reviews = cycle.GetProperty("reviews").EnumerateArray().ToDictionary(r => r.GetProperty("person").GetString()!, r => r.GetProperty("id").GetInt32());
        return (cycle.GetProperty("id").GetInt32(), reviews);
    }

    [Fact]
    public async Task AReviewGoesFromSelfReviewToSignOffAndThePersonReadsItOnlyThen()
    {
        var (_, reviews) = await OpenCycleAsync();
        Assert.Equal(World.People.Count(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU), reviews.Count);
        var id = reviews[Engineer.Handle];
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var person = await db.People.SingleAsync(p => p.Handle == Engineer.Handle, Ct);
            Assert.True(await db.Notifications.AnyAsync(n => n.PersonId == person.Id && n.Kind == NotificationKind.Review && n.Title.Contains("Q4 check-in"), Ct));
        }

        // Ratings outside the scale are refused, naming the competency.
        var outside = await PutAsync(Engineer, $"/api/reviews/{id}/self", new { ratings = new Dictionary<string, int> { ["Mentoring"] = 6 }, text = "x", version = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, outside.StatusCode);
        Assert.Contains("Mentoring: a rating is 1 to 5, not 6.", await outside.ProblemTextAsync(), StringComparison.Ordinal);
        var zero = await PutAsync(Engineer, $"/api/reviews/{id}/self", new { ratings = new Dictionary<string, int> { ["Communication"] = 0 }, text = "x", version = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, zero.StatusCode);

        // A draft is the person's own until handed in.
        var draft = await PutAsync(Engineer, $"/api/reviews/{id}/self", new { ratings = new Dictionary<string, int> { ["Mentoring"] = 4 }, text = "Draft thoughts", version = 1 });
        Assert.Equal(HttpStatusCode.OK, draft.StatusCode);
        Assert.Equal(JsonValueKind.Null, (await ReviewAsync(Manager, id)).GetProperty("self").ValueKind);
        var stale = await PutAsync(Engineer, $"/api/reviews/{id}/self", new { ratings = All(3), text = "again", version = 1 });
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);

        // Peer feedback: asked by the manager, written by the peer, read by the manager, never by the person.
        var asked = await PostAsync(Manager, $"/api/reviews/{id}/peers", new { peer = Peer.Handle });
        Assert.Equal(HttpStatusCode.OK, asked.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(Manager, $"/api/reviews/{id}/peers", new { peer = Engineer.Handle })).StatusCode);
        var request = (await (await (await As(Peer)).GetAsync(Url("/api/peer-feedback"), Ct)).JsonAsync()).EnumerateArray().First(r => r.GetProperty("reviewId").GetInt32() == id);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(Peer, $"/api/peer-feedback/{request.GetProperty("id").GetInt32()}", new { text = "Calm under pressure." })).StatusCode);
        Assert.Equal("Calm under pressure.", (await ReviewAsync(Manager, id)).GetProperty("peers")[0].GetProperty("text").GetString());
        Assert.Equal(JsonValueKind.Null, (await ReviewAsync(Engineer, id)).GetProperty("peers").ValueKind);

        // The manager cannot hand in before the person has, while the self-review is still open.
        var early = await PutAsync(Manager, $"/api/reviews/{id}/manager", new { ratings = All(4), text = "Good half.", version = (await ReviewAsync(Manager, id)).GetProperty("version").GetInt32(), submit = true });
        Assert.Equal(HttpStatusCode.Conflict, early.StatusCode);

        // Past the deadline, the self-review needs the manager to reopen it.
        Advance(TimeSpan.FromDays(3));
        var version = (await ReviewAsync(Engineer, id)).GetProperty("version").GetInt32();
        var late = await PutAsync(Engineer, $"/api/reviews/{id}/self", new { ratings = All(4), text = "I led two incidents.", version, submit = true });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        Assert.Contains("Ask your manager to reopen it.", await late.ProblemTextAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(Engineer, $"/api/reviews/{id}/reopen", new { part = "self", until = _portal.Clock.GetUtcNow().AddDays(1) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Manager, $"/api/reviews/{id}/reopen", new { part = "self", until = _portal.Clock.GetUtcNow().AddDays(1) })).StatusCode);
        version = (await ReviewAsync(Engineer, id)).GetProperty("version").GetInt32();
        var handedIn = await PutAsync(Engineer, $"/api/reviews/{id}/self", new { ratings = All(4), text = "I led two incidents.", version, submit = true });
        Assert.Equal(HttpStatusCode.OK, handedIn.StatusCode);
        Assert.Equal("ManagerReview", (await handedIn.JsonAsync()).GetProperty("state").GetString());
        Assert.Equal("I led two incidents.", (await ReviewAsync(Manager, id)).GetProperty("self").GetProperty("text").GetString());

        // The manager's review needs every competency rated.
        version = (await ReviewAsync(Manager, id)).GetProperty("version").GetInt32();
        var partial = await PutAsync(Manager, $"/api/reviews/{id}/manager", new { ratings = new Dictionary<string, int> { ["Mentoring"] = 4 }, text = "Good half.", version, submit = true });
        Assert.Equal(HttpStatusCode.BadRequest, partial.StatusCode);
        Assert.Contains("Communication needs a rating.", await partial.ProblemTextAsync(), StringComparison.Ordinal);
        var submitted = await PutAsync(Manager, $"/api/reviews/{id}/manager", new { ratings = All(5), text = "An outstanding half: the ledger replay.", version, submit = true });
        Assert.Equal(HttpStatusCode.OK, submitted.StatusCode);

        // Handed in is not signed off: the person still does not see it.
        var before = await ReviewAsync(Engineer, id);
        Assert.Equal("AwaitingSignOff", before.GetProperty("state").GetString());
        Assert.Equal(JsonValueKind.Null, before.GetProperty("managerPart").ValueKind);
        Assert.DoesNotContain("ledger replay", before.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(Engineer, $"/api/reviews/{id}/sign-off", new { })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Manager, $"/api/reviews/{id}/sign-off", new { })).StatusCode);
        var after = await ReviewAsync(Engineer, id);
        Assert.Equal("SignedOff", after.GetProperty("state").GetString());
        Assert.Equal("An outstanding half: the ledger replay.", after.GetProperty("managerPart").GetProperty("text").GetString());
        Assert.Equal(5, after.GetProperty("managerPart").GetProperty("ratings").GetProperty("Mentoring").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await PostAsync(Manager, $"/api/reviews/{id}/reopen", new { part = "manager", until = _portal.Clock.GetUtcNow().AddDays(1) })).StatusCode);

        // History across cycles: the demo's two and this one.
        var history = await (await (await As(Engineer)).GetAsync(Url($"/api/people/{Engineer.Handle}/reviews"), Ct)).JsonAsync();
        Assert.Equal(["Q4 check-in", "2026 H2", "2026 H1"], history.EnumerateArray().Select(r => r.GetProperty("cycle").GetString()!).ToArray());
        await using var check = await _portal.Db.CreateDbContextAsync(Ct);
        var engineer = await check.People.SingleAsync(p => p.Handle == Engineer.Handle, Ct);
        Assert.True(await check.Notifications.AnyAsync(n => n.PersonId == engineer.Id && n.Title.Contains("signed off"), Ct));
        Assert.NotNull((await check.Reviews.SingleAsync(r => r.Id == id, Ct)).RecordSnapshot);
    }

    [Fact]
    public async Task AMissedManagerDeadlineIsReopenedFromAboveTheManager()
    {
        var (_, reviews) = await OpenCycleAsync();
        var id = reviews[Late.Handle];
        Advance(TimeSpan.FromDays(8));

        var version = (await ReviewAsync(Manager, id)).GetProperty("version").GetInt32();
        var refused = await PutAsync(Manager, $"/api/reviews/{id}/manager", new { ratings = All(3), text = "Solid.", version, submit = true });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Contains("Ask your own manager (or an admin) to reopen it.", await refused.ProblemTextAsync(), StringComparison.Ordinal);
        // The late review shows as late in the cycle and on team health.
        var health = await (await (await As(Manager)).GetAsync(Url("/api/team/health"), Ct)).JsonAsync();
        Assert.Contains(health.GetProperty("reviews").EnumerateArray(), r => r.GetProperty("reviewId").GetInt32() == id && r.GetProperty("late").GetBoolean());

        // The manager cannot extend their own deadline; the head of support (above them) can.
        var until = _portal.Clock.GetUtcNow().AddDays(2);
        Assert.Equal(HttpStatusCode.Forbidden, (await PostAsync(Manager, $"/api/reviews/{id}/reopen", new { part = "manager", until })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await PostAsync(Head, $"/api/reviews/{id}/reopen", new { part = "manager", until = _portal.Clock.GetUtcNow().AddDays(-1) })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await PostAsync(Head, $"/api/reviews/{id}/reopen", new { part = "manager", until })).StatusCode);

        version = (await ReviewAsync(Manager, id)).GetProperty("version").GetInt32();
        var accepted = await PutAsync(Manager, $"/api/reviews/{id}/manager", new { ratings = All(3), text = "Solid.", version, submit = true });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        Assert.Equal("AwaitingSignOff", (await accepted.JsonAsync()).GetProperty("state").GetString());
    }

    [Fact]
    public async Task ACycleWithImpossibleDatesOrOpenedByAnEngineerIsRefused()
    {
        var now = _portal.Clock.GetUtcNow();
        var backwards = await PostAsync(Manager, "/api/review-cycles", new
        {
            name = "Backwards", periodStart = "2026-10-01", periodEnd = "2026-12-31", selfReviewDue = now.AddDays(5), peerFeedbackDue = now.AddDays(6), managerReviewDue = now.AddDays(1),
        });
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("The manager review is due after the self-review and peer feedback.", await backwards.ProblemTextAsync(), StringComparison.Ordinal);
        var otherTeam = await PostAsync(Manager, "/api/review-cycles", new
        {
            name = "Not mine", periodStart = "2026-10-01", periodEnd = "2026-12-31", selfReviewDue = now.AddDays(1), peerFeedbackDue = now.AddDays(2), managerReviewDue = now.AddDays(3),
            team = DemoWorld.TeamSlug(RegionCode.JP),
        });
        Assert.Equal(HttpStatusCode.BadRequest, otherTeam.StatusCode);
        var byEngineer = await PostAsync(Engineer, "/api/review-cycles", new
        {
            name = "Mine", periodStart = "2026-10-01", periodEnd = "2026-12-31", selfReviewDue = now.AddDays(1), peerFeedbackDue = now.AddDays(2), managerReviewDue = now.AddDays(3),
        });
        Assert.Equal(HttpStatusCode.Forbidden, byEngineer.StatusCode);
    }
}
