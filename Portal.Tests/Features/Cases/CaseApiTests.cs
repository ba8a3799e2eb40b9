using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Cases;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Live;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Cases;

public sealed class CaseApiTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Eu = World.People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Jp = World.People.First(p => p.Region == RegionCode.JP && p.Role == PortalRole.Engineer);

    // The demo's first advertiser is in the US (advertisers go round the regions); P2 runs on calendar hours.
    private static readonly string Advertiser = DemoAdvertisers.AccountId(0);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<JsonElement> OpenAsync(HttpClient client, object body)
    {
        var response = await client.PostJsonAsync("/api/cases", body);
        Assert.True(response.StatusCode == HttpStatusCode.Created, await response.Content.ReadAsStringAsync(Ct));
        return await response.JsonAsync();
    }

    private static DateTimeOffset Due(JsonElement c, string kind) =>
        c.GetProperty("clocks").EnumerateArray().Single(x => x.GetProperty("kind").GetString() == kind).GetProperty("due").GetDateTimeOffset();

    [Fact]
    public async Task OpeningACaseAnswersWithItsNumberClocksAndConversation()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        var created = await OpenAsync(client, new
        {
            advertiser = Advertiser, subject = "Card charged twice for invoice 7781", body = "We see two debits of 1,204.50 USD.", category = "duplicate-charge",
            priority = "P2", tags = new[] { "Visa" }, disputedAmount = 1204.5m, currency = "usd",
        });
        Assert.Matches("^CASE-[0-9]+$", created.GetProperty("key").GetString());
        Assert.Equal("New", created.GetProperty("status").GetString());
        Assert.Equal("Api", created.GetProperty("channel").GetString());
        Assert.Equal("US", created.GetProperty("region").GetString());
        Assert.Equal(1204.5m, created.GetProperty("disputedAmount").GetDecimal());
        Assert.Equal("USD", created.GetProperty("currency").GetString());
        var now = _portal.Clock.GetUtcNow();
        Assert.Equal(now.AddHours(4), Due(created, "FirstReply"));
        Assert.Equal(now.AddHours(24), Due(created, "Resolution"));
        var message = Assert.Single(created.GetProperty("messages").EnumerateArray());
        Assert.Equal("Advertiser", message.GetProperty("kind").GetString());
        var listed = await (await client.GetAsync(Url($"/api/cases?advertiser={Advertiser}&unassigned=true"), Ct)).JsonAsync();
        Assert.Contains(listed.GetProperty("items").EnumerateArray(), r => r.GetProperty("key").GetString() == created.GetProperty("key").GetString());
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task BadInputIsA400NamingEachFieldAndWritesNothing()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        var response = await client.PostJsonAsync("/api/cases", new
        {
            advertiser = "ACC-NOPE", subject = "", category = "lottery", channel = "Email", disputedAmount = 10.12345m, assignee = "no.one", team = "nope",
        });
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        foreach (var field in new[] { "advertiser", "subject", "category", "channel", "disputedAmount", "currency", "assignee", "team" })
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
        // An enum as a number is refused by name, before any service runs.
        var numeric = await client.PostJsonAsync("/api/cases", new { advertiser = Advertiser, subject = "x", priority = 2 });
        Assert.Equal(HttpStatusCode.BadRequest, numeric.StatusCode);
        await using var db = _portal.OpenContext();
        Assert.False(await db.Cases.AnyAsync(Ct));
    }

    [Fact]
    public async Task WaitingOnTheAdvertiserPausesTheResolutionClock()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        var created = await OpenAsync(client, new { advertiser = Advertiser, subject = "Refund not received", priority = "P2" });
        var key = created.GetProperty("key").GetString();
        var resolutionDue = Due(created, "Resolution");
        _portal.Clock.Advance(TimeSpan.FromHours(1));
        var replied = await (await client.PostJsonAsync($"/api/cases/{key}/replies", new { body = "Which card was it?", then = "PendingAdvertiser", version = 1 })).JsonAsync();
        Assert.Equal("PendingAdvertiser", replied.GetProperty("status").GetString());
        Assert.True(replied.GetProperty("clocks").EnumerateArray().Single(c => c.GetProperty("kind").GetString() == "Resolution").GetProperty("paused").GetBoolean());

        _portal.Clock.Advance(TimeSpan.FromHours(6));
        var resumed = await (await client.PostJsonAsync($"/api/cases/{key}/status", new { status = "Open" })).JsonAsync();
        Assert.Equal(resolutionDue.AddHours(6), Due(resumed, "Resolution"));
        Assert.DoesNotContain(resumed.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "SlaBreached");
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task TwoPeopleReplyingToTheSameVersionMakeOneReplyAndTheOtherIsToldWho()
    {
        using var eu = await _portal.SignedInClientAsync(Eu.Handle);
        using var jp = await _portal.SignedInClientAsync(Jp.Handle);
        var key = (await OpenAsync(eu, new { advertiser = Advertiser, subject = "Tax invoice needed" })).GetProperty("key").GetString();
        var first = await eu.PostJsonAsync($"/api/cases/{key}/replies", new { body = "On it.", version = 1 });
        var second = await jp.PostJsonAsync($"/api/cases/{key}/replies", new { body = "Looking now.", version = 1 });
        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, second.StatusCode);
        Assert.Contains(Eu.Name, await second.ProblemTextAsync(), StringComparison.Ordinal);
        var detail = await (await eu.GetAsync(Url($"/api/cases/{key}"), Ct)).JsonAsync();
        Assert.Single(detail.GetProperty("messages").EnumerateArray(), m => m.GetProperty("kind").GetString() == "Reply");
    }

    [Fact]
    public async Task AnInternalNoteStaysInternalAndDoesNotChangeTheVersion()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        var key = (await OpenAsync(client, new { advertiser = Advertiser, subject = "Budget cap ignored" })).GetProperty("key").GetString();
        var noted = await (await client.PostJsonAsync($"/api/cases/{key}/notes", new { body = "Looks like the pacing bug from INC-12." })).JsonAsync();
        Assert.Equal(1, noted.GetProperty("version").GetInt32());
        Assert.Equal("Note", noted.GetProperty("messages").EnumerateArray().Single().GetProperty("kind").GetString());
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync($"/api/cases/{key}/notes", new { body = " " })).StatusCode);
    }

    [Fact]
    public async Task ADuplicateMergedIntoAnotherClosesAndPointsToIt()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        var survivor = (await OpenAsync(client, new { advertiser = Advertiser, subject = "Charged twice" })).GetProperty("key").GetString();
        var duplicate = (await OpenAsync(client, new { advertiser = Advertiser, subject = "Charged twice (again)" })).GetProperty("key").GetString();
        var merged = await (await client.PostJsonAsync($"/api/cases/{duplicate}/merge", new { into = survivor })).JsonAsync();
        Assert.Equal("Closed", merged.GetProperty("status").GetString());
        Assert.True(CaseNumber.TryParse(survivor, out var survivorNumber));
        Assert.Equal(survivorNumber, merged.GetProperty("mergedInto").GetInt64());
        var target = await (await client.GetAsync(Url($"/api/cases/{survivor}"), Ct)).JsonAsync();
        Assert.Contains(target.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "Merged");
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync($"/api/cases/{duplicate}/replies", new { body = "hello" })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync($"/api/cases/{survivor}/merge", new { into = survivor })).StatusCode);
    }

    [Fact]
    public async Task TheMonitorRecordsAMissedFirstReplyOnceAndTellsTheQueue()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        var created = await OpenAsync(client, new { advertiser = Advertiser, subject = "Payment failed", priority = "P1" });
        var number = created.GetProperty("number").GetInt64();
        var feed = _portal.Services.GetRequiredService<ILiveFeed>();
        var heard = new List<CaseChanged>();
        using var subscription = feed.SubscribeCases(c =>
        {
            lock (heard)
            {
                heard.Add(c);
            }
            return ValueTask.CompletedTask;
        });
        _portal.Clock.Advance(TimeSpan.FromMinutes(61));
        using (var scope = _portal.Services.CreateScope())
        {
            var monitor = scope.ServiceProvider.GetRequiredService<CaseSlaMonitor>();
            await monitor.RecordBreachesAsync(Ct);
            await monitor.RecordBreachesAsync(Ct);
        }
        var detail = await (await client.GetAsync(Url($"/api/cases/{created.GetProperty("key").GetString()}"), Ct)).JsonAsync();
        var breach = Assert.Single(detail.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "SlaBreached");
        Assert.Equal("FirstReply", breach.GetProperty("to").GetString());
        var breached = await (await client.GetAsync(Url("/api/cases?breached=true"), Ct)).JsonAsync();
        Assert.Contains(breached.GetProperty("items").EnumerateArray(), r => r.GetProperty("number").GetInt64() == number);
        await Eventually.TrueAsync(() =>
        {
            lock (heard)
            {
                return heard.Any(h => h.Number == number && h.Kind == CaseEventKind.SlaBreached);
            }
        });
    }

    [Fact]
    public async Task TheQueuePagesByKeysetWithoutRepeatsAndFindsWhatIsBreachingSoon()
    {
        using var client = await _portal.SignedInClientAsync(Eu.Handle);
        for (var i = 0; i < 7; i++)
        {
            await OpenAsync(client, new { advertiser = DemoAdvertisers.AccountId(i), subject = $"Case {i}", priority = i == 0 ? "P1" : "P4" });
        }
        var seen = new List<long>();
        string? cursor = null;
        do
        {
            var page = await (await client.GetAsync(Url($"/api/cases?limit=3{(cursor is null ? "" : "&cursor=" + cursor)}"), Ct)).JsonAsync();
            seen.AddRange(page.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("number").GetInt64()));
            cursor = page.GetProperty("nextCursor").ValueKind == JsonValueKind.Null ? null : page.GetProperty("nextCursor").GetString();
        }
        while (cursor is not null);
        Assert.Equal(7, seen.Distinct().Count());
        Assert.Equal(seen.OrderDescending(), seen);
        // The P1 (a reply due in an hour) is breaching soon; the P4s (eight business hours) are not.
        var soon = await (await client.GetAsync(Url("/api/cases?breachingSoon=true"), Ct)).JsonAsync();
        Assert.Equal(["Case 0"], soon.GetProperty("items").EnumerateArray().Select(r => r.GetProperty("subject").GetString()));
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(Url("/api/cases?cursor=zz&status=Nope&priority=P9"), Ct)).StatusCode);
    }

    [Fact]
    public async Task AdminsEditTheCaseSlaAndRegionCalendarsAndNewCasesFollowThem()
    {
        var admin = World.People.Single(p => p.Role == PortalRole.Admin);
        using var client = await _portal.SignedInClientAsync(admin.Handle);
        using var engineer = await _portal.SignedInClientAsync(Eu.Handle);
        var calendar = new { opens = "08:00", closes = "16:00", workingDays = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }, holidays = new[] { "2026-11-20" } };
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PutJsonAsync("/api/case-settings/calendars/EU", calendar)).StatusCode);
        var bad = await client.PutJsonAsync("/api/case-settings/calendars/EU", new { opens = "25:00", closes = "07:00", workingDays = Array.Empty<string>(), holidays = new[] { "someday" } });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        var errors = (await bad.JsonAsync()).GetProperty("errors");
        Assert.All(new[] { "opens", "workingDays", "holidays" }, f => Assert.True(errors.TryGetProperty(f, out _), f));
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync("/api/case-settings/calendars/EU", calendar)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PutJsonAsync("/api/case-settings/sla-policies/P3", new { firstReplyMinutes = 60, resolutionMinutes = 480, businessHours = true })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PutJsonAsync("/api/case-settings/sla-policies/P3", new { firstReplyMinutes = 600, resolutionMinutes = 60 })).StatusCode);

        // The portal's clock reads Friday 20 November 2026, 09:00 UTC: now a holiday in the EU. A self-serve EU advertiser's
        // P3 case has its first reply due Monday 23 November, 08:00 Dublin time (UTC) + 1 h.
        var index = DemoAdvertisers.Generate().Select((a, i) => (a, i)).First(x => x.a.Region == "EU" && x.a.Tier == "SelfServe").i;
        var created = await OpenAsync(client, new { advertiser = DemoAdvertisers.AccountId(index), subject = "Tax invoice", priority = "P3" });
        Assert.Equal("EU", created.GetProperty("region").GetString());
        Assert.Equal(DateTimeOffset.Parse("2026-11-23T09:00:00Z", CultureInfo.InvariantCulture), Due(created, "FirstReply"));
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
