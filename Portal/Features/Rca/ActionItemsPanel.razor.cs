using Microsoft.AspNetCore.Components;
using Portal.Shared.Team;
using Portal.Shared.Rca;

namespace Portal.Features.Rca;

public partial class ActionItemsPanel
{
    [Parameter, EditorRequired] public RcaView Rca { get; set; } = default!;
    [Parameter] public EventCallback Changed { get; set; }

    private IReadOnlyList<PersonView> _people = [];
    private string? _title;
    private string? _owner;
    private DateTime? _due;
    private ActionKind _kind = ActionKind.Prevent;
    private ActionPriority _priority = ActionPriority.P2;
    private string? _tracker;
    private string? _error;
    private readonly Dictionary<int, string?> _verification = [];

    protected override async Task OnInitializedAsync() => _people = await People.ListAsync();

    protected override void OnParametersSet()
    {
        foreach (var a in Rca.Actions)
        {
            _verification.TryAdd(a.Id, null);
        }
    }

    private async Task AddAsync()
    {
        _error = null;
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        try
        {
            await Items.AddAsync(user, Rca.Id, new ActionInput(_title, _owner, _due is { } d ? DateOnly.FromDateTime(d) : null, _priority, _kind, _tracker));
            (_title, _tracker) = (null, null);
            await Changed.InvokeAsync();
        }
        catch (Exception ex) when (ex is Portal.Shared.ValidationException or Portal.Shared.AccessDeniedException)
        {
            _error = ex is Portal.Shared.ValidationException v ? v.Messages : ex.Message;
        }
    }

    private async Task CloseAsync(ActionView action)
    {
        _error = null;
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        try
        {
            await Items.CloseAsync(user, action.Id, _verification.GetValueOrDefault(action.Id));
            await Changed.InvokeAsync();
        }
        catch (Exception ex) when (ex is Portal.Shared.ValidationException or Portal.Shared.ConflictException or Portal.Shared.AccessDeniedException)
        {
            _error = ex is Portal.Shared.ValidationException v ? v.Messages : ex.Message;
        }
    }
}
