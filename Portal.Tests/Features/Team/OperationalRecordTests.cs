using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Shared.Rca;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Team;

/// <summary>A person's operational record against a small history whose figures are worked out by hand in the comments.</summary>
public sealed class OperationalRecordTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.US);
    private static readonly DemoPerson[] Us = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.US)];
    private static readonly DemoPerson Me = Us[0];
    private static readonly DemoPerson Other = Us[1];

    // Two whole weeks ending at the fake clock's now (Friday 2026-11-20 09:00 UTC).
    private static readonly DateTimeOffset From = new(2026, 11, 6, 9, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset To = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private static DateTimeOffset At(int day, int hour, int minute = 0) => new(2026, 11, day, hour, minute, 0, TimeSpan.Zero);

    private async Task SeedAsync()
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var me = await db.People.SingleAsync(p => p.Handle == Me.Handle, Ct);
        var other = await db.People.SingleAsync(p => p.Handle == Other.Handle, Ct);
        me.TimeZone = "America/New_York";

        // A: SEV2, mine; I acknowledged after 12 min; resolved after 120 min.
        // B: SEV3, assigned to someone else; I acknowledged after 30 min (so I handled it); resolved after 180 min.
        // C: SEV1, I was commander only (not handled by me); acknowledged by the other engineer.
        // D: SEV3, mine, never acknowledged nor resolved: handled, but in neither mean.
        // E: mine, but before the period.
        var a = Incident("A", Severity.SEV2, At(10, 10), me.Id, null, At(10, 12));
        var b = Incident("B", Severity.SEV3, At(12, 2), other.Id, null, At(12, 5));
        var c = Incident("C", Severity.SEV1, At(14, 8), other.Id, me.Id, At(14, 9));
        var d = Incident("D", Severity.SEV3, At(15, 11), me.Id, null, null);
        var e = Incident("E", Severity.SEV2, new DateTimeOffset(2026, 10, 1, 9, 0, 0, TimeSpan.Zero), me.Id, null, null);
        db.Incidents.AddRange(a, b, c, d, e);
        await db.SaveChangesAsync(Ct);
        db.Timeline.AddRange(
            Ack(a, me, At(10, 10, 12)), Ack(b, me, At(12, 2, 30)), Ack(c, other, At(14, 8, 5)), Ack(e, me, new DateTimeOffset(2026, 10, 1, 9, 5, 0, TimeSpan.Zero)));

        // RCAs: one opened in the period, one before it.
        var inPeriod = new RcaDocument { Title = "Ledger replay", AuthorId = me.Id, CreatedAt = At(16, 9), UpdatedAt = At(16, 9), Version = 1 };
        var before = new RcaDocument { Title = "Old one", AuthorId = me.Id, CreatedAt = new DateTimeOffset(2026, 10, 2, 9, 0, 0, TimeSpan.Zero), UpdatedAt = At(16, 9), Version = 1 };
        db.Rcas.AddRange(inPeriod, before);
        await db.SaveChangesAsync(Ct);
        // Action items: closed early (on time), closed two days late, open past due (overdue now), closed before the period.
        db.ActionItems.AddRange(
            Action(inPeriod, me, new DateOnly(2026, 11, 15), At(14, 12)),
            Action(inPeriod, me, new DateOnly(2026, 11, 10), At(12, 12)),
            Action(inPeriod, me, new DateOnly(2026, 11, 18), null),
            Action(before, me, new DateOnly(2026, 10, 5), new DateTimeOffset(2026, 10, 1, 12, 0, 0, TimeSpan.Zero)));

        // Pages, in New York: Thu 02:30 (night, so off-hours), Wed 10:00 (working hours), Sat 13:00 (weekend, so off-hours).
        db.Notifications.AddRange(Page(me, At(12, 7, 30)), Page(me, At(11, 15)), Page(me, At(14, 18)));
        await db.SaveChangesAsync(Ct);
    }

    private static Incident Incident(string title, Severity severity, DateTimeOffset triggered, int assignee, int? commander, DateTimeOffset? resolved) => new()
    {
        Title = title, Severity = severity, TriggeredAt = triggered, UpdatedAt = triggered, AssigneeId = assignee, CommanderId = commander, ResolvedAt = resolved,
        Status = resolved is null ? IncidentStatus.Triggered : IncidentStatus.Resolved, Region = RegionCode.US,
    };

    private static TimelineEvent Ack(Incident incident, Person by, DateTimeOffset at) => new()
    {
        IncidentNumber = incident.Number, IncidentVersion = 2, Kind = TimelineEventKind.Acknowledged, ActorId = by.Id, ActorName = by.Name, At = at,
    };

    private static ActionItem Action(RcaDocument rca, Person owner, DateOnly due, DateTimeOffset? closed) => new()
    {
        RcaId = rca.Id, Title = $"due {due}", OwnerId = owner.Id, DueDate = due, Status = closed is null ? ActionStatus.Open : ActionStatus.Closed, ClosedAt = closed,
        CreatedAt = At(6, 9), Version = 1,
    };

    private static Notification Page(Person to, DateTimeOffset at) => new() { PersonId = to.Id, Kind = NotificationKind.Page, Title = "paged", CreatedAt = at };

    private async Task OnCallAloneAsync()
    {
        using var manager = await _portal.SignedInClientAsync(Manager.Handle);
        var created = await manager.PostAsJsonAsync(Url("/api/schedules"), new
        {
            name = "Only me", team = DemoWorld.TeamSlug(RegionCode.US),
            layers = new[] { new { name = "Primary", members = new[] { Me.Handle }, rotation = "Daily", handoff = "09:00", zone = "UTC", startDate = "2026-11-01" } },
        }, Ct);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
    }

    [Fact]
    public async Task TheRecordMatchesAHandComputedHistory()
    {
        await SeedAsync();
        await OnCallAloneAsync();
        using var client = await _portal.SignedInClientAsync(Me.Handle);
        var response = await client.GetAsync(Url($"/api/people/{Me.Handle}/record?from={Uri.EscapeDataString(From.ToString("O"))}&to={Uri.EscapeDataString(To.ToString("O"))}"), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var r = await response.JsonAsync();

        Assert.Equal(3, r.GetProperty("handled").GetInt32());                                  // A, B, D
        Assert.Equal(1, r.GetProperty("handledBySeverity").GetProperty("SEV2").GetInt32());     // A
        Assert.Equal(2, r.GetProperty("handledBySeverity").GetProperty("SEV3").GetInt32());     // B, D
        Assert.False(r.GetProperty("handledBySeverity").TryGetProperty("SEV1", out _));        // C was commanded, not handled
        Assert.Equal(21, r.GetProperty("mttaMinutes").GetDouble());                            // (12 + 30) / 2
        Assert.Equal(150, r.GetProperty("mttrMinutes").GetDouble());                           // (120 + 180) / 2
        Assert.Equal(1, r.GetProperty("commanded").GetInt32());                                // C
        Assert.Equal(336, r.GetProperty("onCallHours").GetDouble());                           // alone on a schedule, 14 × 24 h
        Assert.Equal(3, r.GetProperty("pages").GetInt32());
        Assert.Equal(2, r.GetProperty("offHoursPages").GetInt32());                            // Thursday night, Saturday
        Assert.Equal(1, r.GetProperty("nightPages").GetInt32());                               // Thursday 02:30
        Assert.Equal(1, r.GetProperty("rcasAuthored").GetInt32());
        Assert.Equal(2, r.GetProperty("actionItemsClosed").GetInt32());
        Assert.Equal(1, r.GetProperty("actionItemsClosedOnTime").GetInt32());
        Assert.Equal(1, r.GetProperty("actionItemsOverdue").GetInt32());

        var weeks = r.GetProperty("weeks").EnumerateArray().ToList();
        Assert.Equal(2, weeks.Count);
        // Week 1 (6–13 Nov): A and B; week 2 (13–20 Nov): C (commanded) and D.
        Assert.Equal((2, 0, 21.0, 150.0, 168.0, 1), Week(weeks[0]));
        Assert.Equal(1, weeks[1].GetProperty("handled").GetInt32());
        Assert.Equal(1, weeks[1].GetProperty("commanded").GetInt32());
        Assert.Equal(JsonValueKind.Null, weeks[1].GetProperty("mttaMinutes").ValueKind);
        Assert.Equal(168.0, weeks[1].GetProperty("onCallHours").GetDouble());
        Assert.Equal(1, weeks[1].GetProperty("offHoursPages").GetInt32());
    }

    private static (int, int, double, double, double, int) Week(JsonElement w) =>
        (w.GetProperty("handled").GetInt32(), w.GetProperty("commanded").GetInt32(), w.GetProperty("mttaMinutes").GetDouble(), w.GetProperty("mttrMinutes").GetDouble(),
            w.GetProperty("onCallHours").GetDouble(), w.GetProperty("offHoursPages").GetInt32());

    [Fact]
    public async Task AnEmptyPeriodHasZerosAndNoMeans()
    {
        using var client = await _portal.SignedInClientAsync(Me.Handle);
        var r = await (await client.GetAsync(Url($"/api/people/{Me.Handle}/record?from=2025-01-01T00:00:00Z&to=2025-01-15T00:00:00Z"), Ct)).JsonAsync();

        Assert.Equal(0, r.GetProperty("handled").GetInt32());
        Assert.Equal(JsonValueKind.Null, r.GetProperty("mttaMinutes").ValueKind);
        Assert.Equal(0, r.GetProperty("onCallHours").GetDouble());
        Assert.Equal(2, r.GetProperty("weeks").GetArrayLength());
    }

    [Fact]
    public async Task ABackwardsOrTooLongPeriodIsA400()
    {
        using var client = await _portal.SignedInClientAsync(Me.Handle);
        var backwards = await client.GetAsync(Url($"/api/people/{Me.Handle}/record?from=2026-11-10T00:00:00Z&to=2026-11-01T00:00:00Z"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("The period must end after it starts.", await backwards.ProblemTextAsync(), StringComparison.Ordinal);
        var tooLong = await client.GetAsync(Url($"/api/people/{Me.Handle}/record?from=2024-01-01T00:00:00Z&to=2026-11-01T00:00:00Z"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
    }
}
