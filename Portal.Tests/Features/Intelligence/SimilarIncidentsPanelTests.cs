using Bunit;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Features.Intelligence;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Intelligence;

/// <summary>The incident page's similar-incidents panel: with results, with nothing similar, and with the model unavailable.</summary>
public sealed class SimilarIncidentsPanelTests : ComponentTestContext
{
    private readonly WordEmbedder _embedder = new();

    public SimilarIncidentsPanelTests()
    {
        Services.AddIntelligenceServices(new ConfigurationBuilder().Build());
        Services.AddSingleton<IEmbedder>(_embedder);
    }

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<long> IncidentAsync(string title, int minutesAgo, string? resolution = null)
    {
        await using var db = await Database.CreateDbContextAsync(Ct);
        var at = Clock.GetUtcNow().AddMinutes(-minutesAgo);
        var incident = new Incident
        {
            Title = title, Severity = Severity.SEV2, Region = RegionCode.JP, TriggeredAt = at, UpdatedAt = at, ResolutionNote = resolution,
            Status = resolution is null ? IncidentStatus.Triggered : IncidentStatus.Resolved,
        };
        db.Incidents.Add(incident);
        await db.SaveChangesAsync(Ct);
        var vector = (await _embedder.EmbedAsync([title], Ct))![0];
        db.Embeddings.Add(new Embedding { Kind = Embedding.Incident, RecordId = incident.Number, Model = _embedder.Model, TextHash = "x", Vector = Vectors.Pack(vector), SourceAt = at, UpdatedAt = at });
        await db.SaveChangesAsync(Ct);
        return incident.Number;
    }

    private async Task<IRenderedComponent<SimilarIncidentsPanel>> RenderForAsync(long number)
    {
        var detail = await Services.GetRequiredService<IncidentQueries>().DetailAsync(number);
        return Render<SimilarIncidentsPanel>(p => p.Add(x => x.Incident, detail!));
    }

    [Fact]
    public async Task AnEarlierIncidentLikeThisOneIsListedWithHowItEnded()
    {
        var before = await IncidentAsync("Card payments declined for JP advertisers", 600, "Rolled back the card router.");
        await IncidentAsync("Invoice PDFs do not render", 300);
        var now = await IncidentAsync("JP advertisers card payments declined", 5);

        var panel = await RenderForAsync(now);

        panel.WaitForAssertion(() => Assert.Single(panel.FindAll("[data-testid=similar-incident]")));
        var item = panel.Find("[data-testid=similar-incident]").TextContent;
        Assert.Contains(IncidentNumber.Format(before), item, StringComparison.Ordinal);
        Assert.Contains("Resolved: Rolled back the card router.", item, StringComparison.Ordinal);
        Assert.Contains("shared words", item, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NothingAboveTheThresholdSaysNothingIsSimilar()
    {
        await IncidentAsync("Invoice PDFs do not render", 300);
        var now = await IncidentAsync("Budget caps ignored overnight", 5);

        var panel = await RenderForAsync(now);

        panel.WaitForAssertion(() => Assert.Contains("Nothing similar", panel.Find("[data-testid=similar-none]").TextContent, StringComparison.Ordinal));
        Assert.Empty(panel.FindAll("[data-testid=similar-incident]"));
    }

    [Fact]
    public async Task AModelThatFailedToLoadIsSaidPlainly()
    {
        var now = await IncidentAsync("Budget caps ignored overnight", 5);
        _embedder.Fail("The embedding model could not be loaded: OnnxRuntimeException: no such file");

        var panel = await RenderForAsync(now);

        panel.WaitForAssertion(() => Assert.Contains("could not be loaded", panel.Find("[data-testid=similar-unavailable]").TextContent, StringComparison.Ordinal));
    }

    /// <summary>A stand-in model for the page tests: each word a direction, so texts with the same words are the same vector.</summary>
    private sealed class WordEmbedder : IEmbedder
    {
        public string Model => "words@1";
        public int Dimensions => 384;
        public EmbedderState State { get; private set; } = EmbedderState.Ready;
        public string? Problem { get; private set; }

        public void Fail(string problem) => (State, Problem) = (EmbedderState.Failed, problem);

        public void Warm()
        {
        }

        public Task<float[][]?> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default) =>
            Task.FromResult<float[][]?>([.. texts.Select(text =>
            {
                var vector = new float[Dimensions];
                foreach (var word in SimilarityRules.Words(text))
                {
                    vector[(int)((uint)StableHash(word) % Dimensions)] += 1;
                }
                return Vectors.Normalize(vector);
            })]);

        private static int StableHash(string word) => word.Aggregate(17, (h, c) => unchecked((h * 31) + c));
    }
}
