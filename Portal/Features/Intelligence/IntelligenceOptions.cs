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

    /// <summary>False turns the early warnings off (they need no model; they have their own switch).</summary>
    public bool Warnings { get; set; } = true;

    /// <summary>How often the early warnings look at the signals.</summary>
    public TimeSpan WarningInterval { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The short window a spike is counted in (and compared with the same window of the week before).</summary>
    public TimeSpan WarningWindow { get; set; } = TimeSpan.FromMinutes(20);

    /// <summary>How many earlier weeks the hour-of-week baseline rests on.</summary>
    public int WarningWeeks { get; set; } = 8;

    /// <summary>A window this many robust deviations above its baseline is a spike.</summary>
    public double WarningZ { get; set; } = Shared.Intelligence.Detectors.SpikeZ;

    /// <summary>The chat model drafts and the assistant may use; none by default.</summary>
    public ChatClientOptions ChatClient { get; set; } = new();
}
