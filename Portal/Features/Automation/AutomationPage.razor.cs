using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Common;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Shared.Live;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

public sealed partial class AutomationPage
{
    private AutomationSwitches? _switches;
    private AutomationMetrics? _metrics;
    private IReadOnlyList<ActionSummary> _actions = [];
    private IReadOnlyList<HealingRuleView> _rules = [];
    private IReadOnlyList<WorkflowRuleView> _workflow = [];
    private IReadOnlyList<RunView> _runs = [];
    private ClaimsPrincipal _user = new();
    private bool _admin;
    private bool _busy;
    private LiveRefresh? _live;

    [Inject] private ActionCatalogService Catalog { get; set; } = default!;
    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private HealingRuleService Rules { get; set; } = default!;
    [Inject] private WorkflowRuleService Workflow { get; set; } = default!;
    [Inject] private AutomationMetricsService Metrics { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _admin = _user.HasPortalRole(PortalRole.Admin);
        await LoadAsync();
        // Runs write on their incidents' timelines: an automation line anywhere is the cue to read the runs again.
        _live = new LiveRefresh(Feed, Clock, change => change.Kind == Shared.Incidents.TimelineEventKind.Automation,
            async changed => { if (changed) { await LoadRunsAsync(); StateHasChanged(); } }, InvokeAsync);
    }

    private async Task LoadAsync()
    {
        _switches = await Catalog.SwitchesAsync();
        _metrics = await Metrics.ForAsync();
        _actions = await Catalog.ListAsync();
        _rules = await Rules.ListAsync();
        _workflow = await Workflow.ListAsync();
        await LoadRunsAsync();
    }

    private async Task LoadRunsAsync() => _runs = await Runs.ListAsync(take: 15);

    private async Task ToggleKillAsync()
    {
        _busy = true;
        var off = !_switches!.GlobalKill;
        await Snackbar.TryAsync(async () => _switches = await Catalog.SetGlobalKillAsync(_user, off),
            off ? "Automation is off: nothing runs, and queued runs were cancelled." : "Automation is on again.");
        await LoadAsync();
        _busy = false;
    }

    private static string Minutes(double? minutes) => minutes is { } m ? Shared.Durations.Minutes(m) : "–";

    private static RenderFragment Stat(string label, string value) => builder =>
    {
        builder.OpenComponent<MudPaper>(0);
        builder.AddAttribute(1, "Outlined", true);
        builder.AddAttribute(2, "Class", "pa-3");
        builder.AddAttribute(3, "ChildContent", (RenderFragment)(inner =>
        {
            inner.OpenElement(0, "div");
            inner.AddAttribute(1, "class", "mud-typography mud-typography-caption");
            inner.AddContent(2, label);
            inner.CloseElement();
            inner.OpenElement(3, "div");
            inner.AddAttribute(4, "class", "mud-typography mud-typography-h6");
            inner.AddContent(5, value);
            inner.CloseElement();
        }));
        builder.CloseComponent();
    };

    public void Dispose() => _live?.Dispose();
}
