using Microsoft.AspNetCore.Components;

namespace Portal.Features.Metrics;

/// <summary>One figure another module adds to the WBR/MBR summary, for a period.</summary>
public sealed record ReviewFigure(string Metric, string Unit, double? Value);

/// <summary>
/// Figures another module (Automation) adds to the business reviews: asked for the period and the one before, shown
/// as summary rows beside the portal's own. Registered by that module; Metrics names none.
/// </summary>
public interface IReviewFigures
{
    Task<IReadOnlyList<ReviewFigure>> ForAsync(DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken);
}

/// <summary>A panel another module shows on /metrics for the chosen period (From, To), after the portal's own, in <see cref="Order"/>.</summary>
public sealed record MetricsPanel(Type Component, int Order);

/// <summary>What a metrics panel is given: the period the page shows.</summary>
public abstract class MetricsPanelBase : ComponentBase
{
    [Parameter, EditorRequired] public DateTimeOffset From { get; set; }
    [Parameter, EditorRequired] public DateTimeOffset To { get; set; }
}

public static class MetricsPanels
{
    public static IServiceCollection AddMetricsPanel<TPanel>(this IServiceCollection services, int order) where TPanel : MetricsPanelBase =>
        services.AddSingleton(new MetricsPanel(typeof(TPanel), order));
}
