using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.OnCall;

public sealed class OnCallApiTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Admin = World.People.First(p => p.Role == PortalRole.Admin);
    private static readonly DemoPerson EuManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson[] EuEngineers = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU)];
    private static readonly DemoPerson UsEngineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.US);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private static object Document(string name, string? team = null, object[]? layers = null, int? version = null) => new
    {
        name, team, description = "test", swapsNeedApproval = false, version,
        layers = layers ?? [Layer(EuEngineers[0].Handle, EuEngineers[1].Handle)],
    };

    private static object Layer(params string[] members) => new
    {
        name = "Primary", members, rotation = "Daily", handoff = "09:00", zone = "Europe/Dublin", startDate = "2026-11-16", restrictions = Array.Empty<object>(),
    };

    private async Task<int> EuScheduleIdAsync()
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Schedules.Where(s => s.Name == DemoSchedules.RegionalName(RegionCode.EU)).Select(s => s.Id).SingleAsync(Ct);
    }

    [Fact]
    public async Task TheDemoWorldHasAFollowTheSunScheduleAndOnePerRegionalTeamWithOverrides()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineers[0].Handle);

        var schedules = (await (await client.GetAsync(Url("/api/schedules"), Ct)).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal(6, schedules.Count);
        Assert.Contains(schedules, s => s.GetProperty("name").GetString() == DemoSchedules.FollowTheSun && s.GetProperty("layers").GetInt32() == 6);

        // Friday 20 November 2026, 09:00 UTC: 09:00 in Dublin, so the global schedule is Europe's; the EU team's own
        // schedule has its demo override (covering 08:00 to 13:00 UTC).
        var now = (await (await client.GetAsync(Url("/api/oncall"), Ct)).JsonAsync()).EnumerateArray().ToList();
        var sun = now.Single(n => n.GetProperty("schedule").GetString() == DemoSchedules.FollowTheSun).GetProperty("person");
        Assert.Equal("EU business hours", sun.GetProperty("source").GetString());
        Assert.Contains(sun.GetProperty("handle").GetString(), EuEngineers.Select(e => e.Handle));
        Assert.Equal(new DateTimeOffset(2026, 11, 20, 17, 0, 0, TimeSpan.Zero), sun.GetProperty("until").GetDateTimeOffset());

        var eu = (await (await client.GetAsync(Url("/api/oncall?region=eu"), Ct)).JsonAsync()).EnumerateArray().Single();
        Assert.Equal("override", eu.GetProperty("person").GetProperty("source").GetString());
        Assert.Equal(EuEngineers[5].Handle, eu.GetProperty("person").GetProperty("handle").GetString());
    }

    [Fact]
    public async Task WhoIsOnCallCanBeAskedForAnyInstantAndFiltered()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineers[0].Handle);

        // Saturday noon UTC: the follow-the-sun schedule's weekend crew.
        var saturday = (await (await client.GetAsync(Url("/api/oncall?at=2026-11-21T12:00:00Z"), Ct)).JsonAsync()).EnumerateArray()
            .Single(n => n.GetProperty("schedule").GetString() == DemoSchedules.FollowTheSun);
        Assert.Equal("Weekend", saturday.GetProperty("person").GetProperty("source").GetString());

        var team = (await (await client.GetAsync(Url($"/api/oncall?team={DemoWorld.TeamSlug(RegionCode.JP)}"), Ct)).JsonAsync()).EnumerateArray().ToList();
        Assert.Equal([DemoSchedules.RegionalName(RegionCode.JP)], team.Select(t => t.GetProperty("schedule").GetString()));

        var bad = await client.GetAsync(Url("/api/oncall?region=XX"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("is not one of US, EU, JP, MX, AU", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManagerWritesAScheduleAsCodeAndReadsItsShiftsBack()
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var top = new
        {
            name = "Evenings", members = new[] { EuEngineers[2].Handle }, rotation = "Weekly", handoff = "09:00", zone = "Europe/Dublin", startDate = "2026-11-16",
            restrictions = new[] { new { days = new[] { "Monday", "Tuesday", "Wednesday", "Thursday", "Friday" }, from = "17:00", to = "22:00" } },
        };
        var response = await manager.PostJsonAsync("/api/schedules", Document("EU payments", DemoWorld.TeamSlug(RegionCode.EU), [top, Layer(EuEngineers[0].Handle, EuEngineers[1].Handle)]));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var created = await response.JsonAsync();
        var id = created.GetProperty("id").GetInt32();
        Assert.Equal("17:00", created.GetProperty("layers")[0].GetProperty("restrictions")[0].GetProperty("from").GetString());

        var shifts = await (await manager.GetAsync(Url($"/api/schedules/{id}/shifts?from=2026-11-23T00:00:00Z&to=2026-11-24T00:00:00Z"), Ct)).JsonAsync();
        var final = shifts.GetProperty("shifts").EnumerateArray()
            .Select(s => (s.GetProperty("handle").GetString(), s.GetProperty("start").GetDateTimeOffset().UtcDateTime.Hour, s.GetProperty("end").GetDateTimeOffset().UtcDateTime.Hour))
            .ToList();
        // Monday 23 Nov in Dublin (GMT), the 8th day of the daily rotation: the second person hands over to the first at
        // 09:00; the evening layer above takes 17:00–22:00.
        var first = EuEngineers[0].Handle;
        var second = EuEngineers[1].Handle;
        Assert.Equal([(first, 0, 9), (second, 9, 17), (EuEngineers[2].Handle, 17, 22), (second, 22, 0)], final);
        Assert.Empty(shifts.GetProperty("gaps").EnumerateArray());
        Assert.Equal(2, shifts.GetProperty("layers").GetArrayLength());

        var read = await (await manager.GetAsync(Url($"/api/schedules/{id}"), Ct)).JsonAsync();
        Assert.Equal([EuEngineers[0].Handle, EuEngineers[1].Handle], read.GetProperty("layers")[1].GetProperty("members").EnumerateArray().Select(m => m.GetString()));

        var renamed = await manager.PutAsJsonAsync(Url($"/api/schedules/{id}"), Document("EU payments primary", layers: [Layer(first)], version: 0), Ct);
        Assert.Equal(HttpStatusCode.OK, renamed.StatusCode);
        var stale = await manager.PutAsJsonAsync(Url($"/api/schedules/{id}"), Document("EU payments again", layers: [Layer(first)], version: 0), Ct);
        Assert.Equal(HttpStatusCode.Conflict, stale.StatusCode);
        Assert.Contains("Someone changed", (await stale.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NoContent, (await manager.DeleteAsync(Url($"/api/schedules/{id}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await manager.GetAsync(Url($"/api/schedules/{id}"), Ct)).StatusCode);
    }

    [Fact]
    public async Task ABadScheduleIsRefusedNamingEveryProblemAndNothingIsWritten()
    {
        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var layers = new object[]
        {
            new { name = "", members = Array.Empty<string>(), rotation = "Daily", handoff = "25:00", zone = "Europe/Atlantis", startDate = "2026-13-01", restrictions = Array.Empty<object>() },
            new { name = "Hourly", members = new[] { "nobody.here" }, rotation = "Hours", shiftHours = 0, handoff = "09:00", zone = "UTC", startDate = "2026-11-16",
                restrictions = new[] { new { days = Array.Empty<string>(), from = "9am", to = "17:00" } } },
        };

        var response = await manager.PostJsonAsync("/api/schedules", Document("", "no-such-team", layers));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        var fields = errors.EnumerateObject().Select(e => e.Name).ToHashSet();
        Assert.Superset(new HashSet<string> { "name", "team", "layers[0].members", "layers[0].handoff", "layers[0].zone", "layers[0].startDate",
            "layers[1].members", "layers[1].shiftHours", "layers[1].restrictions[0]" }, fields);
        Assert.Contains("not an IANA time zone", errors.GetProperty("layers[0].zone")[0].GetString(), StringComparison.Ordinal);
        Assert.Contains("at least one person", errors.GetProperty("layers[0].members")[0].GetString(), StringComparison.Ordinal);

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(6, await db.Schedules.CountAsync(Ct));
    }

    [Fact]
    public async Task EngineersReadSchedulesButOnlyManagersChangeThem()
    {
        using var engineer = await _portal.SignedInClientAsync(EuEngineers[0].Handle);

        Assert.Equal(HttpStatusCode.Forbidden, (await engineer.PostJsonAsync("/api/schedules", Document("Mine"))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await engineer.GetAsync(Url($"/api/schedules/{await EuScheduleIdAsync()}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await _portal.AnonymousClient().GetAsync(Url("/api/schedules"), Ct)).StatusCode);
    }

    [Fact]
    public async Task AnEngineerTakesAnOverrideAndIsOnCallNowWhileAnOverlapIsRefusedNamingTheOther()
    {
        var schedule = await EuScheduleIdAsync();
        var now = _portal.Clock.GetUtcNow();
        using var engineer = await _portal.SignedInClientAsync(EuEngineers[3].Handle);

        // The demo override runs until 13:00 UTC; this one starts when it ends.
        var response = await engineer.PostJsonAsync("/api/overrides", new { scheduleId = schedule, person = EuEngineers[3].Handle, start = now.AddHours(4), end = now.AddHours(8), reason = "Cover" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var atOne = (await (await engineer.GetAsync(Url($"/api/oncall?region=EU&at={Uri.EscapeDataString(now.AddHours(5).ToString("O"))}"), Ct)).JsonAsync()).EnumerateArray().Single();
        Assert.Equal(EuEngineers[3].Handle, atOne.GetProperty("person").GetProperty("handle").GetString());

        var overlap = await engineer.PostJsonAsync("/api/overrides", new { scheduleId = schedule, person = EuEngineers[3].Handle, start = now.AddHours(7), end = now.AddHours(9) });
        Assert.Equal(HttpStatusCode.Conflict, overlap.StatusCode);
        Assert.Contains($"{EuEngineers[3].Name}'s override", (await overlap.JsonAsync()).GetProperty("detail").GetString(), StringComparison.Ordinal);

        var past = await engineer.PostJsonAsync("/api/overrides", new { scheduleId = schedule, person = EuEngineers[3].Handle, start = now.AddDays(-2), end = now.AddDays(-1) });
        Assert.Equal(HttpStatusCode.BadRequest, past.StatusCode);
        Assert.Contains("not who was", (await past.JsonAsync()).GetProperty("errors").GetProperty("window")[0].GetString(), StringComparison.Ordinal);

        var inverted = await engineer.PostJsonAsync("/api/overrides", new { scheduleId = schedule, person = EuEngineers[3].Handle, start = now.AddDays(3), end = now.AddDays(2) });
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(2, await db.Overrides.CountAsync(o => o.ScheduleId == schedule, Ct));
    }

    [Fact]
    public async Task OnlyThePersonTheirManagerOrAnAdminPutsSomeoneOnCall()
    {
        var schedule = await EuScheduleIdAsync();
        var now = _portal.Clock.GetUtcNow();
        var body = new { scheduleId = schedule, person = EuEngineers[4].Handle, start = now.AddDays(1), end = now.AddDays(1).AddHours(2) };

        using var peer = await _portal.SignedInClientAsync(EuEngineers[3].Handle);
        var refused = await peer.PostJsonAsync("/api/overrides", body);
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        using var usEngineer = await _portal.SignedInClientAsync(UsEngineer.Handle);
        Assert.Equal(HttpStatusCode.Forbidden, (await usEngineer.PostJsonAsync("/api/overrides", body)).StatusCode);

        using var manager = await _portal.SignedInClientAsync(EuManager.Handle);
        var made = await manager.PostJsonAsync("/api/overrides", body);
        Assert.Equal(HttpStatusCode.Created, made.StatusCode);
        var id = (await made.JsonAsync()).GetProperty("id").GetInt32();

        Assert.Equal(HttpStatusCode.Forbidden, (await peer.DeleteAsync(Url($"/api/overrides/{id}"), Ct)).StatusCode);
        using var admin = await _portal.SignedInClientAsync(Admin.Handle);
        Assert.Equal(HttpStatusCode.NoContent, (await admin.DeleteAsync(Url($"/api/overrides/{id}"), Ct)).StatusCode);

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(["oncall.override-created", "oncall.override-deleted"],
            await db.AuditEntries.Where(a => a.Action.StartsWith("oncall.override")).OrderBy(a => a.Id).Select(a => a.Action).ToListAsync(Ct));
    }

    [Fact]
    public async Task ShiftsAreAskedForInABoundedWindow()
    {
        using var client = await _portal.SignedInClientAsync(EuEngineers[0].Handle);
        var id = await EuScheduleIdAsync();

        var inverted = await client.GetAsync(Url($"/api/schedules/{id}/shifts?from=2026-11-23T00:00:00Z&to=2026-11-22T00:00:00Z"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, inverted.StatusCode);
        var huge = await client.GetAsync(Url($"/api/schedules/{id}/shifts?from=2026-01-01T00:00:00Z&to=2028-01-01T00:00:00Z"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, huge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/api/schedules/999/shifts"), Ct)).StatusCode);

        var week = await (await client.GetAsync(Url($"/api/schedules/{id}/shifts"), Ct)).JsonAsync();
        Assert.Equal(JsonValueKind.Array, week.GetProperty("shifts").ValueKind);
        Assert.Contains(week.GetProperty("shifts").EnumerateArray(), s => s.GetProperty("overrideId").ValueKind == JsonValueKind.Number);
    }
}
