using Portal.Tests.Support;

namespace Portal.Tests.Features.Metrics;

/// <summary>Every metric against a brute-force calculation over a generated history, on the suite's database (both, in ./test.sh).</summary>
public sealed class MetricsBruteForceTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    public ValueTask DisposeAsync() => _portal.DisposeAsync();

    [Fact]
    public Task EveryFigureMatchesABruteForceCalculation() => MetricsHistory.AssertEveryFigureAsync(_portal);
}
