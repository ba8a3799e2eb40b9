using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Common;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Automation;
using Portal.Shared.Team;

namespace Portal.Features.Automation;

public sealed partial class ActionPage
{
    private static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Converters = { new JsonStringEnumConverter() }, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    private ActionDetail? _detail;
    private IReadOnlyList<RunView> _runs = [];
    private string? _missing;
    private string? _edit;
    private List<BreadcrumbItem> _crumbs = [];
    private ClaimsPrincipal _user = new();
    private bool _manager;
    private bool _admin;

    [Parameter] public string Slug { get; set; } = "";

    [Inject] private ActionCatalogService Catalog { get; set; } = default!;
    [Inject] private RunService Runs { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        (_manager, _admin) = (_user.HasPortalRole(PortalRole.Manager), _user.HasPortalRole(PortalRole.Admin));
        try
        {
            await LoadAsync();
        }
        catch (NotFoundException e)
        {
            _missing = e.Message;
        }
    }

    private async Task LoadAsync()
    {
        _detail = await Catalog.GetAsync(Slug);
        _edit = Json(_detail.Versions[0].Definition);
        _crumbs = [new("Automation", "/automation"), new(_detail.Action.Name, null, disabled: true)];
        await LoadRunsAsync();
    }

    private async Task LoadRunsAsync() => _runs = await Runs.ListAsync(action: Slug, take: 10);

    private static string Json(ActionDefinition definition) => JsonSerializer.Serialize(definition, Options);

    private Task PromoteAsync(int version) => ActAsync(() => Catalog.PromoteAsync(_user, Slug, version), $"Version {version} promoted: it runs for real now.");

    private Task ToggleKillAsync() => ActAsync(() => Catalog.SetKilledAsync(_user, Slug, !_detail!.Action.Killed), _detail!.Action.Killed ? "Switched on." : "Switched off; its queued runs were cancelled.");

    private Task ResetAsync() => ActAsync(() => Catalog.ResetErrorsAsync(_user, Slug), "Error count reset.");

    private Task SaveAsync()
    {
        ActionDefinition? definition;
        try
        {
            definition = JsonSerializer.Deserialize<ActionDefinition>(_edit ?? "", Options);
        }
        catch (JsonException e)
        {
            Snackbar.Add($"The definition is not JSON an action reads: {e.Message}", MudBlazor.Severity.Warning);
            return Task.CompletedTask;
        }
        return ActAsync(() => Catalog.SaveAsync(_user, Slug, definition), "Saved as a new version: dry-run only until an admin promotes it.");
    }

    private async Task ActAsync(Func<Task<ActionDetail>> act, string done)
    {
        if (await Snackbar.TryAsync(async () => _detail = await act(), done))
        {
            await LoadAsync();
        }
    }
}
