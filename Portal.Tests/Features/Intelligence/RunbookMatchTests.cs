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
/// Runbook suggestions by meaning, with the real model over the demo world's runbooks: an incident worded unlike any
/// runbook's title or tags still gets the gateway runbook, with the section that matched and the sentence quoted.
/// </summary>
public sealed class RunbookMatchTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["AI:Enabled"] = "true", ["AI:EmbedInterval"] = "1.00:00:00" });
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    [Fact]
    public async Task ASectionMatchedByMeaningIsQuoted()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var response = await client.PostJsonAsync("/api/incidents", new { title = "Charges hang until the card processor connection gives up", severity = "SEV2", region = "US" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var key = (await response.JsonAsync()).GetProperty("key").GetString()!;
        await _portal.EmbedEverythingAsync();

        var suggestions = (await (await client.GetAsync(Url($"/api/incidents/{key}/runbooks"), Ct)).JsonAsync()).EnumerateArray().ToList();
        var cited = suggestions.Where(s => s.GetProperty("citation").ValueKind != System.Text.Json.JsonValueKind.Null).ToList();
        Assert.NotEmpty(cited);
        var gateway = Assert.Single(cited, s => s.GetProperty("slug").GetString() == "payment-gateway-timeouts");
        Assert.Contains(gateway.GetProperty("reasons").EnumerateArray(), r => r.GetString()!.EndsWith("matches by meaning", StringComparison.Ordinal));
        var citation = gateway.GetProperty("citation");
        Assert.False(string.IsNullOrWhiteSpace(citation.GetProperty("quote").GetString()));
        Assert.InRange(citation.GetProperty("similarity").GetDouble(), RunbookMatcher.Threshold, 1.0);

        // A runbook changed since its sections were embedded is embedded again.
        await using var db = _portal.OpenContext();
        Assert.Equal(0, EmbeddingProcessor.PendingRunbooks(db, _portal.Services.GetRequiredService<IEmbedder>().Model).Count());
        _portal.Log.AssertClean();
    }
}
