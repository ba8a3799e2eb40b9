using Portal.Tests.Support;

namespace Portal.Tests.Features.Metrics;

/// <summary>Every metric on SQLite against a brute-force calculation over a generated history (the PostgreSQL run is in ScaleOut).</summary>
public sealed class MetricsBruteForceTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public Task EveryFigureMatchesABruteForceCalculationOnSqlite() => MetricsHistory.AssertEveryFigureAsync(_portal);
}
