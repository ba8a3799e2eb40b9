using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Common;
using Portal.Infrastructure.Auth;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

public partial class AutomationPanel
{
    private IReadOnlyList<RunView> _runs = [];
    private IReadOnlyList<ActionSummary> _actions = [];
    private IReadOnlyList<ActionInput> _inputs = [];
    private readonly Dictionary<string, string?> _values = [];
    private string? _chosen;
    private bool _busy;
    private int _loadedFor = -1;
    private ClaimsPrincipal _user = new();

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private ActionCatalogService Catalog { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    /// <summary>Preselects an action (a runbook step's "Run:" link passes it).</summary>
    [Parameter] public string? Action { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _actions = [.. (await Catalog.ListAsync()).Where(a => !a.Killed)];
        if (Action is { } preset && _actions.Any(a => a.Slug == preset))
        {
            await ChooseAsync(preset);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (_loadedFor != Refresh)
        {
            _loadedFor = Refresh;
            _runs = await Runs.ListAsync(Incident.Number, take: 20);
        }
    }

    private async Task ChooseAsync(string slug)
    {
        _chosen = slug;
        var detail = await Catalog.GetAsync(slug);
        _inputs = detail.Versions[0].Definition.Inputs;
        _values.Clear();
        foreach (var input in _inputs.Where(i => i.Default is not null))
        {
            _values[input.Name] = input.Default;
        }
    }

    private async Task RequestAsync(bool dryRun)
    {
        _busy = true;
        var inputs = new Dictionary<string, JsonElement>();
        foreach (var input in _inputs)
        {
            if (_values.GetValueOrDefault(input.Name) is { Length: > 0 } text)
            {
                inputs[input.Name] = input.Type switch
                {
                    Shared.Automation.InputType.WholeNumber when long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) => JsonSerializer.SerializeToElement(n),
                    Shared.Automation.InputType.Boolean => JsonSerializer.SerializeToElement(text == "true"),
                    _ => JsonSerializer.SerializeToElement(text),
                };
            }
        }
        RunView? run = null;
        await Snackbar.TryAsync(async () => run = await Runs.RequestAsync(_user, new RunRequest(_chosen!, inputs, Incident.Number, DryRun: dryRun)));
        if (run is not null)
        {
            Snackbar.Add(run.State switch
            {
                RunState.Refused => $"Refused: {run.Reason}",
                RunState.AwaitingApproval => "Asked for approval: someone else approves it within 30 minutes.",
                _ when run.DryRun => "Dry-run done: nothing was sent. See what it would send below.",
                _ => "Queued.",
            }, run.State == RunState.Refused ? MudBlazor.Severity.Warning : MudBlazor.Severity.Info);
            _runs = await Runs.ListAsync(Incident.Number, take: 20);
        }
        _busy = false;
    }

    private Task ApproveAsync(RunView run) => ActAsync(() => Runs.ApproveAsync(_user, run.Id), "Approved.");

    private Task CancelAsync(RunView run) => ActAsync(() => Runs.CancelAsync(_user, run.Id), "Cancelled.");

    private async Task ActAsync(Func<Task<RunView>> act, string done)
    {
        _busy = true;
        await Snackbar.TryAsync(act, done);
        _runs = await Runs.ListAsync(Incident.Number, take: 20);
        _busy = false;
    }

    private bool CanApprove(RunView run) => _user.HasPortalRole(PortalRole.Manager) && run.RequestedById != _user.GetPersonId();

    private bool CanCancel(RunView run) => run.RequestedById == _user.GetPersonId() || _user.HasPortalRole(PortalRole.Manager);

    private static string Who(RunView run) => run.Trigger switch
    {
        RunTrigger.SelfHealing => "self-healing",
        RunTrigger.Rule => "workflow rule",
        _ => run.ApprovedBy is { } approver ? $"{run.RequestedBy}, approved by {approver}" : run.RequestedBy,
    };

    private static Color StateColor(RunView run) => run.State switch
    {
        _ when run.DryRun => Color.Default,
        RunState.Succeeded => Color.Success,
        RunState.Failed or RunState.TimedOut or RunState.Lost or RunState.Refused => Color.Error,
        RunState.AwaitingApproval or RunState.RolledBack => Color.Warning,
        RunState.Running or RunState.Dispatched or RunState.Queued => Color.Info,
        _ => Color.Default,
    };
}
