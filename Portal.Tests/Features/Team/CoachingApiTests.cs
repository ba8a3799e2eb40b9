using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Team;

/// <summary>1:1s, development plans, onboarding and team health through the API, as a manager and a report use them.</summary>
public sealed class CoachingApiTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Head = World.People.First(p => p.Role == PortalRole.Admin);
    private static readonly DemoPerson[] Jp = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.JP)];
    private static readonly DemoPerson JpManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.JP);
    private static readonly DemoPerson Report = Jp[0];

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task AgendaNotDiscussedMovesOnAndActionItemsStayOpenUntilDone()
    {
        using var head = await _portal.SignedInClientAsync(Head.Handle);
        using var report = await _portal.SignedInClientAsync(Report.Handle);
        Assert.Equal(HttpStatusCode.BadRequest, (await head.PostAsJsonAsync(Url($"/api/people/{Report.Handle}/one-on-ones"), new { cadenceDays = 5 }, Ct)).StatusCode);
        var started = await head.PostAsJsonAsync(Url($"/api/people/{Report.Handle}/one-on-ones"), new { cadenceDays = 28 }, Ct);
        Assert.Equal(HttpStatusCode.Created, started.StatusCode);
        var series = await started.JsonAsync();
        var id = series.GetProperty("id").GetInt32();
        Assert.Equal(HttpStatusCode.Conflict, (await head.PostAsJsonAsync(Url($"/api/people/{Report.Handle}/one-on-ones"), new { cadenceDays = 28 }, Ct)).StatusCode);

        // Either person adds to the agenda; an action item belongs to one of the two.
        await report.PostAsJsonAsync(Url($"/api/one-on-ones/{id}/agenda"), new { text = "Night pages" }, Ct);
        var both = await (await head.PostAsJsonAsync(Url($"/api/one-on-ones/{id}/agenda"), new { text = "Promotion path" }, Ct)).JsonAsync();
        Assert.Equal(2, both.GetProperty("next").GetProperty("agenda").GetArrayLength());
        Assert.Equal(HttpStatusCode.BadRequest, (await head.PostAsJsonAsync(Url($"/api/one-on-ones/{id}/actions"), new { text = "x", owner = Jp[1].Handle }, Ct)).StatusCode);
        var withAction = await (await head.PostAsJsonAsync(Url($"/api/one-on-ones/{id}/actions"), new { text = "Draft the rota change", owner = Report.Handle }, Ct)).JsonAsync();
        var action = withAction.GetProperty("openActions")[0].GetProperty("id").GetInt32();
        var next = withAction.GetProperty("next");
        var meeting = next.GetProperty("id").GetInt32();

        // Shared notes are versioned: a stale save is refused, not lost silently.
        var notes = await report.PutAsJsonAsync(Url($"/api/one-on-ones/meetings/{meeting}/notes"), new { text = "We talked about nights.", version = next.GetProperty("version").GetInt32() }, Ct);
        Assert.Equal(HttpStatusCode.OK, notes.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await head.PutAsJsonAsync(Url($"/api/one-on-ones/meetings/{meeting}/notes"), new { text = "Overwrite", version = next.GetProperty("version").GetInt32() }, Ct)).StatusCode);

        // Discuss one agenda item, hold the meeting: the other moves on to the next 1:1, the action stays open.
        var discussed = next.GetProperty("agenda").EnumerateArray().First(a => a.GetProperty("text").GetString() == "Night pages").GetProperty("id").GetInt32();
        await report.PutAsJsonAsync(Url($"/api/one-on-ones/items/{discussed}/done"), new { done = true }, Ct);
        var held = await (await head.PostAsync(Url($"/api/one-on-ones/meetings/{meeting}/complete"), null, Ct)).JsonAsync();
        var carried = held.GetProperty("next").GetProperty("agenda").EnumerateArray().Single();
        Assert.Equal("Promotion path", carried.GetProperty("text").GetString());
        Assert.Equal(1, carried.GetProperty("carried").GetInt32());
        Assert.Equal(_portal.Clock.GetUtcNow().AddDays(1).AddDays(28), held.GetProperty("next").GetProperty("scheduledAt").GetDateTimeOffset());
        Assert.Equal("Draft the rota change", held.GetProperty("openActions")[0].GetProperty("text").GetString());
        var history = held.GetProperty("history")[0];
        Assert.Equal("We talked about nights.", history.GetProperty("sharedNotes").GetString());
        Assert.Equal("Night pages", history.GetProperty("agenda")[0].GetProperty("text").GetString());
        Assert.Equal(HttpStatusCode.Conflict, (await head.PostAsync(Url($"/api/one-on-ones/meetings/{meeting}/complete"), null, Ct)).StatusCode);

        var done = await (await report.PutAsJsonAsync(Url($"/api/one-on-ones/items/{action}/done"), new { done = true }, Ct)).JsonAsync();
        Assert.Equal(0, done.GetProperty("openActions").GetArrayLength());
    }

    [Fact]
    public async Task APlanTiesGoalsToCompetenciesWithMilestonesUpdatesAndEvidence()
    {
        using var report = await _portal.SignedInClientAsync(Report.Handle);
        var created = await report.PostAsJsonAsync(Url($"/api/people/{Report.Handle}/plans"), new { title = "Towards L5" }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var plan = (await created.JsonAsync()).GetProperty("id").GetInt32();

        var withGoal = await report.PostAsJsonAsync(Url($"/api/plans/{plan}/goals"), new
        {
            competency = "Mentoring", title = "Mentor the new hires", milestones = new[] { "Pair on first on-call", "Review their first RCA" },
        }, Ct);
        Assert.Equal(HttpStatusCode.OK, withGoal.StatusCode);
        var goal = (await withGoal.JsonAsync()).GetProperty("goals")[0];
        var id = goal.GetProperty("id").GetInt32();
        Assert.Equal("Mentoring", goal.GetProperty("competency").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await report.PostAsJsonAsync(Url($"/api/plans/{plan}/goals"), new { competency = "Mentoring", title = "" }, Ct)).StatusCode);

        Assert.Equal(HttpStatusCode.BadRequest, (await report.PostAsJsonAsync(Url($"/api/plan-goals/{id}/updates"), new { text = "Too far", progress = 120 }, Ct)).StatusCode);
        var updated = await (await report.PostAsJsonAsync(Url($"/api/plan-goals/{id}/updates"), new { text = "Paired twice.", progress = 40 }, Ct)).JsonAsync();
        Assert.Equal(40, updated.GetProperty("goals")[0].GetProperty("progress").GetInt32());
        var ticked = await (await report.PutAsJsonAsync(Url($"/api/plan-goals/{id}/milestones/0"), new { done = true }, Ct)).JsonAsync();
        Assert.NotEqual(JsonValueKind.Null, ticked.GetProperty("goals")[0].GetProperty("milestones")[0].GetProperty("doneAt").ValueKind);
        Assert.Equal(HttpStatusCode.BadRequest, (await report.PutAsJsonAsync(Url($"/api/plan-goals/{id}/milestones/5"), new { done = true }, Ct)).StatusCode);

        // Evidence must point at something real.
        var missing = await report.PostAsJsonAsync(Url($"/api/plan-goals/{id}/evidence"), new { kind = "Incident", reference = "INC-99999" }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("There is no incident 'INC-99999'", await missing.ProblemTextAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await report.PostAsJsonAsync(Url($"/api/plan-goals/{id}/evidence"), new { kind = "Link", reference = "http://plain.example" }, Ct)).StatusCode);
        var incident = await (await report.PostAsJsonAsync(Url("/api/incidents"), new { title = "Invoices stuck in the EU", severity = "SEV2" }, Ct)).JsonAsync();
        var linked = await (await report.PostAsJsonAsync(Url($"/api/plan-goals/{id}/evidence"), new { kind = "Incident", reference = incident.GetProperty("key").GetString()!.ToLowerInvariant(), note = "Commanded it" }, Ct)).JsonAsync();
        var evidence = linked.GetProperty("goals")[0].GetProperty("evidence")[0];
        Assert.Equal($"/incidents/{incident.GetProperty("key").GetString()}", evidence.GetProperty("link").GetString());
        Assert.EndsWith("Invoices stuck in the EU", evidence.GetProperty("title").GetString(), StringComparison.Ordinal);

        // The manager sees it; a peer does not.
        using var manager = await _portal.SignedInClientAsync(JpManager.Handle);
        var seen = await (await manager.GetAsync(Url($"/api/people/{Report.Handle}/plans"), Ct)).JsonAsync();
        Assert.Contains(seen.EnumerateArray(), p => p.GetProperty("title").GetString() == "Towards L5");
        using var peer = await _portal.SignedInClientAsync(Jp[1].Handle);
        Assert.Equal(HttpStatusCode.NotFound, (await peer.GetAsync(Url($"/api/people/{Report.Handle}/plans"), Ct)).StatusCode);
    }

    [Fact]
    public async Task OnboardingStartsFromATemplateAndTracksProgress()
    {
        using var manager = await _portal.SignedInClientAsync(JpManager.Handle);
        var templates = await (await manager.GetAsync(Url("/api/onboarding-templates"), Ct)).JsonAsync();
        var template = templates.EnumerateArray().First(t => t.GetProperty("role").GetString() == "Engineer");
        var steps = template.GetProperty("steps").GetArrayLength();

        var started = await manager.PostAsJsonAsync(Url($"/api/people/{Report.Handle}/onboarding"), new { templateId = template.GetProperty("id").GetInt32(), startDate = "2026-11-16" }, Ct);
        Assert.Equal(HttpStatusCode.OK, started.StatusCode);
        var view = await started.JsonAsync();
        Assert.Equal(steps, view.GetProperty("total").GetInt32());
        Assert.Equal("2026-11-17", view.GetProperty("tasks")[0].GetProperty("dueDate").GetString());   // "due after 1 day"
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync(Url($"/api/people/{Report.Handle}/onboarding"), new { templateId = template.GetProperty("id").GetInt32() }, Ct)).StatusCode);

        using var report = await _portal.SignedInClientAsync(Report.Handle);
        var step = view.GetProperty("tasks")[0].GetProperty("id").GetInt32();
        var ticked = await (await report.PutAsJsonAsync(Url($"/api/onboarding-steps/{step}/done"), new { done = true }, Ct)).JsonAsync();
        Assert.Equal(1, ticked.GetProperty("done").GetInt32());
        // Due 2026-11-18 (two days in) and not done by the fake clock's 20th: overdue.
        Assert.True(ticked.GetProperty("tasks")[1].GetProperty("overdue").GetBoolean());

        var health = await (await manager.GetAsync(Url("/api/team/health"), Ct)).JsonAsync();
        Assert.Contains(health.GetProperty("onboarding").EnumerateArray(), o => o.GetProperty("person").GetString() == Report.Handle && o.GetProperty("done").GetInt32() == 1);
    }

    [Fact]
    public async Task ManagersWriteOnboardingTemplatesAndBadStepsAreNamed()
    {
        using var manager = await _portal.SignedInClientAsync(JpManager.Handle);
        var bad = await manager.PostAsJsonAsync(Url("/api/onboarding-templates"), new
        {
            name = "SRE starter", role = "Engineer", steps = new object[] { new { category = "Access", title = "", dueAfterDays = 1 }, new { category = "FirstOnCall", title = "Week one", dueAfterDays = 900 } },
        }, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var problems = await bad.ProblemTextAsync();
        Assert.Contains("Step 1 needs a title", problems, StringComparison.Ordinal);
        Assert.Contains("Step 2: due 0 to 365 days", problems, StringComparison.Ordinal);

        var created = await manager.PostAsJsonAsync(Url("/api/onboarding-templates"), new
        {
            name = "SRE starter", role = "Engineer", steps = new[] { new { category = "Access", title = "Pager app installed", dueAfterDays = 1 } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, (await manager.PostAsJsonAsync(Url("/api/onboarding-templates"), new
        {
            name = "SRE starter", role = "Engineer", steps = new[] { new { category = "Access", title = "x", dueAfterDays = 1 } },
        }, Ct)).StatusCode);
        using var engineer = await _portal.SignedInClientAsync(Report.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostAsJsonAsync(Url("/api/onboarding-templates"), new
        {
            name = "Mine", role = "Engineer", steps = new[] { new { category = "Access", title = "x", dueAfterDays = 1 } },
        }, Ct)).StatusCode);
    }

    [Fact]
    public async Task TeamHealthShowsLoadSpreadAndWhatIsOverdueBelowTheViewer()
    {
        using var head = await _portal.SignedInClientAsync(Head.Handle);
        var health = await (await head.GetAsync(Url("/api/team/health?days=30"), Ct)).JsonAsync();

        Assert.Equal(World.People.Count - 1, health.GetProperty("people").GetInt32());
        var load = health.GetProperty("load").EnumerateArray().ToList();
        var hours = load.Select(l => l.GetProperty("hoursOnCall").GetDouble()).ToList();
        var spread = health.GetProperty("spread");
        Assert.Equal(Math.Round(hours.Average(), 1), spread.GetProperty("meanHours").GetDouble());
        Assert.Equal(hours.Max(), spread.GetProperty("maxHours").GetDouble());
        Assert.Equal(Math.Round(hours.Max() / hours.Average(), 2), spread.GetProperty("hoursRatio").GetDouble());
        // The demo has 1:1s that slipped and two new starters part-way through onboarding.
        Assert.Contains(health.GetProperty("oneOnOnes").EnumerateArray(), o => o.GetProperty("daysOverdue").ValueKind == JsonValueKind.Number);
        Assert.Equal(2, health.GetProperty("onboarding").GetArrayLength());

        using var manager = await _portal.SignedInClientAsync(JpManager.Handle);
        var mine = await (await manager.GetAsync(Url("/api/team/health"), Ct)).JsonAsync();
        Assert.Equal(Jp.Length, mine.GetProperty("people").GetInt32());
        Assert.Equal(HttpStatusCode.BadRequest, (await manager.GetAsync(Url("/api/team/health?days=1000"), Ct)).StatusCode);
    }
}
