using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Features.OnCall;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Scenarios;

/// <summary>
/// Alert → page → escalate → acknowledge, on a fake clock. The hosted processor is woken when an incident starts
/// escalating and otherwise sleeps a day of the fake clock, so the tests take the later steps themselves, as a
/// second node would.
/// </summary>
public sealed class EscalationScenarioTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson[] EuEngineers = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU)];
    private static readonly DemoPerson First = EuEngineers[0];
    private static readonly DemoPerson Second = EuEngineers[1];

    private readonly WebhookListener _hook = new();
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Escalation:ScanInterval"] = "1.00:00:00",
        ["Notifications:ScanInterval"] = "1.00:00:00",
        ["Notifications:FirstRetryDelay"] = "00:00:00.050",
        ["Notifications:AttemptTimeout"] = "00:00:02",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _hook.DisposeAsync();
    }

    private T Service<T>() where T : notnull => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    private async Task<int> PolicyAsync(int repeat, params (int Delay, string Handle)[] levels)
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var response = await manager.PostJsonAsync("/api/escalation-policies", new
        {
            name = "Invoicing escalation", team = DemoWorld.TeamSlug(RegionCode.EU), repeat, services = new[] { "invoicing" },
            levels = levels.Select(l => new { delayMinutes = l.Delay, targets = new[] { new { kind = "Person", @ref = l.Handle } } }),
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("id").GetInt32();
    }

    private async Task<long> TriggerAsync()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineers[4].Handle);
        var created = await (await client.PostJsonAsync("/api/incidents", new { title = "Invoices not generated for EU", severity = "SEV2", service = "invoicing" })).JsonAsync();
        return created.GetProperty("number").GetInt64();
    }

    private async Task<List<TimelineEntry>> EscalationEntriesAsync(long number) =>
        [.. (await Service<IncidentQueries>().DetailAsync(number, Ct))!.Timeline.Where(t => t.Kind is TimelineEventKind.Paged or TimelineEventKind.Escalated)];

    private async Task<int> PagesAsync(DemoPerson person)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Notifications.CountAsync(n => n.Kind == NotificationKind.Page && db.People.Any(p => p.Id == n.PersonId && p.Handle == person.Handle), Ct);
    }

    private async Task StepAsync(TimeSpan advance)
    {
        _portal.Clock.Advance(advance);
        await Service<EscalationService>().ProcessDueAsync(Ct);
    }

    private async Task<IncidentEscalation> StateAsync(long number)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Escalations.AsNoTracking().SingleAsync(e => e.IncidentNumber == number, Ct);
    }

    [Fact]
    public async Task AnUnacknowledgedIncidentClimbsThePolicyAndAcknowledgingStopsIt()
    {
        await PolicyAsync(0, (10, First.Handle), (10, Second.Handle));
        var number = await TriggerAsync();

        // Level 1 goes out as soon as the incident commits: the processor is woken, not left to its next scan.
        await Eventually.TrueAsync(() => PagesAsync(First).Result == 1);
        var paged = Assert.Single(await EscalationEntriesAsync(number));
        Assert.Equal(EscalationService.Escalator, paged.Actor);
        Assert.Contains($"Level 1 paged {First.Name}", paged.Text, StringComparison.Ordinal);

        await StepAsync(TimeSpan.FromMinutes(9));
        Assert.Single(await EscalationEntriesAsync(number));
        Assert.Equal(0, await PagesAsync(Second));

        await StepAsync(TimeSpan.FromMinutes(1));
        var entries = await EscalationEntriesAsync(number);
        Assert.Equal([TimelineEventKind.Paged, TimelineEventKind.Escalated, TimelineEventKind.Paged], entries.Select(e => e.Kind));
        Assert.Contains("Not acknowledged within 10 minutes: escalating to level 2", entries[1].Text, StringComparison.Ordinal);
        Assert.Contains($"Level 2 paged {Second.Name}", entries[2].Text, StringComparison.Ordinal);
        Assert.Equal(1, await PagesAsync(Second));

        using (var second = await _portal.SignedInClientAsync(Second.Handle))
        {
            Assert.Equal(HttpStatusCode.OK, (await second.PostJsonAsync($"/api/incidents/INC-{number}/acknowledge", new { })).StatusCode);
        }
        await StepAsync(TimeSpan.FromMinutes(30));
        Assert.Equal(3, (await EscalationEntriesAsync(number)).Count);
        Assert.Equal(EscalationState.Stopped, (await StateAsync(number)).State);
        Assert.Equal(1, await PagesAsync(First));
    }

    [Fact]
    public async Task RepeatsStartThePolicyAgainThenItFinishes()
    {
        await PolicyAsync(1, (5, First.Handle));
        var number = await TriggerAsync();
        await Eventually.TrueAsync(() => PagesAsync(First).Result == 1);

        await StepAsync(TimeSpan.FromMinutes(5));
        Assert.Equal(2, await PagesAsync(First));
        Assert.Contains("starting \"Invoicing escalation\" again from level 1 (repeat 1 of 1)", (await EscalationEntriesAsync(number))[1].Text, StringComparison.Ordinal);

        await StepAsync(TimeSpan.FromMinutes(5));
        var last = (await EscalationEntriesAsync(number))[^1];
        Assert.Equal(TimelineEventKind.Escalated, last.Kind);
        Assert.Contains("Escalation finished", last.Text, StringComparison.Ordinal);
        Assert.Equal(EscalationState.Exhausted, (await StateAsync(number)).State);

        await StepAsync(TimeSpan.FromHours(1));
        Assert.Equal(2, await PagesAsync(First));
        Assert.Equal(4, (await EscalationEntriesAsync(number)).Count);
    }

    [Fact]
    public async Task TwoProcessorsRacingForTheSameStepPageOnce()
    {
        await PolicyAsync(0, (10, First.Handle), (10, Second.Handle));
        var number = await TriggerAsync();
        await Eventually.TrueAsync(() => PagesAsync(First).Result == 1);

        _portal.Clock.Advance(TimeSpan.FromMinutes(10));
        var taken = await Task.WhenAll(
            Task.Run(() => Service<EscalationService>().ProcessDueAsync(Ct), Ct),
            Task.Run(() => Service<EscalationService>().ProcessDueAsync(Ct), Ct));
        // The node's own processor, woken when the incident was triggered, may run late (a loaded machine) and be a
        // third racer: the step is taken once in all, by whichever got there first.
        Assert.True(taken.Sum() <= 1, $"the step was taken {taken.Sum()} times by the two racers");
        await Eventually.TrueAsync(() => PagesAsync(Second).Result == 1);
        Assert.Equal(1, await PagesAsync(Second));
        Assert.Single(await EscalationEntriesAsync(number), e => e.Kind == TimelineEventKind.Escalated);
    }

    [Fact]
    public async Task OneRoundTakesEveryDueStepAndStopsJustTheOneAcknowledgedMeanwhile()
    {
        await PolicyAsync(0, (10, First.Handle), (10, Second.Handle));
        var numbers = new List<long>();
        for (var i = 0; i < 4; i++)
        {
            numbers.Add(await TriggerAsync());
        }
        await Eventually.TrueAsync(() => PagesAsync(First).Result == 4);
        using (var first = await _portal.SignedInClientAsync(First.Handle))
        {
            Assert.Equal(HttpStatusCode.OK, (await first.PostJsonAsync($"/api/incidents/INC-{numbers[1]}/acknowledge", new { })).StatusCode);
        }

        _portal.Clock.Advance(TimeSpan.FromMinutes(10));
        // One call, one round: all four due steps are claimed together; the acknowledged incident's is stopped.
        var taken = await Service<EscalationService>().ProcessDueAsync(Ct);
        await Eventually.TrueAsync(() => PagesAsync(Second).Result == 3);
        Assert.True(taken <= 4, $"{taken} steps were taken for four due escalations");
        Assert.Equal(EscalationState.Stopped, (await StateAsync(numbers[1])).State);
        Assert.Equal([TimelineEventKind.Paged], (await EscalationEntriesAsync(numbers[1])).Select(e => e.Kind));
        foreach (var number in numbers.Where(n => n != numbers[1]))
        {
            Assert.Equal([TimelineEventKind.Paged, TimelineEventKind.Escalated, TimelineEventKind.Paged], (await EscalationEntriesAsync(number)).Select(e => e.Kind));
            var state = await StateAsync(number);
            Assert.Equal((EscalationState.Active, 2), (state.State, state.Level));
        }
        Assert.Equal(4, await PagesAsync(First));
    }

    [Fact]
    public async Task AFailingWebhookIsRetriedThenMarkedFailedAndTheNextLevelStillEscalatesOnTime()
    {
        _hook.Answer = _ => (500, TimeSpan.Zero);
        using (var first = await _portal.SignedInClientAsync(First.Handle))
        {
            var channel = await first.PostJsonAsync("/api/notifications/channels", new { kind = "Webhook", name = "My pager bridge", target = _hook.Url() });
            Assert.Equal(HttpStatusCode.Created, channel.StatusCode);
        }
        await PolicyAsync(0, (10, First.Handle), (10, Second.Handle));
        var number = await TriggerAsync();

        // Retries back off on the portal's clock: let a few seconds of it pass (far less than level 1's ten minutes).
        using var reader = await _portal.SignedInClientAsync(First.Handle);
        for (var i = 0; i < 200 && !((await Deliveries()) is [{ } d] && d.GetProperty("state").GetString() == "Failed"); i++)
        {
            _portal.Clock.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20, Ct);
        }
        var delivery = (await Deliveries())[0];
        Assert.Equal(4, delivery.GetProperty("attempts").GetInt32());
        Assert.Equal("500 Error", delivery.GetProperty("lastError").GetString());
        Assert.Equal(4, _hook.Requests.Count);

        await StepAsync(TimeSpan.FromMinutes(10));
        Assert.Equal(1, await PagesAsync(Second));

        async Task<List<System.Text.Json.JsonElement>> Deliveries() =>
            [.. (await (await reader.GetAsync(HttpExtensions.Url($"/api/incidents/INC-{number}/escalation"), Ct)).JsonAsync()).GetProperty("deliveries").EnumerateArray()];
    }

    [Fact]
    public async Task ALevelWithNobodyOnCallEscalatesAtOnceAndSaysSo()
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var empty = await (await manager.PostJsonAsync("/api/schedules", new
        {
            name = "Weekend only", team = DemoWorld.TeamSlug(RegionCode.EU), swapsNeedApproval = false,
            layers = new[] { new { name = "Weekends", members = new[] { First.Handle }, rotation = "Weekly", handoff = "09:00", zone = "Europe/Dublin", startDate = "2026-11-02",
                restrictions = new[] { new { days = new[] { "Saturday", "Sunday" }, from = "00:00", to = "00:00" } } } },
        })).JsonAsync();
        var response = await manager.PostJsonAsync("/api/escalation-policies", new
        {
            name = "Weekend first", repeat = 0, services = new[] { "invoicing" },
            levels = new object[]
            {
                new { delayMinutes = 10, targets = new[] { new { kind = "Schedule", @ref = empty.GetProperty("id").GetInt32().ToString(System.Globalization.CultureInfo.InvariantCulture) } } },
                new { delayMinutes = 10, targets = new[] { new { kind = "Person", @ref = Second.Handle } } },
            },
        });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);

        // 2026-11-20 is a Friday: the weekend layer covers nobody, so level 2 is paged without waiting.
        var number = await TriggerAsync();
        await Eventually.TrueAsync(() => PagesAsync(Second).Result == 1);
        var entries = await EscalationEntriesAsync(number);
        Assert.Contains("Level 1 found nobody to page: Weekend only (nobody on call)", entries[0].Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task BadPoliciesAreRefusedWithTheRuleNamed()
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        object Policy(string name, int repeat, int delay, string kind, string reference) => new
        {
            name, repeat, levels = new[] { new { delayMinutes = delay, targets = new[] { new { kind, @ref = reference } } } },
        };

        var tooMany = await manager.PostJsonAsync("/api/escalation-policies", Policy("Too many", 10, 5, "Person", First.Handle));
        Assert.Equal(HttpStatusCode.BadRequest, tooMany.StatusCode);
        Assert.Contains("Repeat between 0 and 9 times", await tooMany.ProblemTextAsync(), StringComparison.Ordinal);

        var zero = await manager.PostJsonAsync("/api/escalation-policies", Policy("No wait", 0, 0, "Person", First.Handle));
        Assert.Contains("Level 1 waits between 1 and 1440 minutes", await zero.ProblemTextAsync(), StringComparison.Ordinal);

        var nobody = await manager.PostJsonAsync("/api/escalation-policies", Policy("Ghost", 0, 5, "Person", "no.such.person"));
        Assert.Contains("There is no person \"no.such.person\"", await nobody.ProblemTextAsync(), StringComparison.Ordinal);

        var a = (await (await manager.PostJsonAsync("/api/escalation-policies", Policy("A", 0, 5, "Person", First.Handle))).JsonAsync()).GetProperty("id").GetInt32();
        var b = (await (await manager.PostJsonAsync("/api/escalation-policies", Policy("B", 0, 5, "Policy", "A"))).JsonAsync()).GetProperty("id").GetInt32();
        var loop = await manager.PutAsJsonAsync(HttpExtensions.Url($"/api/escalation-policies/{a}"), Policy("A", 0, 5, "Policy", b.ToString(System.Globalization.CultureInfo.InvariantCulture)), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, loop.StatusCode);
        Assert.Contains("hand incidents back to itself (\"A\" → \"B\" → \"A\")", await loop.ProblemTextAsync(), StringComparison.Ordinal);

        var self = await manager.PutAsJsonAsync(HttpExtensions.Url($"/api/escalation-policies/{a}"), Policy("A", 0, 5, "Policy", "A"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, self.StatusCode);

        using var engineer = await _portal.SignedInClientAsync(First.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostJsonAsync("/api/escalation-policies", Policy("Mine", 0, 5, "Person", First.Handle))).StatusCode);
    }

    [Fact]
    public async Task PagesShowInTheOnCallLoadAndNightPagesAreTheOnesThatWokeSomeone()
    {
        await PolicyAsync(0, (30, First.Handle));
        var dayStart = _portal.Clock.GetUtcNow();
        await TriggerAsync();
        await Eventually.TrueAsync(() => PagesAsync(First).Result == 1);

        // 23:30 that Friday in the engineer's own zone: a page that wakes them.
        var zone = NodaTime.DateTimeZoneProviders.Tzdb[First.TimeZone];
        var lateNight = new NodaTime.LocalDateTime(2026, 11, 20, 23, 30).InZoneLeniently(zone).ToDateTimeOffset();
        _portal.Clock.Advance(lateNight - _portal.Clock.GetUtcNow());
        await TriggerAsync();
        await Eventually.TrueAsync(() => PagesAsync(First).Result == 2);

        var load = await Service<OnCallLoadService>().LoadAsync(dayStart.AddHours(-9), dayStart.AddDays(2), [First.Handle], cancellationToken: Ct);
        var mine = Assert.Single(load);
        Assert.Equal((2, 1, 1), (mine.Pages, mine.OffHoursPages, mine.NightPages));

        using var client = await _portal.SignedInClientAsync(First.Handle);
        var team = await (await client.GetAsync(HttpExtensions.Url($"/api/oncall/load?team={DemoWorld.TeamSlug(RegionCode.EU)}&from=2026-11-20T00:00:00Z&to=2026-11-22T00:00:00Z"), Ct)).JsonAsync();
        Assert.Equal(2, team.EnumerateArray().Single(l => l.GetProperty("handle").GetString() == First.Handle).GetProperty("pages").GetInt32());
        Assert.All(team.EnumerateArray(), l => Assert.Contains(l.GetProperty("handle").GetString(), EuEngineers.Select(e => e.Handle).Append(EuManager.Handle)));
        Assert.Contains(team.EnumerateArray(), l => l.GetProperty("hoursOnCall").GetDouble() > 0);
        var inverted = await client.GetAsync(HttpExtensions.Url("/api/oncall/load?from=2026-11-22T00:00:00Z&to=2026-11-20T00:00:00Z"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);
    }
}
