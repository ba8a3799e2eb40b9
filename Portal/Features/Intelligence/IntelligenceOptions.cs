namespace Portal.Features.Intelligence;

/// <summary>The <c>AI</c> section: the offline intelligence features, on by default.</summary>
public sealed class IntelligenceOptions
{
    /// <summary>False turns the embedding model and everything built on it off.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How often the embedding backlog is looked at when nothing wakes it sooner.</summary>
    public TimeSpan EmbedInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Below this score the answer is "nothing similar".</summary>
    public double SimilarThreshold { get; set; } = Shared.Intelligence.SimilarityRules.Threshold;
}
