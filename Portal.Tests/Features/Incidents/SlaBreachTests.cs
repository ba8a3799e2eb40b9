using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Shared.Incidents;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Incidents;

public sealed class SlaBreachTests : IAsyncDisposable
{
    // The hosted processor scans once at start and then sleeps for a day of the fake clock, so these tests drive
    // RecordBreachesAsync themselves; the last test runs a portal whose processor scans every 30 s.
    private PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["Sla:ScanInterval"] = "1.00:00:00" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IncidentQueries Service() => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<IncidentQueries>();

    private SlaBreachService Breaches() => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<SlaBreachService>();

    private async Task<(HttpClient Client, long Number)> Sev1Async()
    {
        var client = await _portal.SignedInClientAsync("grace.coleman");
        var created = await (await client.PostJsonAsync("/api/incidents", new { title = "Payments down in EU", severity = "SEV1" })).JsonAsync();
        return (client, created.GetProperty("number").GetInt64());
    }

    [Fact]
    public async Task AnUnacknowledgedSev1IsRecordedAsBreachedOnceAfterFiveMinutes()
    {
        var (client, number) = await Sev1Async();
        _portal.Clock.Advance(TimeSpan.FromMinutes(4));
        Assert.Equal(0, await Breaches().RecordBreachesAsync(Ct));

        _portal.Clock.Advance(TimeSpan.FromMinutes(1) + TimeSpan.FromSeconds(1));
        // Two nodes scanning at the same moment record the breach once.
        var counts = await Task.WhenAll(Task.Run(() => Breaches().RecordBreachesAsync(Ct), Ct), Task.Run(() => Breaches().RecordBreachesAsync(Ct), Ct));
        Assert.Equal(1, counts.Sum());
        Assert.Equal(0, await Breaches().RecordBreachesAsync(Ct));

        var detail = (await Service().DetailAsync(number, Ct))!;
        var breach = Assert.Single(detail.Timeline, t => t.Kind == TimelineEventKind.SlaBreached);
        Assert.Equal(SlaBreachService.SlaMonitor, breach.Actor);
        Assert.Contains("Not acknowledged within the SEV1 target", breach.Text, StringComparison.Ordinal);
        var breached = await (await client.GetAsync(Url("/api/incidents?breached=true"), Ct)).JsonAsync();
        Assert.Equal(number, Assert.Single(breached.GetProperty("items").EnumerateArray()).GetProperty("number").GetInt64());
        client.Dispose();
    }

    [Fact]
    public async Task ReopeningRestartsTheClocksSoAnOnTimeFirstRoundRecordsNoBreach()
    {
        var (client, number) = await Sev1Async();
        var key = $"INC-{number}";
        _portal.Clock.Advance(TimeSpan.FromMinutes(2));
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/incidents/{key}/mitigate", new { })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/incidents/{key}/resolve", new { note = "Rolled back the card router." })).StatusCode);

        // Three hours later, well past the first round's 60-minute target, the problem is back.
        _portal.Clock.Advance(TimeSpan.FromHours(3));
        var reopened = await client.PostJsonAsync($"/api/incidents/{key}/reopen", new { note = "Declines are back." });
        Assert.Equal(HttpStatusCode.OK, reopened.StatusCode);
        Assert.Equal(0, await Breaches().RecordBreachesAsync(Ct));
        Assert.DoesNotContain((await Service().DetailAsync(number, Ct))!.Timeline, t => t.Kind == TimelineEventKind.SlaBreached);
        var mitigate = Assert.Single((await Service().DetailAsync(number, Ct))!.Sla, c => c.Kind == SlaKind.Mitigate);
        Assert.Equal(_portal.Clock.GetUtcNow().AddMinutes(60), mitigate.Due);

        // The restarted clock runs out like the first: an hour after the reopen, unmet, it is recorded once.
        _portal.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Equal(1, await Breaches().RecordBreachesAsync(Ct));
        var breach = Assert.Single((await Service().DetailAsync(number, Ct))!.Timeline, t => t.Kind == TimelineEventKind.SlaBreached);
        Assert.Contains("Not mitigated within the SEV1 target", breach.Text, StringComparison.Ordinal);
        client.Dispose();
    }

    [Fact]
    public async Task ALateAcknowledgementRecordsTheBreachInTheSameChange()
    {
        var (client, number) = await Sev1Async();
        _portal.Clock.Advance(TimeSpan.FromMinutes(7));
        var acked = await client.PostJsonAsync($"/api/incidents/INC-{number}/acknowledge", new { });
        Assert.Equal(HttpStatusCode.OK, acked.StatusCode);

        var detail = (await Service().DetailAsync(number, Ct))!;
        var breach = Assert.Single(detail.Timeline, t => t.Kind == TimelineEventKind.SlaBreached);
        Assert.Equal(_portal.Clock.GetUtcNow().AddMinutes(-2), breach.At);
        Assert.True(detail.Sla.Single(c => c.Kind == SlaKind.Acknowledge).Breached);
        Assert.Equal(0, await Breaches().RecordBreachesAsync(Ct));
        client.Dispose();
    }

    [Fact]
    public async Task AnAcknowledgementInTimeIsNeverABreach()
    {
        var (client, number) = await Sev1Async();
        _portal.Clock.Advance(TimeSpan.FromMinutes(3));
        await client.PostJsonAsync($"/api/incidents/INC-{number}/acknowledge", new { });
        _portal.Clock.Advance(TimeSpan.FromMinutes(30));
        Assert.Equal(0, await Breaches().RecordBreachesAsync(Ct));
        Assert.DoesNotContain((await Service().DetailAsync(number, Ct))!.Timeline, t => t.Kind == TimelineEventKind.SlaBreached);
        client.Dispose();
    }

    [Fact]
    public async Task TheBackgroundProcessorRecordsBreachesAsTimePasses()
    {
        await _portal.DisposeAsync();
        _portal = new PortalFactory(settings: new Dictionary<string, string?> { ["Sla:ScanInterval"] = "00:00:30" });
        var (client, number) = await Sev1Async();
        for (var i = 0; i < 20 && !(await Service().DetailAsync(number, Ct))!.Timeline.Any(t => t.Kind == TimelineEventKind.SlaBreached); i++)
        {
            _portal.Clock.Advance(TimeSpan.FromSeconds(30));
            await Task.Delay(50, Ct);
        }
        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && !(await Service().DetailAsync(number, Ct))!.Timeline.Any(t => t.Kind == TimelineEventKind.SlaBreached))
        {
            await Task.Delay(50, Ct);
        }
        Assert.Single((await Service().DetailAsync(number, Ct))!.Timeline, t => t.Kind == TimelineEventKind.SlaBreached);
        client.Dispose();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
