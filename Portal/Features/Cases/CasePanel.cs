using Microsoft.AspNetCore.Components;

namespace Portal.Features.Cases;

/// <summary>A panel another module adds to the case page (drafts, similar cases), in <see cref="Order"/>; Cases names no module.</summary>
public sealed record CasePanel(Type Component, int Order);

/// <summary>What every case panel is given: the case as the page shows it, and a counter the page bumps on each live change.</summary>
public abstract class CasePanelBase : ComponentBase
{
    [Parameter, EditorRequired] public CaseDetail Case { get; set; } = default!;

    /// <summary>Bumped by the page on every live change of the case.</summary>
    [Parameter] public int Refresh { get; set; }
}

public static class CasePanels
{
    public static IServiceCollection AddCasePanel<TPanel>(this IServiceCollection services, int order) where TPanel : CasePanelBase =>
        services.AddSingleton(new CasePanel(typeof(TPanel), order));
}
