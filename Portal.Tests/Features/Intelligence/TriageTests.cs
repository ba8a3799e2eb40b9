using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Intelligence;

/// <summary>
/// Triage suggestions with the real offline model on the suite's database: a small fixed history where card declines
/// are payments SEV1 and invoice PDFs invoicing SEV3; a new card-decline incident filed under the wrong service and
/// severity is suggested the right ones, accepting applies them and is recorded, overriding is recorded and changes nothing.
/// </summary>
public sealed class TriageTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["AI:Enabled"] = "true", ["AI:EmbedInterval"] = "1.00:00:00" });
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.JP && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private async Task<string> OpenAsync(HttpClient client, string title, string service, string severity)
    {
        _portal.Clock.Advance(TimeSpan.FromMinutes(5));
        var response = await client.PostJsonAsync("/api/incidents", new { title, severity, service, region = "JP" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("key").GetString()!;
    }

    private async Task HistoryAsync(HttpClient client)
    {
        await OpenAsync(client, "Card payments declined for Japanese advertisers", "payments", "SEV1");
        await OpenAsync(client, "Card authorisations failing at checkout", "payments", "SEV1");
        await OpenAsync(client, "Credit card charges declined by the acquirer", "payments", "SEV1");
        await OpenAsync(client, "Invoice PDFs fail to render for EU accounts", "invoicing", "SEV3");
        await OpenAsync(client, "Monthly invoice documents are blank", "invoicing", "SEV3");
        await _portal.EmbedEverythingAsync();
    }

    [Fact]
    public async Task TheNeighboursSuggestServiceTeamAndSeverityAndAcceptingAppliesAndRecordsThem()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        await HistoryAsync(client);
        var misfiled = await OpenAsync(client, "Card payments are being declined in Japan", "invoicing", "SEV4");
        string paymentsTeam;
        await using (var db = _portal.OpenContext())
        {
            var owner = db.Services.Single(s => s.Slug == "payments").OwningTeamId;
            paymentsTeam = db.Teams.Single(t => t.Id == owner).Slug;
        }

        var answer = await (await client.GetAsync(Url($"/api/incidents/{misfiled}/suggestions"), Ct)).JsonAsync();
        Assert.Equal("ready", answer.GetProperty("status").GetString());
        var items = answer.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("field").GetString()!);
        Assert.Equal("payments", items["service"].GetProperty("suggested").GetString());
        Assert.Equal("invoicing", items["service"].GetProperty("current").GetString());
        Assert.Equal(paymentsTeam, items["team"].GetProperty("suggested").GetString());
        Assert.Equal("SEV1", items["severity"].GetProperty("suggested").GetString());
        Assert.InRange(items["service"].GetProperty("confidence").GetDouble(), 0.5, 1.0);
        // The neighbours it rests on are real, earlier incidents.
        Assert.All(items["service"].GetProperty("neighbours").EnumerateArray(), n => Assert.StartsWith("INC-", n.GetString(), StringComparison.Ordinal));

        // A field that is not a field names itself; then accept everything.
        var bad = await client.PostAsync(Url($"/api/incidents/{misfiled}/suggestions/accept?field=colour"), null, Ct);
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("field", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var accepted = await client.PostAsync(Url($"/api/incidents/{misfiled}/suggestions/accept"), null, Ct);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        var incident = await (await client.GetAsync(Url($"/api/incidents/{misfiled}"), Ct)).JsonAsync();
        Assert.Equal("payments", incident.GetProperty("service").GetString());
        Assert.Equal(paymentsTeam, incident.GetProperty("team").GetString());
        Assert.Equal("SEV1", incident.GetProperty("severity").GetString());
        Assert.Contains(incident.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("kind").GetString() == nameof(TimelineEventKind.Rerouted));

        await using (var db = _portal.OpenContext())
        {
            Assert.True(IncidentNumber.TryParse(misfiled, out var number));
            var feedback = await db.TriageFeedback.Where(f => f.RecordId == number).OrderBy(f => f.Field).ToListAsync(Ct);
            Assert.Equal(["service", "severity", "team"], feedback.Select(f => f.Field));
            Assert.All(feedback, f => Assert.Equal(TriageFeedback.Accepted, f.Outcome));
            Assert.All(feedback, f => Assert.Equal(f.Suggested, f.Chosen));
        }
        // Decided once: a second accept is a conflict, and the suggestions say they were accepted.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync(Url($"/api/incidents/{misfiled}/suggestions/accept"), null, Ct)).StatusCode);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task OverridingRecordsWhatTheIncidentKeepsAndChangesNothing()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        await HistoryAsync(client);
        var mine = await OpenAsync(client, "Card payments declined for one advertiser only", "payments", "SEV3");
        var before = await (await client.GetAsync(Url($"/api/incidents/{mine}"), Ct)).JsonAsync();

        var overridden = await client.PostAsync(Url($"/api/incidents/{mine}/suggestions/override?field=severity"), null, Ct);
        Assert.Equal(HttpStatusCode.OK, overridden.StatusCode);
        var answer = await overridden.JsonAsync();
        var severity = answer.GetProperty("items").EnumerateArray().Single(i => i.GetProperty("field").GetString() == "severity");
        Assert.Equal("overridden", severity.GetProperty("decided").GetString());

        var after = await (await client.GetAsync(Url($"/api/incidents/{mine}"), Ct)).JsonAsync();
        Assert.Equal(before.GetProperty("version").GetInt32(), after.GetProperty("version").GetInt32());
        await using var db = _portal.OpenContext();
        var feedback = Assert.Single(db.TriageFeedback);
        Assert.Equal(("severity", "SEV1", "SEV3", TriageFeedback.Overridden), (feedback.Field, feedback.Suggested, feedback.Chosen, feedback.Outcome));
    }
}
