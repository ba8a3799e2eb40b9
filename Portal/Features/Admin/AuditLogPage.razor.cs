using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;

namespace Portal.Features.Admin;

public partial class AuditLogPage
{
    private MudDataGrid<AuditRow>? _grid;
    private IReadOnlyList<string> _actions = [];
    private string? _action;
    private string? _actor;
    private DateTime? _from;
    private DateTime? _to;
    private ClaimsPrincipal _user = new();

    [Inject] private AuditService Audit { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _actions = await Audit.ActionsAsync();
    }

    private async Task<GridData<AuditRow>> Load(GridState<AuditRow> state, CancellationToken cancellationToken)
    {
        var query = new AuditQuery(
            _action, _actor,
            _from is { } from ? new DateTimeOffset(from.Date, TimeSpan.Zero) : null,
            _to is { } to ? new DateTimeOffset(to.Date.AddDays(1), TimeSpan.Zero) : null,
            state.Page, state.PageSize);
        var page = await Audit.ListAsync(_user, query, cancellationToken);
        return new GridData<AuditRow> { Items = page.Items, TotalItems = page.Total };
    }

    private Task Apply() => _grid?.ReloadServerData() ?? Task.CompletedTask;
}
