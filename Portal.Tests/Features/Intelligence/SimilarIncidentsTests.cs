using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Intelligence;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Intelligence;

/// <summary>
/// Similar past incidents with the real offline model (all-MiniLM-L6-v2 from its NuGet package), on the suite's
/// database: a small fixed history with the expected neighbour, "nothing similar" for a new kind of problem, and the
/// answer when the model is turned off.
/// </summary>
public sealed class SimilarIncidentsTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["AI:Enabled"] = "true", ["AI:EmbedInterval"] = "1.00:00:00" });
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.JP && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private async Task<string> OpenAsync(HttpClient client, string title, string service, string region)
    {
        _portal.Clock.Advance(TimeSpan.FromMinutes(5));
        var response = await client.PostJsonAsync("/api/incidents", new { title, severity = "SEV2", service, region });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("key").GetString()!;
    }

    [Fact]
    public async Task ANewIncidentFindsTheEarlierOneLikeItWithHowItEndedAndANewKindOfProblemFindsNothing()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var cards = await OpenAsync(client, "Card payments declined for Japanese advertisers", "payments", "JP");
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/incidents/{cards}/resolve", new { note = "Rolled back the card router release." })).StatusCode);
        await OpenAsync(client, "Invoice PDFs fail to render for EU accounts", "invoicing", "EU");
        await OpenAsync(client, "Budget caps not enforced for Australian campaigns", "budgets", "AU");
        var again = await OpenAsync(client, "JP card payments are being declined", "payments", "JP");
        var unrelated = await OpenAsync(client, "Office coffee machine is out of beans", "budgets", "US");
        await _portal.EmbedEverythingAsync();

        var similar = await (await client.GetAsync(Url($"/api/incidents/{again}/similar"), Ct)).JsonAsync();
        Assert.Equal("ready", similar.GetProperty("status").GetString());
        var items = similar.GetProperty("items").EnumerateArray().ToList();
        var first = Assert.Single(items);
        Assert.Equal(cards, first.GetProperty("key").GetString());
        Assert.Contains("same service (payments)", first.GetProperty("reason").GetString(), StringComparison.Ordinal);
        Assert.Equal("Rolled back the card router release.", first.GetProperty("resolution").GetString());
        Assert.InRange(first.GetProperty("score").GetDouble(), 0.60, 1.2);

        // Its one earlier payments incident of the month is like it: frequent for payments.
        Assert.Equal("Frequent", similar.GetProperty("outlier").GetProperty("label").GetString());

        var nothing = await (await client.GetAsync(Url($"/api/incidents/{unrelated}/similar"), Ct)).JsonAsync();
        Assert.Equal("ready", nothing.GetProperty("status").GetString());
        Assert.Empty(nothing.GetProperty("items").EnumerateArray());
        // The budgets service had an incident this month, nothing like this one.
        Assert.Equal("Anomaly", nothing.GetProperty("outlier").GetProperty("label").GetString());
        Assert.StartsWith("Anomaly: nothing like it in budgets", nothing.GetProperty("outlier").GetProperty("definition").GetString(), StringComparison.Ordinal);

        // The first incident has nothing earlier: nothing is similar, not an error.
        var none = await (await client.GetAsync(Url($"/api/incidents/{cards}/similar"), Ct)).JsonAsync();
        Assert.Empty(none.GetProperty("items").EnumerateArray());
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/api/incidents/INC-999999/similar"), Ct)).StatusCode);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnIncidentNotEmbeddedYetIsAnsweredFromItsTextAndAChangedTextIsEmbeddedAgain()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var cards = await OpenAsync(client, "Card payments declined for Japanese advertisers", "payments", "JP");
        await _portal.EmbedEverythingAsync();
        var fresh = await OpenAsync(client, "Japanese card payments declined again", "payments", "JP");

        // Not embedded by the processor yet: the answer embeds its text on the spot.
        var similar = await (await client.GetAsync(Url($"/api/incidents/{fresh}/similar"), Ct)).JsonAsync();
        Assert.Equal(cards, similar.GetProperty("items")[0].GetProperty("key").GetString());

        await _portal.EmbedEverythingAsync();
        Assert.True(Portal.Shared.Incidents.IncidentNumber.TryParse(cards, out var number));
        await using var db = _portal.OpenContext();
        var before = db.Embeddings.Single(e => e.RecordId == number).TextHash;
        _portal.Clock.Advance(TimeSpan.FromMinutes(1));
        Assert.Equal(HttpStatusCode.Created, (await client.PostJsonAsync($"/api/incidents/{cards}/comments", new { text = "The acquirer's 3-D Secure service timed out." })).StatusCode);
        await _portal.EmbedEverythingAsync();
        await using var after = _portal.OpenContext();
        Assert.NotEqual(before, after.Embeddings.Single(e => e.RecordId == number).TextHash);
    }

    [Fact]
    public async Task ANewCaseFindsTheEarlierSolvedOneWithTheReplyThatSolvedIt()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        async Task<string> CaseAsync(int advertiser, string subject, string category, string body)
        {
            _portal.Clock.Advance(TimeSpan.FromMinutes(5));
            var response = await client.PostJsonAsync("/api/cases", new { advertiser = DemoAdvertisers.AccountId(advertiser), subject, category, body });
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
            return (await response.JsonAsync()).GetProperty("key").GetString()!;
        }
        var solved = await CaseAsync(0, "Card charged twice for the same invoice", "duplicate-charge", "We were charged twice for invoice 12.");
        Assert.Equal(HttpStatusCode.OK, (await client.PostJsonAsync($"/api/cases/{solved}/replies", new { body = "The second charge was a duplicate; refunded today.", then = "Solved" })).StatusCode);
        await CaseAsync(1, "Need a corrected tax invoice", "tax-document", "Our auditors need our registration number on the invoice.");
        var again = await CaseAsync(2, "Duplicate payment taken this morning", "duplicate-charge", "Two debits for one invoice this morning.");
        var other = await CaseAsync(3, "How do we add a second billing contact?", "other", "We want our CFO to get the invoices too.");
        await _portal.EmbedEverythingAsync();

        var similar = await (await client.GetAsync(Url($"/api/cases/{again}/similar"), Ct)).JsonAsync();
        Assert.Equal("ready", similar.GetProperty("status").GetString());
        var first = similar.GetProperty("items")[0];
        Assert.Equal(solved, first.GetProperty("key").GetString());
        Assert.Equal("The second charge was a duplicate; refunded today.", first.GetProperty("solvedBy").GetString());
        Assert.StartsWith("same category (duplicate-charge)", first.GetProperty("reason").GetString(), StringComparison.Ordinal);
        var none = await (await client.GetAsync(Url($"/api/cases/{other}/similar"), Ct)).JsonAsync();
        Assert.DoesNotContain(none.GetProperty("items").EnumerateArray(), i => i.GetProperty("key").GetString() == solved);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync(Url("/api/cases/CASE-999999/similar"), Ct)).StatusCode);
    }
}

/// <summary>With AI:Enabled false the model never loads and the answer says so.</summary>
public sealed class SimilarIncidentsOffTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task TurnedOffItSaysSoAndLoadsNothing()
    {
        var engineer = DemoWorld.Generate().People.First(p => p.Role == PortalRole.Engineer);
        using var client = await _portal.SignedInClientAsync(engineer.Handle);
        var key = (await (await client.PostJsonAsync("/api/incidents", new { title = "Ledger late", severity = "SEV3", region = "US" })).JsonAsync()).GetProperty("key").GetString();
        var answer = await (await client.GetAsync(Url($"/api/incidents/{key}/similar"), TestContext.Current.CancellationToken)).JsonAsync();
        Assert.Equal("off", answer.GetProperty("status").GetString());
        Assert.Contains("AI:Enabled", answer.GetProperty("note").GetString(), StringComparison.Ordinal);
        Assert.Equal(EmbedderState.Off, _portal.Services.GetRequiredService<IEmbedder>().State);
    }
}
