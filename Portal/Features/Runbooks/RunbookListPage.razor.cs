using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Team;

namespace Portal.Features.Runbooks;

public sealed partial class RunbookListPage
{
    [Inject] private RunbookService Runbooks { get; set; } = default!;
    [Inject] private RunbookSync Sync { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    [SupplyParameterFromQuery(Name = "q")] public string? Q { get; set; }
    [SupplyParameterFromQuery(Name = "service")] public string? Service { get; set; }
    [SupplyParameterFromQuery(Name = "team")] public string? Team { get; set; }
    [SupplyParameterFromQuery(Name = "tag")] public string? Tag { get; set; }
    [SupplyParameterFromQuery(Name = "stale")] public bool StaleFirst { get; set; }

    private List<RunbookSummary> _rows = [];
    private List<string> _services = [];
    private List<string> _teams = [];
    private List<string> _tags = [];
    private bool _admin;
    private ImportReport? _report;
    private System.Security.Claims.ClaimsPrincipal _user = new();

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _admin = _user.HasPortalRole(PortalRole.Admin);
    }

    protected override async Task OnParametersSetAsync()
    {
        var unfiltered = Empty(Q) is null && Empty(Service) is null && Empty(Tag) is null && Empty(Team) is null;
        _rows = await Runbooks.ListAsync(Empty(Q), Empty(Service), Empty(Tag), Empty(Team), StaleFirst);
        if (_services.Count == 0)
        {
            // The filters' choices come from every runbook: from this list when it is unfiltered, else from one more read.
            var all = unfiltered ? _rows : await Runbooks.ListAsync();
            _services = [.. all.SelectMany(r => r.Services).Distinct().Order()];
            _teams = [.. all.Select(r => r.Team).OfType<string>().Distinct().Order()];
            _tags = [.. all.SelectMany(r => r.Tags).Distinct().Order()];
        }
    }

    private void Go(string? q = null, string? service = null, string? team = null, string? tag = null, bool? stale = null) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["q"] = Empty(q ?? Q), ["service"] = Empty(service ?? Service), ["team"] = Empty(team ?? Team), ["tag"] = Empty(tag ?? Tag),
            ["stale"] = (stale ?? StaleFirst) ? "true" : null,
        }));

    private async Task ImportAsync()
    {
        try
        {
            _report = await Sync.ImportAsync(_user);
            await OnParametersSetAsync();
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task ExportAsync()
    {
        try
        {
            var count = await Sync.ExportAsync(_user);
            Snackbar.Add($"Exported {count} runbooks to {Sync.Folder}.", MudBlazor.Severity.Success);
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException or IOException or UnauthorizedAccessException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    private static string? Empty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
