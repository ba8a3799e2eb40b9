using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Hardening;

/// <summary>Who acts, relative to an object of the EU team or of an EU engineer.</summary>
public enum Who
{
    /// <summary>The object's own person (author, owner, the person reviewed); for a team's object, its team's manager.</summary>
    Owner,
    Teammate,
    TeamManager,
    OtherTeamManager,
    OtherTeamEngineer,
    Admin,
    NoToken,
}

/// <summary>
/// The permission table of the README, tried over HTTP: for each kind of object, each kind of caller reads, changes
/// and deletes a fresh object of its own, and gets exactly the answer the table says. A refusal leaves an audit row.
/// </summary>
public sealed class AuthorisationMatrixTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly List<DemoPerson> Eu = [.. World.People.Where(p => p.TeamSlug == "billing-support-eu" && p.Role == PortalRole.Engineer)];
    private static readonly DemoPerson EuManager = World.People.Single(p => p.TeamSlug == "billing-support-eu" && p.Role == PortalRole.Manager);
    private static readonly DemoPerson UsManager = World.People.Single(p => p.TeamSlug == "billing-support-us" && p.Role == PortalRole.Manager);
    private static readonly DemoPerson UsEngineer = World.People.First(p => p.TeamSlug == "billing-support-us" && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Head = World.People.Single(p => p.Role == PortalRole.Admin);

    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["RateLimits:ApiPerMinute"] = "100000" });
    private int _serial;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private const int Ok = 200, Created = 201, NoContent = 204, Unauthorized = 401, Forbidden = 403, NotFound = 404;

    /// <summary>A kind of object: how to make one (as whom), and the three operations on it.</summary>
    private sealed record Kind(
        Func<Who, DemoPerson> Owner,
        Func<HttpClient, Task<string>> Create,
        Func<string, HttpRequestMessage> Read,
        Func<HttpClient, string, Task<HttpRequestMessage>> Change,
        Func<string, HttpRequestMessage>? Delete);

    [Fact]
    public Task ASchedule() => AssertMatrixAsync(TeamKind(
        create: async c => Id(await PostAsync(c, "/api/schedules", Schedule())),
        read: id => Get($"/api/schedules/{id}"),
        change: async (c, id) => Send(HttpMethod.Put, $"/api/schedules/{id}", Schedule()),
        delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/schedules/{id}"))),
        read: All(Ok), change: TeamManaged(Ok), delete: TeamManaged(NoContent));

    [Fact]
    public Task AnEscalationPolicy() => AssertMatrixAsync(TeamKind(
        create: async c => Id(await PostAsync(c, "/api/escalation-policies", Policy())),
        read: id => Get($"/api/escalation-policies/{id}"),
        change: async (c, id) => Send(HttpMethod.Put, $"/api/escalation-policies/{id}", Policy()),
        delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/escalation-policies/{id}"))),
        read: All(Ok), change: TeamManaged(Ok), delete: TeamManaged(NoContent));

    [Fact]
    public Task ATeamChannel() => AssertMatrixAsync(TeamKind(
        create: async c => Id(await PostAsync(c, "/api/notifications/channels", Channel("billing-support-eu"))),
        read: _ => Get("/api/notifications/channels"),
        // Adding a channel to the team is the change: its pages then go wherever the channel points.
        change: async (c, id) => Send(HttpMethod.Post, "/api/notifications/channels", Channel("billing-support-eu")),
        delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/notifications/channels/{id}"))),
        read: All(Ok), change: TeamManaged(Created), delete: TeamManaged(NoContent));

    [Fact]
    public Task AnRca() => AssertMatrixAsync(new Kind(
        Owner: _ => Eu[0],
        Create: async c => Id(await PostAsync(c, "/api/rcas", new { title = $"Invoices stuck {++_serial}", incidents = new[] { await IncidentAsync(c) } })),
        Read: id => Get($"/api/rcas/{id}"),
        Change: async (c, id) => Send(HttpMethod.Post, $"/api/rcas/{id}/action-items", Action(Eu[1].Handle)),
        Delete: null),
        read: All(Ok),
        change: Expect(owner: Created, teammate: Forbidden, teamManager: Created, otherManager: Forbidden, otherEngineer: Forbidden, admin: Created),
        delete: null);

    [Fact]
    public Task AnActionItem() => AssertMatrixAsync(new Kind(
        // Owned by an EU engineer, on an RCA another EU engineer wrote; the teammate is a third.
        Owner: _ => Eu[1],
        Create: async c => await ActionItemAsync(),
        Read: id => Get($"/api/action-items?owner={Eu[1].Handle}"),
        Change: async (c, id) => Send(HttpMethod.Put, $"/api/action-items/{id}", new { priority = "P1", version = 1 }),
        Delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/action-items/{id}"))),
        read: All(Ok),
        change: Expect(owner: Ok, teammate: Forbidden, teamManager: Ok, otherManager: Forbidden, otherEngineer: Forbidden, admin: Ok),
        delete: Expect(owner: NoContent, teammate: Forbidden, teamManager: NoContent, otherManager: Forbidden, otherEngineer: Forbidden, admin: NoContent));

    [Fact]
    public Task AnOverride() => AssertMatrixAsync(new Kind(
        Owner: _ => Eu[0],
        Create: async c => Id(await PostAsync(c, "/api/overrides", Override())),
        Read: _ => Get("/api/overrides"),
        // Putting the owner on call is the change, as much as removing them.
        Change: async (c, id) => Send(HttpMethod.Post, "/api/overrides", Override()),
        Delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/overrides/{id}"))),
        read: All(Ok),
        change: Expect(owner: Created, teammate: Forbidden, teamManager: Created, otherManager: Forbidden, otherEngineer: Forbidden, admin: Created),
        delete: Expect(owner: NoContent, teammate: Forbidden, teamManager: NoContent, otherManager: Forbidden, otherEngineer: Forbidden, admin: NoContent));

    [Fact]
    public Task AnApiToken() => AssertMatrixAsync(new Kind(
        Owner: _ => Eu[0],
        Create: async c => Id(await PostAsync(c, "/api/me/tokens", new { name = $"script {++_serial}" })),
        Read: _ => Get("/api/me/tokens"),
        Change: null!,
        Delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/me/tokens/{id}"))),
        read: All(Ok), change: null,
        // Someone else's token is "not found" to everyone else, admins included; the attempt is audited.
        delete: Expect(owner: NoContent, teammate: NotFound, teamManager: NotFound, otherManager: NotFound, otherEngineer: NotFound, admin: NotFound));

    [Fact]
    public Task ACalendarFeed() => AssertMatrixAsync(new Kind(
        Owner: _ => Eu[0],
        Create: async c => Id(await PostAsync(c, "/api/calendar-feeds", new { })),
        Read: _ => Get("/api/calendar-feeds"),
        Change: null!,
        Delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/calendar-feeds/{id}"))),
        read: All(Ok), change: null,
        delete: Expect(owner: NoContent, teammate: NotFound, teamManager: NotFound, otherManager: NotFound, otherEngineer: NotFound, admin: NotFound));

    [Fact]
    public Task APersonalChannel() => AssertMatrixAsync(new Kind(
        Owner: _ => Eu[0],
        Create: async c => Id(await PostAsync(c, "/api/notifications/channels", Channel(null))),
        Read: _ => Get("/api/notifications/channels"),
        Change: null!,
        Delete: id => new HttpRequestMessage(HttpMethod.Delete, Url($"/api/notifications/channels/{id}"))),
        read: All(Ok), change: null,
        delete: Expect(owner: NoContent, teammate: Forbidden, teamManager: Forbidden, otherManager: Forbidden, otherEngineer: Forbidden, admin: NoContent));

    [Fact]
    public async Task AReviewsPeersAreChosenOnlyByTheManagersAboveThePerson()
    {
        var person = Eu[2];
        using var admin = await ClientAsync(Head);
        var cycle = await PostAsync(admin, "/api/review-cycles", new
        {
            name = "Matrix cycle", periodStart = "2026-07-01", periodEnd = "2026-12-31", selfReviewDue = "2026-12-20T17:00:00Z",
            peerFeedbackDue = "2026-12-22T17:00:00Z", managerReviewDue = "2026-12-28T17:00:00Z", team = "billing-support-eu",
        });
        var reviews = await (await admin.GetAsync(Url($"/api/people/{person.Handle}/reviews"), Ct)).JsonAsync();
        var review = reviews.EnumerateArray().First(r => r.GetProperty("cycleId").GetInt32() == cycle.GetProperty("id").GetInt32()).GetProperty("id").GetInt32();

        var expected = new Dictionary<DemoPerson, int>
        {
            [person] = Forbidden, [Eu[3]] = NotFound, [UsManager] = NotFound, [UsEngineer] = NotFound, [EuManager] = Ok, [Head] = Ok,
        };
        foreach (var (who, status) in expected)
        {
            using var client = await ClientAsync(who);
            var response = await client.PostJsonAsync($"/api/reviews/{review}/peers", new { peer = (who == Head ? Eu[5] : Eu[4]).Handle });
            Assert.True(status == (int)response.StatusCode, $"{who.Handle} choosing a peer: {(int)response.StatusCode}, expected {status}");
            if (status != Ok)
            {
                await AssertRefusalAuditedAsync(who.Handle);
            }
        }
    }

    // ---- the harness ----

    private async Task AssertMatrixAsync(Kind kind, Dictionary<Who, int> read, Dictionary<Who, int>? change, Dictionary<Who, int>? delete)
    {
        var failures = new List<string>();
        foreach (var who in Enum.GetValues<Who>())
        {
            var owner = kind.Owner(who);
            using var ownerClient = await ClientAsync(owner);
            var id = await kind.Create(ownerClient);
            using var client = who == Who.NoToken ? _portal.AnonymousClient() : await ClientAsync(Actor(who, owner));
            await Check(who, "read", client, kind.Read(id), read[who]);
            if (change is not null)
            {
                await Check(who, "change", client, await kind.Change(ownerClient, id), change[who]);
            }
            if (delete is not null && kind.Delete is not null)
            {
                await Check(who, "delete", client, kind.Delete(id), delete[who]);
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        _portal.Log.AssertClean();

        async Task Check(Who who, string operation, HttpClient client, HttpRequestMessage request, int expected)
        {
            using var response = await client.SendAsync(request, Ct);
            if ((int)response.StatusCode != expected)
            {
                failures.Add($"{who} {operation} {request.Method} {request.RequestUri}: {(int)response.StatusCode}, expected {expected}: {await response.Content.ReadAsStringAsync(Ct)}");
            }
            else if (expected is Forbidden or NotFound or Unauthorized && !await RefusalAuditedAsync(who == Who.NoToken ? "anonymous" : null))
            {
                failures.Add($"{who} {operation} {request.Method} {request.RequestUri}: refused, but no audit row says so");
            }
        }
    }

    private static Kind TeamKind(Func<HttpClient, Task<string>> create, Func<string, HttpRequestMessage> read,
        Func<HttpClient, string, Task<HttpRequestMessage>> change, Func<string, HttpRequestMessage> delete) =>
        new(_ => EuManager, create, read, change, delete);

    private static DemoPerson Actor(Who who, DemoPerson owner) => who switch
    {
        Who.Owner => owner,
        Who.Teammate => Eu.First(p => p != owner && p != Eu[0] && p != Eu[1]),
        Who.TeamManager => EuManager,
        Who.OtherTeamManager => UsManager,
        Who.OtherTeamEngineer => UsEngineer,
        _ => Head,
    };

    private static Dictionary<Who, int> All(int status) =>
        Enum.GetValues<Who>().ToDictionary(w => w, w => w == Who.NoToken ? Unauthorized : status);

    /// <summary>A team's object: its managers (the owner here) and admins may; the rest are refused.</summary>
    private static Dictionary<Who, int> TeamManaged(int status) =>
        Expect(owner: status, teammate: Forbidden, teamManager: status, otherManager: Forbidden, otherEngineer: Forbidden, admin: status);

    private static Dictionary<Who, int> Expect(int owner, int teammate, int teamManager, int otherManager, int otherEngineer, int admin) => new()
    {
        [Who.Owner] = owner, [Who.Teammate] = teammate, [Who.TeamManager] = teamManager, [Who.OtherTeamManager] = otherManager,
        [Who.OtherTeamEngineer] = otherEngineer, [Who.Admin] = admin, [Who.NoToken] = Unauthorized,
    };

    private async Task<bool> RefusalAuditedAsync(string? actor)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var latest = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).FirstOrDefaultAsync(Ct);
        return latest is { Action: AuditActions.AccessDenied } && (actor is null || latest.Actor == actor);
    }

    private async Task AssertRefusalAuditedAsync(string actor)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var latest = await db.AuditEntries.AsNoTracking().OrderByDescending(a => a.Id).FirstAsync(Ct);
        Assert.Equal((AuditActions.AccessDenied, actor), (latest.Action, latest.Actor));
    }

    private async Task<HttpClient> ClientAsync(DemoPerson person) => await _portal.SignedInClientAsync(person.Handle);

    private static HttpRequestMessage Get(string path) => new(HttpMethod.Get, Url(path));

    private static HttpRequestMessage Send(HttpMethod method, string path, object body) => new(method, Url(path)) { Content = JsonContent.Create(body) };

    private static async Task<JsonElement> PostAsync(HttpClient client, string path, object body)
    {
        var response = await client.PostJsonAsync(path, body);
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(Ct)}");
        return await response.JsonAsync();
    }

    private static string Id(JsonElement created) => created.GetProperty("id").ToString();

    private object Schedule() => new
    {
        name = $"EU matrix {++_serial}", team = "billing-support-eu", swapsNeedApproval = false,
        layers = new[] { new { name = "Primary", members = new[] { Eu[0].Handle, Eu[1].Handle }, rotation = "Weekly", handoff = "09:00", zone = "Europe/Dublin", startDate = "2026-11-02" } },
    };

    private object Policy() => new
    {
        name = $"EU matrix policy {++_serial}", team = "billing-support-eu", repeat = 0,
        levels = new[] { new { delayMinutes = 5, targets = new[] { new { kind = "Person", @ref = Eu[0].Handle } } } },
    };

    private object Channel(string? team) => new { kind = "Email", name = $"Matrix {++_serial}", target = "oncall-eu@example.com", team };

    private object Action(string owner) => new { title = $"Add a retry {++_serial}", owner, dueDate = "2026-12-31", priority = "P2", kind = "Prevent" };

    /// <summary>An override putting the first EU engineer on the first EU schedule, a day at a time.</summary>
    private object Override()
    {
        var start = PortalFactory.Start.AddDays(2 + ++_serial);
        return new { scheduleId = _euSchedule, person = Eu[0].Handle, start, end = start.AddHours(4), reason = "matrix" };
    }

    private readonly int _euSchedule;

    private async Task<string> IncidentAsync(HttpClient client)
    {
        var created = await PostAsync(client, "/api/incidents", new { title = $"Invoices stuck {++_serial}", service = "invoicing", severity = "SEV2" });
        return created.GetProperty("key").GetString()!;
    }

    private async Task<string> ActionItemAsync()
    {
        using var author = await ClientAsync(Eu[0]);
        var rca = Id(await PostAsync(author, "/api/rcas", new { title = $"Matrix RCA {++_serial}", incidents = new[] { await IncidentAsync(author) } }));
        return Id(await PostAsync(author, $"/api/rcas/{rca}/action-items", Action(Eu[1].Handle)));
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    /// <summary>Finds the EU team's schedule for the override rows before any test uses it.</summary>
    public AuthorisationMatrixTests()
    {
        using var db = _portal.Db.CreateDbContext();
        var team = db.Teams.AsNoTracking().Single(t => t.Slug == "billing-support-eu").Id;
        _euSchedule = db.Schedules.AsNoTracking().Where(s => s.TeamId == team).OrderBy(s => s.Id).Select(s => s.Id).First();
    }
}
