using Microsoft.AspNetCore.Components;

namespace Portal.Features.Incidents;

/// <summary>
/// A panel another module adds to the incident page (its alerts, RCA, runbooks, escalation), in <see cref="Order"/>.
/// The module registers it with <see cref="IncidentPanels.AddIncidentPanel{TPanel}"/>; Incidents names no module.
/// </summary>
public sealed record IncidentPanel(Type Component, int Order);

/// <summary>What every incident panel is given: the incident as the page shows it, and a counter the page bumps on each live change.</summary>
public abstract class IncidentPanelBase : ComponentBase
{
    [Parameter, EditorRequired] public IncidentDetail Incident { get; set; } = default!;

    /// <summary>Bumped by the page on every live change of the incident: a panel that shows changing data reads it again.</summary>
    [Parameter] public int Refresh { get; set; }
}

/// <summary>A banner another module shows at the head of the incident queue (early warnings), without Incidents naming it.</summary>
public sealed record IncidentQueueBanner(Type Component);

public static class IncidentPanels
{
    public static IServiceCollection AddIncidentQueueBanner<TBanner>(this IServiceCollection services) where TBanner : ComponentBase =>
        services.AddSingleton(new IncidentQueueBanner(typeof(TBanner)));

    public static IServiceCollection AddIncidentPanel<TPanel>(this IServiceCollection services, int order) where TPanel : IncidentPanelBase =>
        services.AddSingleton(new IncidentPanel(typeof(TPanel), order));
}
