using System.Net;
using System.Text.Json;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Incidents;

public sealed class IncidentApiTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuEngineer = World.People.First(p => p.Region == Portal.Shared.Admin.RegionCode.EU && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson UsEngineer = World.People.First(p => p.Region == Portal.Shared.Admin.RegionCode.US && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<JsonElement> CreateAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/incidents", body);
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return await response.JsonAsync();
    }

    [Fact]
    public async Task CreatingAnIncidentAnswersWithItsNumberAndTimeline()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineer.Handle);
        var created = await CreateAsync(client, new { title = "Invoice PDFs fail to render", severity = "SEV2", service = "invoicing", advertisersAffected = 120, revenueAtRiskUsd = 45000.5, tags = new[] { "pdf", "Render" } });

        var key = created.GetProperty("key").GetString()!;
        Assert.Matches("^INC-[0-9]+$", key);
        Assert.Equal("SEV2", created.GetProperty("severity").GetString());
        Assert.Equal("Triggered", created.GetProperty("status").GetString());
        Assert.Equal("invoicing", created.GetProperty("service").GetString());
        Assert.Equal("billing-support-eu", created.GetProperty("team").GetString());
        Assert.Equal("EU", created.GetProperty("region").GetString());
        Assert.Equal(["pdf", "render"], created.GetProperty("tags").EnumerateArray().Select(t => t.GetString()));
        // The demo's escalation policy for invoicing may already have paged level 1 (its own entry); that is not what this checks.
        var created0 = Assert.Single(created.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() is not ("Paged" or "Escalated"));
        Assert.Equal("Created", created0.GetProperty("kind").GetString());
        Assert.Equal(EuEngineer.Name, created0.GetProperty("actor").GetString());
        Assert.Equal(_portal.Clock.GetUtcNow(), created0.GetProperty("at").GetDateTimeOffset());
        var sla = created.GetProperty("sla").EnumerateArray().ToList();
        Assert.Equal(_portal.Clock.GetUtcNow().AddMinutes(15), sla.Single(c => c.GetProperty("kind").GetString() == "Acknowledge").GetProperty("due").GetDateTimeOffset());

        var detail = await (await client.GetAsync(Url($"/api/incidents/{key}"), Ct)).JsonAsync();
        Assert.Equal(created.GetProperty("number").GetInt64(), detail.GetProperty("number").GetInt64());
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task BadInputIsA400NamingEachField()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineer.Handle);
        var response = await client.PostJsonAsync("/api/incidents", new { title = new string('x', 201), service = "nope", region = "UK", assignee = "no.one", advertisersAffected = -1 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "title", "service", "region", "assignee", "advertisersAffected" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"{field} is not named");
        }

        var empty = await client.PostJsonAsync("/api/incidents", new { title = " " });
        Assert.Contains("title", (await empty.JsonAsync()).GetProperty("errors").EnumerateObject().Select(p => p.Name));

        var badEnum = await client.PostJsonAsync("/api/incidents", new { title = "x", severity = "SEV9" });
        Assert.Equal(HttpStatusCode.BadRequest, badEnum.StatusCode);
        Assert.Contains("severity", await badEnum.Content.ReadAsStringAsync(Ct), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task AnUnknownNumberIsA404Problem()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineer.Handle);
        foreach (var path in new[] { "/api/incidents/INC-999999", "/api/incidents/not-a-number" })
        {
            var response = await client.GetAsync(Url(path), Ct);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
        var act = await client.PostJsonAsync("/api/incidents/INC-999999/acknowledge", new { });
        Assert.Equal(HttpStatusCode.NotFound, act.StatusCode);
    }

    [Fact]
    public async Task TheWholeLifeOfAnIncidentIsOnItsTimeline()
    {
        using var eu = await _portal.SignedInClientAsync(EuEngineer.Handle);
        var key = (await CreateAsync(eu, new { title = "Payments settlement lag", service = "payments" })).GetProperty("key").GetString();

        await Ok(eu.PostJsonAsync($"/api/incidents/{key}/acknowledge", new { }));
        await Ok(eu.PostJsonAsync($"/api/incidents/{key}/severity", new { severity = "SEV1" }));
        await Ok(eu.PostJsonAsync($"/api/incidents/{key}/commander", new { commander = UsEngineer.Handle }));
        await Ok(eu.PostJsonAsync($"/api/incidents/{key}/assign", new { assignee = UsEngineer.Handle }));
        Assert.Equal(HttpStatusCode.Created, (await eu.PostJsonAsync($"/api/incidents/{key}/comments", new { text = "Settlement batch **stuck** at step 4" })).StatusCode);
        Assert.Equal(HttpStatusCode.Created, (await eu.PostJsonAsync($"/api/incidents/{key}/stakeholder-updates", new { text = "Payouts delayed ~30 min for US advertisers." })).StatusCode);
        await Ok(eu.PostJsonAsync($"/api/incidents/{key}/mitigate", new { }));
        var noNote = await eu.PostJsonAsync($"/api/incidents/{key}/resolve", new { });
        Assert.Equal(HttpStatusCode.BadRequest, noNote.StatusCode);
        Assert.True((await noNote.JsonAsync()).GetProperty("errors").TryGetProperty("note", out _));
        var resolved = await Ok(eu.PostJsonAsync($"/api/incidents/{key}/resolve", new { note = "Restarted the settlement worker." }));
        Assert.Equal("Resolved", resolved.GetProperty("status").GetString());
        var reopened = await Ok(eu.PostJsonAsync($"/api/incidents/{key}/reopen", new { note = "Lag is back." }));
        Assert.Equal("Acknowledged", reopened.GetProperty("status").GetString());

        // The demo's escalation policy pages whoever is on call for the service; those entries are left out here.
        var kinds = reopened.GetProperty("timeline").EnumerateArray().Select(t => t.GetProperty("kind").GetString()).Where(k => k is not ("Paged" or "Escalated")).ToList();
        Assert.Equal(["Created", "Acknowledged", "Assigned", "SeverityChanged", "CommanderSet", "Assigned", "Comment", "StakeholderUpdate", "StatusChanged", "StatusChanged", "StatusChanged"], kinds);
        Assert.Equal(UsEngineer.Handle, reopened.GetProperty("assignee").GetString());
        Assert.Equal(UsEngineer.Handle, reopened.GetProperty("commander").GetString());
        Assert.Equal("SEV1", reopened.GetProperty("severity").GetString());
    }

    [Fact]
    public async Task AnIllegalTransitionIsA409WithASentence()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineer.Handle);
        var key = (await CreateAsync(client, new { title = "Tax documents missing" })).GetProperty("key").GetString();
        await Ok(client.PostJsonAsync($"/api/incidents/{key}/acknowledge", new { }));

        var again = await client.PostJsonAsync($"/api/incidents/{key}/acknowledge", new { });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);
        var detail = (await again.JsonAsync()).GetProperty("detail").GetString();
        Assert.StartsWith($"{key} is already acknowledged. Acknowledged by {EuEngineer.Name} at ", detail, StringComparison.Ordinal);

        var reopen = await client.PostJsonAsync($"/api/incidents/{key}/reopen", new { });
        Assert.Equal(HttpStatusCode.Conflict, reopen.StatusCode);
    }

    [Fact]
    public async Task AStaleVersionIsA409SayingWhoChangedItAndWhenInTheViewersZone()
    {
        using var eu = await _portal.SignedInClientAsync(EuEngineer.Handle);
        using var us = await _portal.SignedInClientAsync(UsEngineer.Handle);
        var created = await CreateAsync(eu, new { title = "Budget caps ignored", service = "budgets" });
        var key = created.GetProperty("key").GetString();
        var seenVersion = created.GetProperty("version").GetInt32();

        await Ok(eu.PostJsonAsync($"/api/incidents/{key}/acknowledge", new { version = seenVersion }));
        var stale = await us.PostJsonAsync($"/api/incidents/{key}/mitigate", new { version = seenVersion });

        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        // 2026-11-20 09:00 UTC is 04:00 in New York (EST) for the US engineer... or their own zone's hour.
        var expected = NodaTime.Text.ZonedDateTimePattern.CreateWithInvariantCulture("HH:mm x", null)
            .Format(NodaTime.Instant.FromDateTimeOffset(_portal.Clock.GetUtcNow()).InZone(NodaTime.DateTimeZoneProviders.Tzdb[UsEngineer.TimeZone]));
        Assert.Equal($"{key} changed while you were looking: Acknowledged by {EuEngineer.Name} at {expected}.",
            (await stale.JsonAsync()).GetProperty("detail").GetString());
        var detail = await (await us.GetAsync(Url($"/api/incidents/{key}"), Ct)).JsonAsync();
        Assert.Equal("Acknowledged", detail.GetProperty("status").GetString());
    }

    [Fact]
    public async Task TheListShowsOpenIncidentsByDefaultAndFilters()
    {
        using var eu = await _portal.SignedInClientAsync(EuEngineer.Handle);
        var a = (await CreateAsync(eu, new { title = "FX rates stale", service = "fx-rates", severity = "SEV2" })).GetProperty("number").GetInt64();
        var b = (await CreateAsync(eu, new { title = "Ledger drift", service = "advertiser-ledger", severity = "SEV4", assignee = EuEngineer.Handle })).GetProperty("number").GetInt64();
        var c = (await CreateAsync(eu, new { title = "Promo codes rejected", region = "MX", severity = "SEV3" })).GetProperty("number").GetInt64();
        await Ok(eu.PostJsonAsync($"/api/incidents/INC-{c}/resolve", new { note = "Config rollback." }));

        Assert.Equal([b, a], await NumbersAsync(eu, "/api/incidents"));
        Assert.Equal([c, b, a], await NumbersAsync(eu, "/api/incidents?status=all"));
        Assert.Equal([c], await NumbersAsync(eu, "/api/incidents?status=resolved"));
        Assert.Equal([b], await NumbersAsync(eu, "/api/incidents?mine=true"));
        Assert.Equal([a], await NumbersAsync(eu, "/api/incidents?unassigned=true"));
        Assert.Equal([a], await NumbersAsync(eu, "/api/incidents?severity=SEV1,SEV2"));
        Assert.Equal([c], await NumbersAsync(eu, "/api/incidents?status=all&region=mx"));
        Assert.Equal([a], await NumbersAsync(eu, "/api/incidents?service=fx-rates"));
        Assert.Equal([b], await NumbersAsync(eu, "/api/incidents?q=ledger"));
        Assert.Equal([a], await NumbersAsync(eu, $"/api/incidents?q=INC-{a}"));
        Assert.Equal([a, b], await NumbersAsync(eu, "/api/incidents?sort=severity"));

        foreach (var bad in new[] { "limit=501", "limit=0", "status=bogus", "severity=SEV7", "region=UK", "cursor=zzz", "sort=age" })
        {
            var response = await eu.GetAsync(Url($"/api/incidents?{bad}"), Ct);
            Assert.True(response.StatusCode == HttpStatusCode.BadRequest, $"{bad} gave {(int)response.StatusCode}");
        }
    }

    [Fact]
    public async Task KeysetPagingIsStableWhileIncidentsArrive()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineer.Handle);
        var numbers = new List<long>();
        for (var i = 0; i < 7; i++)
        {
            numbers.Add((await CreateAsync(client, new { title = $"Alert {i}" })).GetProperty("number").GetInt64());
        }

        var first = await (await client.GetAsync(Url("/api/incidents?limit=3"), Ct)).JsonAsync();
        var seen = Numbers(first).ToList();
        // Two new incidents arrive between pages; they belong before the cursor and must not shift what follows.
        await CreateAsync(client, new { title = "Arrived late 1" });
        await CreateAsync(client, new { title = "Arrived late 2" });
        var cursor = first.GetProperty("nextCursor").GetString();
        while (cursor is not null)
        {
            var page = await (await client.GetAsync(Url($"/api/incidents?limit=3&cursor={cursor}"), Ct)).JsonAsync();
            seen.AddRange(Numbers(page));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }

        Assert.Equal(numbers.OrderDescending(), seen);
    }

    private static IEnumerable<long> Numbers(JsonElement page) =>
        page.GetProperty("items").EnumerateArray().Select(i => i.GetProperty("number").GetInt64());

    /// <summary>The incident numbers of a list request that answered 200 (also used by the title search tests).</summary>
    internal static async Task<List<long>> NumbersAsync(HttpClient client, string path)
    {
        var response = await client.GetAsync(Url(path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return Numbers(await response.JsonAsync()).ToList();
    }

    private static async Task<JsonElement> Ok(Task<HttpResponseMessage> call)
    {
        var response = await call;
        var body = await response.Content.ReadAsStringAsync(Ct);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
