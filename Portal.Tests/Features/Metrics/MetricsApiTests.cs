using System.Net;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Metrics;

/// <summary>The metrics API, the WBR and MBR in a non-UTC reporting zone, and their exports.</summary>
public sealed class MetricsApiTests : IAsyncDisposable
{
    // Tokyo: its weeks start on Sunday 15:00 UTC, its months at 15:00 UTC on the day before the 1st.
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["Metrics:ReportingZone"] = "Asia/Tokyo" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    private async Task IncidentsAtAsync(params (DateTimeOffset At, Severity Severity, RegionCode Region)[] incidents)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        db.Incidents.AddRange(incidents.Select((x, i) => new Incident
        {
            Title = $"Boundary {i}", Severity = x.Severity, Region = x.Region, TriggeredAt = x.At, UpdatedAt = x.At, AcknowledgedAt = x.At.AddMinutes(10 * (i + 1)),
            Status = IncidentStatus.Acknowledged,
        }));
        await db.SaveChangesAsync(Ct);
    }

    [Fact]
    public async Task AnIncidentCountsInTheWeekAndMonthOfTheReportingZone()
    {
        await IncidentsAtAsync(
            (new DateTimeOffset(2026, 11, 15, 14, 59, 0, TimeSpan.Zero), Severity.SEV2, RegionCode.JP),  // Sunday 23:59 in Tokyo: week 46
            (new DateTimeOffset(2026, 11, 15, 15, 0, 0, TimeSpan.Zero), Severity.SEV3, RegionCode.JP),   // Monday 00:00 in Tokyo: week 47
            (new DateTimeOffset(2026, 10, 31, 14, 59, 0, TimeSpan.Zero), Severity.SEV4, RegionCode.AU),  // 31 October 23:59 in Tokyo
            (new DateTimeOffset(2026, 10, 31, 15, 0, 0, TimeSpan.Zero), Severity.SEV4, RegionCode.AU));  // 1 November 00:00 in Tokyo
        using var client = await _portal.SignedInClientAsync("grace.coleman");

        var wbr = await (await client.GetAsync(Url("/api/metrics/wbr?week=2026-W47"), Ct)).JsonAsync();
        Assert.Equal("2026-11-15T15:00:00+00:00", wbr.GetProperty("period").GetProperty("start").GetDateTimeOffset().ToString("yyyy-MM-ddTHH:mm:sszzz", null));
        Assert.Equal(1, wbr.GetProperty("current").GetProperty("incidents").GetInt32());
        Assert.Equal(1, wbr.GetProperty("current").GetProperty("bySeverity").GetProperty("SEV3").GetInt32());
        Assert.Equal(1, wbr.GetProperty("prior").GetProperty("incidents").GetInt32());
        Assert.Equal(13, wbr.GetProperty("trend").GetArrayLength());
        Assert.Equal("Asia/Tokyo", wbr.GetProperty("zone").GetString());
        var jp = wbr.GetProperty("regions").EnumerateArray().Single(r => r.GetProperty("region").GetString() == "JP");
        Assert.Equal((1, 1), (jp.GetProperty("current").GetInt32(), jp.GetProperty("previous").GetInt32()));

        var november = await (await client.GetAsync(Url("/api/metrics/mbr?month=2026-11"), Ct)).JsonAsync();
        Assert.Equal(3, november.GetProperty("current").GetProperty("incidents").GetInt32());   // 1 November 00:00 and both of mid-November
        Assert.Equal(1, november.GetProperty("prior").GetProperty("incidents").GetInt32());
        Assert.Equal(12, november.GetProperty("trend").GetArrayLength());
        Assert.True(november.GetProperty("toDate").GetBoolean());
    }

    [Fact]
    public async Task TheDashboardApiFiltersAndDrillsDownToTheSameIncidents()
    {
        var now = _portal.Clock.GetUtcNow();
        await IncidentsAtAsync((now.AddDays(-2), Severity.SEV1, RegionCode.EU), (now.AddDays(-3), Severity.SEV2, RegionCode.EU), (now.AddDays(-3), Severity.SEV2, RegionCode.US),
            (now.AddDays(-40), Severity.SEV2, RegionCode.EU));
        using var client = await _portal.SignedInClientAsync("grace.coleman");

        var eu = await (await client.GetAsync(Url("/api/metrics?region=eu"), Ct)).JsonAsync();
        var figures = eu.GetProperty("figures");
        Assert.Equal(2, figures.GetProperty("incidents").GetInt32());             // the last 28 days by default
        Assert.Equal(15, figures.GetProperty("mtta").GetProperty("mean").GetDouble()); // 10 and 20 minutes
        Assert.True(eu.GetProperty("weekly").GetArrayLength() >= 4);

        // The incidents behind the figure: the queue's API with the same window and filter finds the same two.
        var from = Uri.EscapeDataString(figures.GetProperty("from").GetDateTimeOffset().ToString("O"));
        var to = Uri.EscapeDataString(figures.GetProperty("to").GetDateTimeOffset().ToString("O"));
        var behind = await (await client.GetAsync(Url($"/api/incidents?status=all&region=EU&from={from}&to={to}"), Ct)).JsonAsync();
        Assert.Equal(2, behind.GetProperty("items").GetArrayLength());

        var bad = await client.GetAsync(Url("/api/metrics?severity=SEV9"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("'SEV9' is not a severity", await bad.ProblemTextAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(Url("/api/metrics?region=UK"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(Url("/api/metrics?team=nobody"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(Url("/api/metrics?from=2026-11-10T00:00:00Z&to=2026-11-01T00:00:00Z"), Ct)).StatusCode);
        var week = await client.GetAsync(Url("/api/metrics/wbr?week=2026-W99"), Ct);
        Assert.Equal(HttpStatusCode.BadRequest, week.StatusCode);
        Assert.Contains("2026 has no week 99.", await week.ProblemTextAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(Url("/api/metrics/wbr?week=2027-W30"), Ct)).StatusCode);
    }

    [Fact]
    public async Task ThePacksExportAsMarkdownAndEveryTableAsCsv()
    {
        await IncidentsAtAsync((new DateTimeOffset(2026, 11, 17, 3, 0, 0, TimeSpan.Zero), Severity.SEV1, RegionCode.US));
        using var client = await _portal.SignedInClientAsync("grace.coleman");

        var markdown = await client.GetAsync(Url("/api/metrics/wbr/markdown?week=2026-W47"), Ct);
        Assert.Equal("text/markdown", markdown.Content.Headers.ContentType?.MediaType);
        var text = await markdown.Content.ReadAsStringAsync(Ct);
        Assert.StartsWith("# WBR 2026-W47", text, StringComparison.Ordinal);
        Assert.Contains("reporting zone Asia/Tokyo", text, StringComparison.Ordinal);
        Assert.Contains("| Incidents | 1 | 0 |", text, StringComparison.Ordinal);
        Assert.Contains("SEV1 INC-", text, StringComparison.Ordinal);
        Assert.Contains("no RCA yet", text, StringComparison.Ordinal);

        foreach (var table in new[] { "summary", "regions", "trend", "sev1", "actions" })
        {
            var csv = await client.GetAsync(Url($"/api/metrics/wbr/csv?week=2026-W47&table={table}"), Ct);
            Assert.Equal(HttpStatusCode.OK, csv.StatusCode);
            Assert.Equal("text/csv", csv.Content.Headers.ContentType?.MediaType);
            Assert.Contains("\r\n", await csv.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        }
        var regions = await (await client.GetAsync(Url("/api/metrics/mbr/csv?month=2026-11&table=regions"), Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Equal(6, regions.Split("\r\n", StringSplitOptions.RemoveEmptyEntries).Length);   // header and five regions
        Assert.StartsWith("US,1,0,", regions.Split("\r\n")[1], StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.GetAsync(Url("/api/metrics/wbr/csv?week=2026-W47&table=nope"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/metrics/csv?table=services"), Ct)).StatusCode);
    }
}
