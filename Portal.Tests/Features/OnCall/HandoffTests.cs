using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.OnCall;

public sealed class HandoffTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson EuManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
    private static readonly DemoPerson[] Eu = [.. World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU)];

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public async Task TheOutgoingEngineerSendsTheDraftedHandoffAndTheIncomingOneReadsIt()
    {
        // Daily from Monday 09:00 Dublin: Eu[0] holds Friday the 20th until Saturday 09:00, then Eu[1].
        using (var manager = await _portal.SignedInClientAsync(EuManager.Handle))
        {
            var schedule = await manager.PostJsonAsync("/api/schedules", new
            {
                name = "EU ledger", team = DemoWorld.TeamSlug(RegionCode.EU), swapsNeedApproval = false,
                layers = new[] { new { name = "Primary", members = new[] { Eu[0].Handle, Eu[1].Handle }, rotation = "Daily", handoff = "09:00", zone = "Europe/Dublin", startDate = "2026-11-16" } },
            });
            Assert.Equal(HttpStatusCode.Created, schedule.StatusCode);
            await manager.PostJsonAsync("/api/incidents", new { title = "Ledger totals drift for EU advertisers", severity = "SEV2", team = DemoWorld.TeamSlug(RegionCode.EU) });
            await manager.PostJsonAsync("/api/incidents", new { title = "JP invoice PDFs slow", severity = "SEV3", team = DemoWorld.TeamSlug(RegionCode.JP) });
        }
        _portal.Clock.Advance(TimeSpan.FromHours(13));

        using var outgoing = await _portal.SignedInClientAsync(Eu[0].Handle);
        var mine = (await (await outgoing.GetAsync(Url("/api/handoffs/mine"), Ct)).JsonAsync()).EnumerateArray().Single(h => h.GetProperty("schedule").GetString() == "EU ledger");
        Assert.False(mine.GetProperty("sent").GetBoolean());
        Assert.Equal(Eu[1].Handle, mine.GetProperty("incoming").GetString());
        var draft = mine.GetProperty("body").GetString()!;
        Assert.Contains("Ledger totals drift for EU advertisers", draft, StringComparison.Ordinal);
        Assert.DoesNotContain("JP invoice PDFs slow", draft, StringComparison.Ordinal);

        var sent = await outgoing.PostJsonAsync("/api/handoffs", new { scheduleId = mine.GetProperty("scheduleId").GetInt32(), body = draft + "- Watch the 06:00 ledger export.\n" });
        Assert.Equal(HttpStatusCode.OK, sent.StatusCode);
        var empty = await outgoing.PostJsonAsync("/api/handoffs", new { scheduleId = mine.GetProperty("scheduleId").GetInt32(), body = " " });
        Assert.Equal(HttpStatusCode.BadRequest, empty.StatusCode);

        using var incoming = await _portal.SignedInClientAsync(Eu[1].Handle);
        var notes = await (await incoming.GetAsync(Url("/api/handoffs/incoming"), Ct)).JsonAsync();
        var note = Assert.Single(notes.EnumerateArray());
        Assert.Equal(Eu[0].Handle, note.GetProperty("author").GetString());
        Assert.Contains("Watch the 06:00 ledger export", note.GetProperty("body").GetString(), StringComparison.Ordinal);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(1, await db.Notifications.CountAsync(n => n.Kind == NotificationKind.Handoff && db.People.Any(p => p.Id == n.PersonId && p.Handle == Eu[1].Handle), Ct));

        // Someone who is not on call has nothing to hand over.
        using var other = await _portal.SignedInClientAsync(Eu[3].Handle);
        var refused = await other.PostJsonAsync("/api/handoffs", new { scheduleId = mine.GetProperty("scheduleId").GetInt32(), body = "hi" });
        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
    }
}
