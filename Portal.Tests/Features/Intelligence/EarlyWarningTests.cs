using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Intelligence;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Intelligence;

/// <summary>
/// Early warnings on the suite's database: a quiet weekly history of payments incidents, then six in twenty minutes.
/// The spike is warned once (service and region), pushed live, sent to the on-call as a low-urgency notification,
/// opens no incident, and ends when the window passes.
/// </summary>
public sealed class EarlyWarningTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["AI:Warnings"] = "true", ["AI:WarningInterval"] = "1.00:00:00" });
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.JP && p.Role == Portal.Shared.Team.PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private async Task AddIncidentsAsync(IEnumerable<DateTimeOffset> times)
    {
        _ = _portal.Server; // started: the database is made and seeded
        await using var db = _portal.OpenContext();
        var payments = await db.Services.SingleAsync(s => s.Slug == "payments", Ct);
        foreach (var at in times)
        {
            db.Incidents.Add(new Incident
            {
                Title = "Card payments declined", ServiceId = payments.Id, TeamId = payments.OwningTeamId, Region = RegionCode.JP, TriggeredAt = at, UpdatedAt = at,
                Status = IncidentStatus.Resolved, ResolvedAt = at.AddMinutes(30),
            });
        }
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task ASpikeAgainstTheHourOfTheWeekIsWarnedOnceNotifiedLiveAndEndsWhenItPasses()
    {
        var now = _portal.Clock.GetUtcNow();
        await AddIncidentsAsync(Enumerable.Range(1, 8).Select(week => now.AddDays(-7 * week).AddMinutes(5)));
        var warnings = _portal.Services.GetRequiredService<EarlyWarningService>();
        Assert.Equal(0, await warnings.EvaluateAsync(Ct));

        var heard = new List<LiveNotice>();
        using var subscription = _portal.Services.GetRequiredService<ILiveFeed>().SubscribeNotices(n =>
        {
            lock (heard)
            {
                heard.Add(n);
            }
            return ValueTask.CompletedTask;
        });
        await AddIncidentsAsync(Enumerable.Range(1, 6).Select(i => now.AddMinutes(-3 * i)));
        int incidentsBefore;
        await using (var db = _portal.OpenContext())
        {
            incidentsBefore = await db.Incidents.CountAsync(Ct);
        }
        // The node's own processor may run the round first (it runs one at start); either way the warnings begin once.
        await warnings.EvaluateAsync(Ct);

        await using (var db = _portal.OpenContext())
        {
            var open = await db.EarlyWarnings.Where(w => w.EndedAt == null).OrderBy(w => w.Scope).ToListAsync(Ct);
            Assert.Equal([("region", "JP", "incidents"), ("service", "payments", "incidents")], open.Select(w => (w.Scope, w.Subject, w.Signal)));
            var service = open[1];
            Assert.Equal(6, service.Observed);
            Assert.Equal("payments incidents: 6 in the last 20 min where the Fri 09:00 UTC baseline is near zero; for 20 min", service.Text);
            // Low urgency to whoever is on call for the payments team: a notification, never a page, and no incident opened.
            var notices = await db.Notifications.Where(n => n.Kind == NotificationKind.Warning).ToListAsync(Ct);
            Assert.NotEmpty(notices);
            Assert.All(notices, n => Assert.Equal("/insights", n.Link));
            Assert.DoesNotContain(await db.Notifications.Where(n => n.Kind == NotificationKind.Page).ToListAsync(Ct), n => n.CreatedAt >= now.AddMinutes(-1));
            Assert.Equal(incidentsBefore, await db.Incidents.CountAsync(Ct));
        }
        await Eventually.TrueAsync(() =>
        {
            lock (heard)
            {
                return heard.Count(n => n.Topic == EarlyWarningService.Topic && n.Kind == "warning") == 2;
            }
        });

        // Still firing a little later: the same warnings, updated, not new ones.
        _portal.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(0, await warnings.EvaluateAsync(Ct));
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var insights = await (await client.GetAsync(Url("/api/insights"), Ct)).JsonAsync();
        Assert.Equal(2, insights.GetProperty("active").GetArrayLength());
        Assert.Equal(15, insights.GetProperty("forecast").GetArrayLength());
        Assert.Contains("four weeks", insights.GetProperty("method").GetString(), StringComparison.Ordinal);

        // A window later without another incident: both end, and stay listed as ended.
        _portal.Clock.Advance(TimeSpan.FromMinutes(20));
        Assert.Equal(0, await warnings.EvaluateAsync(Ct));
        insights = await (await client.GetAsync(Url("/api/insights"), Ct)).JsonAsync();
        Assert.Equal(0, insights.GetProperty("active").GetArrayLength());
        Assert.Equal(2, insights.GetProperty("recent").GetArrayLength());
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task WithoutTwoWeeksOfHistoryNothingIsWarnedAndTheInsightsPageAsksForAnEngineer()
    {
        var now = _portal.Clock.GetUtcNow();
        await AddIncidentsAsync(Enumerable.Range(1, 8).Select(i => now.AddMinutes(-2 * i)));
        Assert.Equal(0, await _portal.Services.GetRequiredService<EarlyWarningService>().EvaluateAsync(Ct));
        Assert.Equal(HttpStatusCode.Unauthorized, (await _portal.AnonymousClient().GetAsync(Url("/api/insights"), Ct)).StatusCode);
    }
}
