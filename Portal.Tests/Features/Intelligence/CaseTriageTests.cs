using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Intelligence;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Intelligence;

/// <summary>
/// Case triage with the real offline model: duplicate charges are P2, tax documents P4; a new EU duplicate-charge case
/// filed as "other", P4, for the JP team is suggested the category and priority of its neighbours, and the team of its
/// neighbours from its own region (Japan's look-alike cases do not vote on it); accepting applies them through the case service (its timeline) and is recorded.
/// </summary>
public sealed class CaseTriageTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["AI:Enabled"] = "true", ["AI:EmbedInterval"] = "1.00:00:00" });
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
    private static readonly string Eu = DemoWorld.TeamSlug(RegionCode.EU);
    private static readonly string Jp = DemoWorld.TeamSlug(RegionCode.JP);

    /// <summary>Advertisers of a region, by account id: teams are voted by neighbours of the case's own region.</summary>
    private static readonly string[] EuAdvertisers = [.. DemoAdvertisers.Generate().Where(a => a.Region == "EU").Select(a => a.AccountId!).Take(4)];
    private static readonly string[] JpAdvertisers = [.. DemoAdvertisers.Generate().Where(a => a.Region == "JP").Select(a => a.AccountId!).Take(5)];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private async Task<string> CaseAsync(HttpClient client, string advertiser, string subject, string category, string priority, string team, string body)
    {
        _portal.Clock.Advance(TimeSpan.FromMinutes(5));
        var response = await client.PostJsonAsync("/api/cases", new { advertiser, subject, category, priority, team, body });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task TheNeighboursSuggestCategoryPriorityAndTeamAndAcceptingMovesTheCase()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        await CaseAsync(client, EuAdvertisers[0], "Charged twice for the same invoice", "duplicate-charge", "P2", Eu, "Two card charges for invoice 12.");
        await CaseAsync(client, EuAdvertisers[1], "Duplicate payment taken from our card", "duplicate-charge", "P2", Eu, "We see the same amount debited twice.");
        await CaseAsync(client, EuAdvertisers[2], "Double charge on this month's bill", "duplicate-charge", "P2", Eu, "Our card was charged two times.");
        await CaseAsync(client, JpAdvertisers[0], "Need a corrected tax invoice", "tax-document", "P4", Jp, "Our auditors need the registration number on the invoice.");
        await CaseAsync(client, JpAdvertisers[1], "Qualified invoice number missing", "tax-document", "P4", Jp, "The invoice lacks our tax registration.");
        // Japan's advertisers write the same words about duplicate charges, to Japan's team: they must not vote on an EU case's team.
        await CaseAsync(client, JpAdvertisers[2], "Charged twice this morning", "duplicate-charge", "P2", Jp, "Two identical charges on our card.");
        await CaseAsync(client, JpAdvertisers[3], "We were charged twice today", "duplicate-charge", "P2", Jp, "Two charges on our card today.");
        await CaseAsync(client, JpAdvertisers[4], "Card charged twice this morning", "duplicate-charge", "P2", Jp, "Our card shows two identical charges today.");
        var misfiled = await CaseAsync(client, EuAdvertisers[3], "We were charged twice this morning", "other", "P4", Jp, "Two identical charges on our card today.");
        await _portal.EmbedEverythingAsync();

        var answer = await (await client.GetAsync(Url($"/api/cases/{misfiled}/suggestions"), Ct)).JsonAsync();
        Assert.Equal("ready", answer.GetProperty("status").GetString());
        var items = answer.GetProperty("items").EnumerateArray().ToDictionary(i => i.GetProperty("field").GetString()!);
        Assert.Equal(("other", "duplicate-charge"), (items["category"].GetProperty("current").GetString(), items["category"].GetProperty("suggested").GetString()));
        Assert.Equal("P2", items["priority"].GetProperty("suggested").GetString());
        Assert.Equal(Eu, items["team"].GetProperty("suggested").GetString());
        Assert.All(items["category"].GetProperty("neighbours").EnumerateArray(), n => Assert.StartsWith("CASE-", n.GetString(), StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, (await client.PostAsync(Url($"/api/cases/{misfiled}/suggestions/accept?field=severity"), null, Ct)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Url($"/api/cases/{misfiled}/suggestions/accept"), null, Ct)).StatusCode);
        var moved = await (await client.GetAsync(Url($"/api/cases/{misfiled}"), Ct)).JsonAsync();
        Assert.Equal("duplicate-charge", moved.GetProperty("category").GetString());
        Assert.Equal("P2", moved.GetProperty("priority").GetString());
        await using var db = _portal.OpenContext();
        Assert.True(CaseNumber.TryParse(misfiled, out var number));
        var kinds = await db.CaseEvents.Where(e => e.CaseNumber == number).Select(e => e.Kind).ToListAsync(Ct);
        Assert.Contains(CaseEventKind.CategoryChanged, kinds);
        Assert.Contains(CaseEventKind.TeamChanged, kinds);
        Assert.Contains(CaseEventKind.PriorityChanged, kinds);
        Assert.Equal(Eu, await db.Cases.Where(c => c.Number == number).Select(c => c.Team!.Slug).SingleAsync(Ct));
        var feedback = await db.TriageFeedback.Where(f => f.Kind == "case" && f.RecordId == number).OrderBy(f => f.Field).ToListAsync(Ct);
        Assert.Equal(["category", "priority", "team"], feedback.Select(f => f.Field));
        Assert.All(feedback, f => Assert.Equal(TriageFeedback.Accepted, f.Outcome));
        // Decided: a second accept has nothing left to decide.
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsync(Url($"/api/cases/{misfiled}/suggestions/accept"), null, Ct)).StatusCode);
    }

    [Fact]
    public async Task RoutingACaseNamesTheBadFieldAndRefusesANoOp()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var key = await CaseAsync(client, EuAdvertisers[0], "Charged twice", "duplicate-charge", "P3", Eu, "Two charges.");
        var bad = await client.PostJsonAsync($"/api/cases/{key}/route", new { category = "weather" });
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        Assert.Contains("category", await bad.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        var team = await client.PostJsonAsync($"/api/cases/{key}/route", new { team = "no-such-team" });
        Assert.Equal(HttpStatusCode.BadRequest, team.StatusCode);
        Assert.Contains("team", await team.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostJsonAsync($"/api/cases/{key}/route", new { category = "duplicate-charge", team = Eu })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/cases/{key}/route", new { team = Jp })).StatusCode);
    }
}
