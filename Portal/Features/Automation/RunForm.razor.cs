using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Components.Common;
using Portal.Shared.Automation;

namespace Portal.Features.Automation;

public partial class RunForm
{
    private IReadOnlyList<ActionSummary> _actions = [];
    private IReadOnlyList<ActionInput> _inputs = [];
    private readonly Dictionary<string, string?> _values = [];
    private string? _chosen;
    private bool _busy;

    [Parameter, EditorRequired] public ClaimsPrincipal User { get; set; } = new();

    /// <summary>The incident the run is for (its service is the target), or none.</summary>
    [Parameter] public long? Incident { get; set; }

    /// <summary>One action only (a runbook step's "Run:", an action's page); otherwise a choice of the catalogue.</summary>
    [Parameter] public string? Action { get; set; }

    [Parameter] public EventCallback<RunView> Requested { get; set; }

    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private ActionCatalogService Catalog { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        if (Action is { } preset)
        {
            await ChooseAsync(preset);
        }
        else
        {
            _actions = [.. (await Catalog.ListAsync()).Where(a => !a.Killed)];
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
        await Snackbar.TryAsync(async () => run = await Runs.RequestAsync(User, new RunRequest(_chosen!, inputs, Incident, DryRun: dryRun)));
        if (run is not null)
        {
            Snackbar.Add(run.State switch
            {
                RunState.Refused => $"Refused: {run.Reason}",
                RunState.AwaitingApproval => "Asked for approval: someone else approves it within 30 minutes.",
                _ when run.DryRun => "Dry-run done: nothing was sent. See what it would send below.",
                _ => "Queued.",
            }, run.State == RunState.Refused ? MudBlazor.Severity.Warning : MudBlazor.Severity.Info);
            await Requested.InvokeAsync(run);
        }
        _busy = false;
    }
}
