using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Intelligence;

/// <summary>
/// Related now, with the real offline model: two open incidents about the same failure minutes apart are suggested
/// as one problem; taking the suggestion merges the later into the earlier (recorded with its score) and unmerging
/// undoes it (recorded too); an open case that reads like the incident is suggested for linking, and linking it works.
/// </summary>
public sealed class RelatedTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["AI:Enabled"] = "true", ["AI:EmbedInterval"] = "1.00:00:00" });
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.MX && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private async Task<string> OpenAsync(HttpClient client, string title)
    {
        _portal.Clock.Advance(TimeSpan.FromMinutes(3));
        var response = await client.PostJsonAsync("/api/incidents", new { title, severity = "SEV2", service = "payments", region = "MX" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task TwoOpenIncidentsOfOneProblemAreSuggestedMergedAndUnmergedWithBothRecorded()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var first = await OpenAsync(client, "Card payments declined for Mexican advertisers");
        await OpenAsync(client, "Invoice PDF rendering is slow for EU accounts");
        var second = await OpenAsync(client, "Mexican advertisers' card payments are being declined");
        await _portal.EmbedEverythingAsync();

        var related = await (await client.GetAsync(Url($"/api/incidents/{second}/related"), Ct)).JsonAsync();
        Assert.Equal("ready", related.GetProperty("status").GetString());
        var same = Assert.Single(related.GetProperty("incidents").EnumerateArray(), i => i.GetProperty("likelySame").GetBoolean());
        Assert.Equal(first, same.GetProperty("key").GetString());

        // Nothing to merge with a stranger; then take the suggestion: the later merges into the earlier.
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync($"/api/incidents/{second}/merge", new { into = second })).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostJsonAsync($"/api/incidents/{second}/merge", new { into = "INC-999999" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Url($"/api/incidents/{first}/related/{second}/merge"), null, Ct)).StatusCode);
        var merged = await (await client.GetAsync(Url($"/api/incidents/{second}"), Ct)).JsonAsync();
        Assert.Equal(("Resolved", first), (merged.GetProperty("status").GetString(), merged.GetProperty("mergedInto").GetString()));
        var survivor = await (await client.GetAsync(Url($"/api/incidents/{first}"), Ct)).JsonAsync();
        Assert.Contains(survivor.GetProperty("timeline").EnumerateArray(), t => t.GetProperty("kind").GetString() == nameof(TimelineEventKind.Merged));
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync($"/api/incidents/{second}/merge", new { into = first })).StatusCode);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Url($"/api/incidents/{second}/unmerge"), null, Ct)).StatusCode);
        var back = await (await client.GetAsync(Url($"/api/incidents/{second}"), Ct)).JsonAsync();
        Assert.Equal("Acknowledged", back.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, back.GetProperty("mergedInto").ValueKind);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync(Url($"/api/incidents/{second}/unmerge"), null, Ct)).StatusCode);

        await using var db = _portal.OpenContext();
        Assert.True(IncidentNumber.TryParse(second, out var number));
        var record = await db.IncidentMerges.SingleAsync(m => m.MergedNumber == number, Ct);
        Assert.Equal(same.GetProperty("score").GetDouble(), record.SuggestedScore);
        Assert.NotNull(record.UnmergedAt);
        Assert.Equal(2, await db.AuditEntries.CountAsync(a => a.Target == second && (a.Action == "incident.merged" || a.Action == "incident.unmerged"), Ct));
    }

    [Fact]
    public async Task AnOpenCaseThatReadsLikeTheIncidentIsSuggestedForLinking()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var incident = await OpenAsync(client, "Card payments declined for Mexican advertisers");
        async Task<string> CaseAsync(int advertiser, string subject, string body)
        {
            _portal.Clock.Advance(TimeSpan.FromMinutes(1));
            var response = await client.PostJsonAsync("/api/cases", new { advertiser = DemoAdvertisers.AccountId(advertiser), subject, category = "payment-failure", body });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("key").GetString()!;
        }
        var declined = await CaseAsync(0, "Our card payment was declined", "We tried to pay our invoice by card and the payment was declined.");
        var unrelated = await CaseAsync(1, "Please add our CFO as a billing contact", "Our CFO should receive the invoices too.");
        await _portal.EmbedEverythingAsync();

        var related = await (await client.GetAsync(Url($"/api/incidents/{incident}/related"), Ct)).JsonAsync();
        var cases = related.GetProperty("cases").EnumerateArray().Select(c => c.GetProperty("key").GetString()).ToList();
        Assert.Contains(declined, cases);
        Assert.DoesNotContain(unrelated, cases);

        Assert.True((await client.PutAsync(Url($"/api/cases/{declined}/incidents/{incident}"), null, Ct)).IsSuccessStatusCode);
        var after = await (await client.GetAsync(Url($"/api/incidents/{incident}/related"), Ct)).JsonAsync();
        Assert.DoesNotContain(after.GetProperty("cases").EnumerateArray(), c => c.GetProperty("key").GetString() == declined);
        Assert.True(Portal.Shared.Cases.CaseNumber.TryParse(declined, out var caseNumber));
        Assert.True(IncidentNumber.TryParse(incident, out var incidentNumber));
        await using var db = _portal.OpenContext();
        Assert.True(await db.CaseIncidents.AnyAsync(l => l.CaseNumber == caseNumber && l.IncidentNumber == incidentNumber, Ct));
    }
}
