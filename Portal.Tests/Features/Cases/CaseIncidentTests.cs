using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Cases;

/// <summary>Cases joined to incidents: links from either side, the advertisers an incident adds up to, and one update to all of them.</summary>
public sealed class CaseIncidentTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Engineer = World.People.First(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Other = World.People.Last(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static async Task<string> OpenCaseAsync(HttpClient client, int advertiser, string category = "duplicate-charge")
    {
        var response = await client.PostJsonAsync("/api/cases", new { advertiser = DemoAdvertisers.AccountId(advertiser), subject = "Charged twice", category, body = "Two debits." });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task CasesLinkedToAnIncidentAddUpItsAdvertisersAndGetOneUpdateOnce()
    {
        using var commander = await _portal.SignedInClientAsync(Engineer.Handle);
        using var other = await _portal.SignedInClientAsync(Other.Handle);
        // A US payments incident; advertisers 0, 5 and 10 are in the US (the demo's advertisers go round the regions).
        var incident = (await (await commander.PostJsonAsync("/api/incidents", new { title = "Cards charged twice", severity = "SEV2", service = "payments", region = "US" })).JsonAsync())
            .GetProperty("key").GetString();
        await commander.PostJsonAsync($"/api/incidents/{incident}/commander", new { commander = Engineer.Handle });
        var first = await OpenCaseAsync(commander, 0);
        var second = await OpenCaseAsync(commander, 5);
        var third = await OpenCaseAsync(commander, 5);

        // The case side suggests the open incident of its region and service.
        var suggestions = await (await commander.GetAsync(Url($"/api/cases/{first}/incidents"), Ct)).JsonAsync();
        Assert.Contains(suggestions.GetProperty("suggested").EnumerateArray(), i => i.GetProperty("key").GetString() == incident);
        foreach (var key in new[] { first, second, third })
        {
            Assert.Equal(HttpStatusCode.NoContent, (await commander.PutAsync(Url($"/api/cases/{key}/incidents/{incident}"), null, Ct)).StatusCode);
        }
        Assert.Equal(HttpStatusCode.Conflict, (await commander.PutAsync(Url($"/api/cases/{first}/incidents/{incident}"), null, Ct)).StatusCode);
        var linked = await (await commander.GetAsync(Url($"/api/incidents/{incident}/cases"), Ct)).JsonAsync();
        Assert.Equal(3, linked.GetProperty("cases").GetArrayLength());
        Assert.Equal(2, linked.GetProperty("advertisers").GetInt32());
        var spend = DemoAdvertisers.Generate()[0].MonthlySpendUsd!.Value + DemoAdvertisers.Generate()[5].MonthlySpendUsd!.Value;
        Assert.Equal(spend, linked.GetProperty("spendUsd").GetDecimal());

        // Not before it is mitigated; not by someone who is neither its commander nor a manager; then once.
        Assert.Equal(HttpStatusCode.Conflict, (await commander.PostJsonAsync($"/api/incidents/{incident}/case-update", new { body = "Fixed." })).StatusCode);
        await commander.PostJsonAsync($"/api/incidents/{incident}/mitigate", new { });
        Assert.Equal(HttpStatusCode.Forbidden, (await other.PostJsonAsync($"/api/incidents/{incident}/case-update", new { body = "Fixed." })).StatusCode);
        var sent = await commander.PostJsonAsync($"/api/incidents/{incident}/case-update", new { body = "The duplicate charges are refunded." });
        Assert.Equal(3, (await sent.JsonAsync()).GetProperty("sent").GetInt32());
        Assert.Equal(HttpStatusCode.Conflict, (await commander.PostJsonAsync($"/api/incidents/{incident}/case-update", new { body = "Again." })).StatusCode);

        await using var db = _portal.OpenContext();
        Assert.Equal(3, await db.CaseMessages.CountAsync(m => m.Kind == CaseMessageKind.Reply && m.Body == "The duplicate charges are refunded.", Ct));
        Assert.Equal(3, await db.CaseMails.CountAsync(m => m.Kind == CaseMailKind.Reply, Ct));
        var detail = await (await commander.GetAsync(Url($"/api/incidents/{incident}"), Ct)).JsonAsync();
        Assert.Contains(detail.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "StakeholderUpdate"
            && e.GetProperty("text").GetString()!.StartsWith("Update sent to 3 linked advertiser cases", StringComparison.Ordinal));
        Assert.Equal(HttpStatusCode.NoContent, (await commander.DeleteAsync(Url($"/api/cases/{third}/incidents/{incident}"), Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await commander.PutAsync(Url($"/api/cases/{third}/incidents/INC-999999"), null, Ct)).StatusCode);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnEngineersRecordCountsTheirCasesAndTheirCsat()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var key = await OpenCaseAsync(client, 0);
        await client.PostJsonAsync($"/api/cases/{key}/assign", new { assignee = Engineer.Handle });
        _portal.Clock.Advance(TimeSpan.FromMinutes(30));
        await client.PostJsonAsync($"/api/cases/{key}/replies", new { body = "Refunded.", then = "Solved" });
        Assert.True(CaseNumber.TryParse(key, out var number));
        await using (var db = _portal.OpenContext())
        {
            var survey = await db.CaseSurveys.SingleAsync(s => s.CaseNumber == number, Ct);
            survey.AnsweredAt = _portal.Clock.GetUtcNow();
            survey.Score = 5;
            await db.SaveChangesAsync(Ct);
        }
        _portal.Clock.Advance(TimeSpan.FromMinutes(1));
        var record = await (await client.GetAsync(Url($"/api/people/{Engineer.Handle}/record"), Ct)).JsonAsync();
        var cases = record.GetProperty("cases");
        Assert.Equal(1, cases.GetProperty("handled").GetInt32());
        Assert.Equal(1, cases.GetProperty("solved").GetInt32());
        Assert.Equal(30, cases.GetProperty("firstReplyMinutes").GetDouble());
        Assert.Equal(1, cases.GetProperty("oneTouch").GetInt32());
        Assert.Equal(1, cases.GetProperty("csatGood").GetInt32());
        Assert.Equal(100, cases.GetProperty("csatPercent").GetDouble());
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
