using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Features.Incidents;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.Runbooks;

namespace Portal.Features.Runbooks;

public sealed partial class RunbookPage
{
    [Parameter] public string Slug { get; set; } = "";
    [SupplyParameterFromQuery(Name = "incident")] public string? Incident { get; set; }

    [Inject] private RunbookService Runbooks { get; set; } = default!;
    [Inject] private IncidentRunbookService DuringIncident { get; set; } = default!;
    [Inject] private IncidentQueries Incidents { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private IEnumerable<IRunbookStepAction> StepActions { get; set; } = default!;

    private (string Label, string Href)? StepAction(RunbookStep step, string incident) =>
        StepActions.Select(a => a.For(step.Text, incident)).FirstOrDefault(a => a is not null);

    private RunbookView? _runbook;
    private IncidentDetail? _incident;
    private HashSet<int> _done = [];
    private RunbookUse? _answer;
    private List<BreadcrumbItem> _crumbs = [];
    private ElementReference _body;
    private ClaimsPrincipal _user = new();
    private IDisposable? _subscription;

    protected override async Task OnParametersSetAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        try
        {
            var (view, moved) = await Runbooks.GetAsync(Slug);
            if (moved)
            {
                // An old address: go to the runbook's current one.
                Navigation.NavigateTo($"/runbooks/{view.Slug}" + (Incident is null ? "" : $"?incident={Uri.EscapeDataString(Incident)}"), replace: true);
                return;
            }
            _runbook = view;
        }
        catch (NotFoundException)
        {
            Navigation.NotFound();
            return;
        }
        _crumbs = [new("Runbooks", "/runbooks"), new(_runbook.Title, null, disabled: true)];
        _incident = IncidentNumber.TryParse(Incident, out var number) ? await Incidents.DetailAsync(number) : null;
        if (_incident is { } incident)
        {
            _done = await DuringIncident.DoneStepsAsync(_runbook.Slug, incident.Number);
            if (RendererInfo.IsInteractive)
            {
                await DuringIncident.RecordUseAsync(_user, _runbook.Slug, incident.Number, RunbookUse.Opened);
                // Someone else ticking a step on this incident shows here too.
                _subscription?.Dispose();
                _subscription = Feed.Subscribe(change => change.Number == incident.Number && change.Kind == TimelineEventKind.RunbookStep
                    ? new ValueTask(InvokeAsync(async () =>
                    {
                        _done = await DuringIncident.DoneStepsAsync(_runbook.Slug, incident.Number);
                        StateHasChanged();
                    }))
                    : ValueTask.CompletedTask);
            }
        }
    }

    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_runbook is not null && RendererInfo.IsInteractive)
        {
            await Js.InvokeVoidAsync("portalRunbook.addCopyButtons", _body);
        }
    }

    private async Task TickAsync(RunbookStep step, bool done)
    {
        try
        {
            await DuringIncident.TickAsync(_user, _runbook!.Slug, _incident!.Number, step.Number, done);
            _ = done ? _done.Add(step.Number) : _done.Remove(step.Number);
        }
        catch (Exception ex) when (ex is ValidationException or NotFoundException or AccessDeniedException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task AnswerAsync(RunbookUse answer)
    {
        await DuringIncident.RecordUseAsync(_user, _runbook!.Slug, _incident?.Number, answer);
        _answer = answer;
        Snackbar.Add("Thanks: it counts towards which runbooks are suggested and kept current.", MudBlazor.Severity.Info);
    }

    private async Task MarkReviewedAsync()
    {
        _runbook = await Runbooks.MarkReviewedAsync(_user, _runbook!.Slug);
        Snackbar.Add($"Marked reviewed; next review due in {_runbook.ReviewIntervalDays} days.", MudBlazor.Severity.Success);
    }

    public void Dispose() => _subscription?.Dispose();
}
