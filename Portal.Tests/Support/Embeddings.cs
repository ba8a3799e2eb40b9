using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Intelligence;

namespace Portal.Tests.Support;

/// <summary>For the intelligence tests: the real model loaded, and the whole embedding backlog worked off now.</summary>
public static class Embeddings
{
    public static async Task EmbedEverythingAsync(this PortalFactory portal)
    {
        var embedder = portal.Services.GetRequiredService<IEmbedder>();
        embedder.Warm();
        await Eventually.TrueAsync(() => embedder.State is EmbedderState.Ready or EmbedderState.Failed, seconds: 120);
        Assert.True(embedder.State == EmbedderState.Ready, embedder.Problem);
        var processor = portal.Services.GetRequiredService<EmbeddingProcessor>();
        while (await processor.EmbedPendingAsync(TestContext.Current.CancellationToken) > 0)
        {
        }
    }
}
