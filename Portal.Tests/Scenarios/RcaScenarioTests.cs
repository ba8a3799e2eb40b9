using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Rca;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Scenarios;

/// <summary>From a resolved SEV1 to a published RCA with tracked actions, and a recurrence after the fix, on a fake clock.</summary>
public sealed class RcaScenarioTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.US);
    private static readonly DemoPerson[] Us = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.US)];
    private static readonly DemoPerson Author = Us[0];
    private static readonly DemoPerson Reviewer = Us[1];

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private async Task<string> AlertAsync(string dedupKey, string summary)
    {
        using var monitor = _portal.AnonymousClient();
        var sent = await monitor.PostAsJsonAsync(Url("/v2/enqueue"), new
        {
            routing_key = DemoWorld.MonitorKey, event_action = "trigger", dedup_key = dedupKey,
            payload = new { summary, source = "payments-monitor", severity = "critical", @class = "gateway_timeout" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        using var client = await _portal.SignedInClientAsync(Author.Handle);
        var list = await (await client.GetAsync(Url($"/api/incidents?q={Uri.EscapeDataString(summary)}"), Ct)).JsonAsync();
        return list.GetProperty("items")[0].GetProperty("key").GetString()!;
    }

    private static async Task ResolveAsync(HttpClient client, string key)
    {
        await client.PostJsonAsync($"/api/incidents/{key}/severity", new { severity = "SEV1" });
        await client.PostJsonAsync($"/api/incidents/{key}/acknowledge", new { });
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/incidents/{key}/resolve", new { note = "Rolled back the gateway client." })).StatusCode);
    }

    private static object Sections(JsonElement rca, string[] reviewers, string? reason = null) => new
    {
        title = rca.GetProperty("title").GetString(), summary = "Card payments timed out for EU advertisers for 95 minutes.",
        advertisersAffected = 1200, revenueImpactUsd = 48000m, impactMinutes = 95, regions = new[] { "EU" },
        timeline = rca.GetProperty("sections").GetProperty("timeline"),
        whys = new[]
        {
            new
            {
                question = "Why did payments time out?", answer = "The gateway client held connections open.",
                children = new object[]
                {
                    new { question = "Why were connections held?", answer = "A new keep-alive default in the client release.", children = Array.Empty<object>() },
                    new { question = "Why did nothing catch it?", answer = "No alert on connection-pool saturation.", children = Array.Empty<object>() },
                },
            },
        },
        rootCause = "CodeChange", contributingFactors = "Deploy on a Friday evening.", wentWell = "Rollback took 6 minutes.", lessons = "Pin client defaults.",
        reviewers, version = rca.GetProperty("sections").GetProperty("version").GetInt32(), reason,
    };

    [Fact]
    public async Task AResolvedSev1BecomesAPublishedRcaAndTheProblemComingBackAfterTheFixIsCaught()
    {
        using var author = await _portal.SignedInClientAsync(Author.Handle);
        using var reviewer = await _portal.SignedInClientAsync(Reviewer.Handle);
        var first = await AlertAsync("gw-eu-timeouts", "Payment gateway timeouts above 8% in EU");
        await ResolveAsync(author, first);

        var created = await author.PostJsonAsync("/api/rcas", new { incidents = new[] { first } });
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var rca = await created.JsonAsync();
        var id = rca.GetProperty("id").GetInt32();
        Assert.Contains("detected", rca.GetProperty("sections").GetProperty("timeline").EnumerateArray().Select(t => t.TryGetProperty("milestone", out var m) ? m.GetString() : null));
        Assert.True(rca.TryGetProperty("dueAt", out var due) && due.ValueKind == JsonValueKind.String);

        // Submitting an empty draft names every empty section.
        var early = await author.PostJsonAsync($"/api/rcas/{id}/submit", new { });
        Assert.Equal(HttpStatusCode.BadRequest, early.StatusCode);
        Assert.Contains("Fill these sections first: Summary", await early.ProblemTextAsync(), StringComparison.Ordinal);

        var saved = await author.PutAsJsonAsync(Url($"/api/rcas/{id}"), Sections(rca, [Reviewer.Handle]), Ct);
        Assert.Equal(HttpStatusCode.OK, saved.StatusCode);
        var stale = await reviewer.PutAsJsonAsync(Url($"/api/rcas/{id}"), Sections(rca, [Reviewer.Handle]), Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Nothing of yours was written", await stale.ProblemTextAsync(), StringComparison.Ordinal);

        // Action items: no owner or a past due date is refused; a prevent and a detect item.
        var noOwner = await author.PostJsonAsync($"/api/rcas/{id}/action-items", new { title = "Pin keep-alive", dueDate = "2026-12-01" });
        Assert.Contains("Every action item has an owner", await noOwner.ProblemTextAsync(), StringComparison.Ordinal);
        var past = await author.PostJsonAsync($"/api/rcas/{id}/action-items", new { title = "Pin keep-alive", owner = Author.Handle, dueDate = "2026-11-01" });
        Assert.Contains("is in the past", await past.ProblemTextAsync(), StringComparison.Ordinal);
        var prevent = await (await author.PostJsonAsync($"/api/rcas/{id}/action-items", new { title = "Pin the gateway client's keep-alive", owner = Author.Handle, dueDate = "2026-12-01", kind = "Prevent", priority = "P1" })).JsonAsync();
        var detect = await author.PostJsonAsync($"/api/rcas/{id}/action-items", new { title = "Alert on pool saturation", owner = Reviewer.Handle, dueDate = "2026-12-04", kind = "Detect" });
        // The answer's Location is the new item, and it can be read there.
        Assert.Equal(HttpStatusCode.Created, detect.StatusCode);
        var added = await (await author.GetAsync(detect.Headers.Location!, Ct)).JsonAsync();
        Assert.Equal(((await detect.JsonAsync()).GetProperty("id").GetInt32(), "Alert on pool saturation"), (added.GetProperty("id").GetInt32(), added.GetProperty("title").GetString()));
        Assert.Equal(HttpStatusCode.NotFound, (await author.GetAsync(new Uri("/api/action-items/999999", UriKind.Relative), Ct)).StatusCode);

        // Review: the author cannot approve their own; a stranger cannot either; the reviewer sends it back, then approves.
        Assert.Equal(HttpStatusCode.OK, (await author.PostJsonAsync($"/api/rcas/{id}/submit", new { })).StatusCode);
        var self = await author.PostJsonAsync($"/api/rcas/{id}/approve", new { });
        Assert.Equal(HttpStatusCode.Forbidden, self.StatusCode);
        Assert.Contains("cannot approve their own", await self.ProblemTextAsync(), StringComparison.Ordinal);
        using (var stranger = await _portal.SignedInClientAsync(Us[2].Handle))
        {
            Assert.Equal(HttpStatusCode.Forbidden, (await stranger.PostJsonAsync($"/api/rcas/{id}/approve", new { })).StatusCode);
        }
        await reviewer.PostJsonAsync($"/api/rcas/{id}/comments", new { section = "Lessons learned", text = "Say who pins the defaults." });
        Assert.Equal("Draft", (await (await reviewer.PostJsonAsync($"/api/rcas/{id}/request-changes", new { comment = "Name an owner for the lesson." })).JsonAsync()).GetProperty("state").GetString());
        Assert.Equal(HttpStatusCode.OK, (await author.PostJsonAsync($"/api/rcas/{id}/submit", new { })).StatusCode);
        Assert.Equal("Approved", (await (await reviewer.PostJsonAsync($"/api/rcas/{id}/approve", new { })).JsonAsync()).GetProperty("state").GetString());
        var published = await (await author.PostJsonAsync($"/api/rcas/{id}/publish", new { })).JsonAsync();
        Assert.Equal("Published", published.GetProperty("state").GetString());
        Assert.Equal(["Submitted", "Comment", "ChangesRequested", "Submitted", "Approved", "Published"],
            published.GetProperty("events").EnumerateArray().Select(e => e.GetProperty("kind").GetString()));

        // A published RCA changes only with a reason.
        var noReason = await author.PutAsJsonAsync(Url($"/api/rcas/{id}"), Sections(published, [Reviewer.Handle]), Ct);
        Assert.Contains("say why you change it", await noReason.ProblemTextAsync(), StringComparison.Ordinal);
        var revised = await (await author.PutAsJsonAsync(Url($"/api/rcas/{id}"), Sections(published, [Reviewer.Handle], "Corrected revenue"), Ct)).JsonAsync();
        var revision = revised.GetProperty("events").EnumerateArray().Single(e => e.GetProperty("kind").GetString() == "Revised");
        Assert.Equal("Corrected revenue", revision.GetProperty("text").GetString());
        var earlier = await author.GetStringAsync(Url($"/api/rcas/{id}/revisions/{revision.GetProperty("id").GetInt64()}"), Ct);
        Assert.Contains("· published ·", earlier, StringComparison.Ordinal);

        // The problem comes back before the fix is done: same family, not "after the fix".
        // Days pass (sign-ins are renewed: their cookies do not last that long).
        _portal.Clock.Advance(TimeSpan.FromDays(1));
        using var nextDay = await _portal.SignedInClientAsync(Author.Handle);
        var before = await AlertAsync("gw-eu-timeouts-2", "Payment gateway timeouts above 6% in EU");
        await ResolveAsync(nextDay, before);
        var scope = _portal.Services.CreateScope().ServiceProvider;
        var rcas = scope.GetRequiredService<RcaService>();
        var recurrence = scope.GetRequiredService<RecurrenceService>();
        var items = scope.GetRequiredService<ActionItemService>();
        await recurrence.AssignFamiliesAsync(cancellationToken: Ct);
        var view = await rcas.GetAsync(id, Ct);
        Assert.Contains(view.Family, f => f.Key == before && f.Reason == "same service and alert class" && !f.RecurredAfterFix);
        Assert.False(view.RecurredAfterFix);

        // The prevent action closes (a verification note is required), then it comes back: caught.
        Assert.Equal(HttpStatusCode.BadRequest, (await nextDay.PostJsonAsync($"/api/action-items/{prevent.GetProperty("id").GetInt32()}/close", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await nextDay.PostJsonAsync($"/api/action-items/{prevent.GetProperty("id").GetInt32()}/close", new { verification = "Released 4.2.1; pool stays under 40% at peak." })).StatusCode);
        _portal.Clock.Advance(TimeSpan.FromDays(2));
        using var later = await _portal.SignedInClientAsync(Author.Handle);
        var after = await AlertAsync("gw-eu-timeouts-3", "Payment gateway timeouts above 9% in EU");
        await recurrence.AssignFamiliesAsync(cancellationToken: Ct);
        view = await rcas.GetAsync(id, Ct);
        Assert.True(view.RecurredAfterFix);
        Assert.Equal(after, view.RecurrenceIncident);
        Assert.Contains(view.Family, f => f.Key == after && f.RecurredAfterFix);
        Assert.True(Portal.Shared.Incidents.IncidentNumber.TryParse(after, out var afterNumber));
        Assert.Contains(await rcas.RecurredAfterAsync(afterNumber, Ct), r => r.Id == id);
        var families = await (await later.GetAsync(Url("/api/recurrence-families"), Ct)).JsonAsync();
        Assert.Contains(families.EnumerateArray(), f => f.GetProperty("incidents").EnumerateArray().Any(i => i.GetProperty("key").GetString() == after && i.GetProperty("recurredAfterFix").GetBoolean()));

        var markdown = await later.GetStringAsync(Url($"/api/rcas/{id}/markdown"), Ct);
        Assert.Contains("## 5 Whys", markdown, StringComparison.Ordinal);
        Assert.Contains("  - **Why were connections held?** A new keep-alive default", markdown, StringComparison.Ordinal);
        Assert.Contains("| Pin the gateway client's keep-alive | Prevent | P1 |", markdown, StringComparison.Ordinal);
        Assert.Contains($"**Recurred after fix:** {after}", markdown, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadInputIsRefusedWithTheReason()
    {
        using var author = await _portal.SignedInClientAsync(Author.Handle);
        var unknown = await author.PostJsonAsync("/api/rcas", new { incidents = new[] { "INC-999999" } });
        Assert.Contains("There is no incident INC-999999", await unknown.ProblemTextAsync(), StringComparison.Ordinal);
        var none = await author.PostJsonAsync("/api/rcas", new { incidents = Array.Empty<string>() });
        Assert.Equal(HttpStatusCode.BadRequest, none.StatusCode);

        var key = await AlertAsync("gw-x", "Payment gateway timeouts above 3% in MX");
        var rca = await (await author.PostJsonAsync("/api/rcas", new { incidents = new[] { key } })).JsonAsync();
        var selfReview = await author.PutAsJsonAsync(Url($"/api/rcas/{rca.GetProperty("id").GetInt32()}"), Sections(rca, [Author.Handle]), Ct);
        Assert.Contains("The author cannot review their own RCA", await selfReview.ProblemTextAsync(), StringComparison.Ordinal);
        var link = await author.PostJsonAsync($"/api/rcas/{rca.GetProperty("id").GetInt32()}/link", new { incident = "INC-777777" });
        Assert.Contains("There is no incident INC-777777", await link.ProblemTextAsync(), StringComparison.Ordinal);
        using var manager = await _portal.SignedInClientAsync(Manager.Handle);
        Assert.Equal(HttpStatusCode.OK, (await manager.GetAsync(Url("/api/action-items/overdue?team=billing-support-us"), Ct)).StatusCode);
    }

    [Fact]
    public async Task OwnersAreRemindedOnceBeforeAnActionIsDue()
    {
        using var author = await _portal.SignedInClientAsync(Author.Handle);
        var key = await AlertAsync("gw-r", "Payment gateway timeouts above 4% in JP");
        var rca = await (await author.PostJsonAsync("/api/rcas", new { incidents = new[] { key } })).JsonAsync();
        var id = rca.GetProperty("id").GetInt32();
        await author.PostJsonAsync($"/api/rcas/{id}/action-items", new { title = "Due soon", owner = Reviewer.Handle, dueDate = "2026-11-21", kind = "Detect" });
        await author.PostJsonAsync($"/api/rcas/{id}/action-items", new { title = "Due later", owner = Reviewer.Handle, dueDate = "2026-12-20", kind = "Prevent" });

        var scope = _portal.Services.CreateScope().ServiceProvider;
        var rcas = scope.GetRequiredService<RcaService>();
        var recurrence = scope.GetRequiredService<RecurrenceService>();
        var items = scope.GetRequiredService<ActionItemService>();
        Assert.Equal(1, await items.RemindAsync(Ct));
        Assert.Equal(0, await items.RemindAsync(Ct));
        using var reviewer = await _portal.SignedInClientAsync(Reviewer.Handle);
        var inbox = await (await reviewer.GetAsync(Url("/api/notifications"), Ct)).JsonAsync();
        Assert.Single(inbox.EnumerateArray(), n => n.GetProperty("title").GetString() == "Action item due 2026-11-21: Due soon");

        // Two days later the first is overdue, per owner and per team.
        _portal.Clock.Advance(TimeSpan.FromDays(2));
        using var later = await _portal.SignedInClientAsync(Reviewer.Handle);
        var overdue = await (await later.GetAsync(Url($"/api/action-items/overdue?owner={Reviewer.Handle}"), Ct)).JsonAsync();
        Assert.Equal(["Due soon"], overdue.EnumerateArray().Select(a => a.GetProperty("title").GetString()));
        var team = await (await later.GetAsync(Url("/api/action-items/overdue?team=billing-support-us"), Ct)).JsonAsync();
        Assert.Equal(["Due soon"], team.EnumerateArray().Select(a => a.GetProperty("title").GetString()));
    }
}
