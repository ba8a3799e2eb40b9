using System.Net;
using Ical.Net;
using Portal.Features.OnCall;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.OnCall;

public sealed class CalendarFeedTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Engineer = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU).ElementAt(5);

    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private static async Task<string> NewFeedAsync(HttpClient client, int? scheduleId)
    {
        var response = await client.PostJsonAsync("/api/calendar-feeds", new { scheduleId });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var url = (await response.JsonAsync()).GetProperty("url").GetString()!;
        Assert.Matches(@"^http://localhost/ical/[A-Za-z0-9_-]{43}\.ics$", url);
        return new Uri(url).AbsolutePath;
    }

    /// <summary>The final shifts of every schedule (or one) over the feed's reach, as (start, end) in UTC.</summary>
    private async Task<List<(DateTime Start, DateTime End)>> ShiftsAsync(HttpClient client, Func<string, bool> whose, int? only = null)
    {
        var now = _portal.Clock.GetUtcNow();
        var from = Uri.EscapeDataString((now - CalendarFeedService.Behind).ToString("O"));
        var to = Uri.EscapeDataString((now + CalendarFeedService.Ahead).ToString("O"));
        var schedules = (await (await client.GetAsync(Url("/api/schedules"), Ct)).JsonAsync()).EnumerateArray().Select(s => s.GetProperty("id").GetInt32())
            .Where(id => only is null || id == only);
        var shifts = new List<(DateTime, DateTime)>();
        foreach (var id in schedules)
        {
            var body = await (await client.GetAsync(Url($"/api/schedules/{id}/shifts?from={from}&to={to}"), Ct)).JsonAsync();
            shifts.AddRange(body.GetProperty("shifts").EnumerateArray().Where(s => whose(s.GetProperty("handle").GetString()!))
                .Select(s => (s.GetProperty("start").GetDateTimeOffset().UtcDateTime, s.GetProperty("end").GetDateTimeOffset().UtcDateTime)));
        }
        return [.. shifts.Order()];
    }

    [Fact]
    public async Task APersonsFeedParsesBackIntoTheirShiftsInTheirOwnZone()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var path = await NewFeedAsync(client, null);

        using var anonymous = _portal.AnonymousClient();
        var response = await anonymous.GetAsync(Url(path), Ct);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/calendar", response.Content.Headers.ContentType?.MediaType);
        var text = await response.Content.ReadAsStringAsync(Ct);
        Assert.Contains($"BEGIN:VTIMEZONE\r\nTZID:{Engineer.TimeZone}", text, StringComparison.Ordinal);
        Assert.Contains($"DTSTART;TZID={Engineer.TimeZone}:", text, StringComparison.Ordinal);

        var calendar = Calendar.Load(text)!;
        var parsed = calendar.Events.Select(e => (e.DtStart!.AsUtc, e.DtEnd!.AsUtc)).Order().ToList();
        var expected = await ShiftsAsync(client, handle => handle == Engineer.Handle);
        Assert.NotEmpty(expected);
        Assert.Equal(expected, parsed);
        Assert.All(calendar.Events, e => Assert.Equal(Engineer.TimeZone, e.DtStart!.TzId));
    }

    [Fact]
    public async Task AScheduleFeedHoldsEveryFinalShiftAndARevokedFeedIsGone()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var schedules = (await (await client.GetAsync(Url("/api/schedules"), Ct)).JsonAsync()).EnumerateArray();
        var eu = schedules.Single(s => s.GetProperty("name").GetString() == DemoSchedules.RegionalName(RegionCode.EU)).GetProperty("id").GetInt32();
        var path = await NewFeedAsync(client, eu);

        using var anonymous = _portal.AnonymousClient();
        var calendar = Calendar.Load(await anonymous.GetStringAsync(Url(path), Ct))!;
        Assert.Equal(await ShiftsAsync(client, _ => true, eu), calendar.Events.Select(e => (e.DtStart!.AsUtc, e.DtEnd!.AsUtc)).Order().ToList());

        var feeds = await (await client.GetAsync(Url("/api/calendar-feeds"), Ct)).JsonAsync();
        var feed = Assert.Single(feeds.EnumerateArray());
        Assert.Equal(JsonValueKindNull, feed.GetProperty("url").ValueKind);
        Assert.Equal(HttpStatusCode.NoContent, (await client.DeleteAsync(Url($"/api/calendar-feeds/{feed.GetProperty("id").GetInt32()}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(Url(path), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await anonymous.GetAsync(Url("/ical/not-a-secret.ics"), Ct)).StatusCode);

        // Someone else cannot revoke your feed.
        using var other = await _portal.SignedInClientAsync(World.People.First(p => p.Role == PortalRole.Admin).Handle);
        Assert.Equal(HttpStatusCode.NotFound, (await other.DeleteAsync(Url($"/api/calendar-feeds/{feed.GetProperty("id").GetInt32()}"), Ct)).StatusCode);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;
}
