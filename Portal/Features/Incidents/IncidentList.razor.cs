using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Infrastructure.Auth;
using Portal.Shared.Live;

namespace Portal.Features.Incidents;

public partial class IncidentList : IDisposable
{
    private IReadOnlyList<IncidentRow> _rows = [];
    private bool _more;
    private ClaimsPrincipal _user = new();
    private LiveRefresh? _live;

    [Parameter, EditorRequired] public string Title { get; set; } = "";
    [Parameter, EditorRequired] public IncidentQueueFilter Filter { get; set; } = new();
    [Parameter] public string Empty { get; set; } = "Nothing here.";
    [Parameter] public int Limit { get; set; } = 8;
    [Parameter] public string? TestId { get; set; }

    [Inject] private IncidentQueries Incidents { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private string CountLabel => _more ? $"{_rows.Count}+" : _rows.Count.ToString(System.Globalization.CultureInfo.InvariantCulture);

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        if (RendererInfo.IsInteractive)
        {
            _live = new LiveRefresh(Feed, Clock,
                change => Filter.MayMatch(change, _user.GetHandle()) || _rows.Any(r => r.Number == change.Number),
                async changed =>
                {
                    if (changed)
                    {
                        await LoadAsync();
                        StateHasChanged();
                    }
                },
                InvokeAsync);
        }
    }

    protected override Task OnParametersSetAsync() => LoadAsync();

    private async Task LoadAsync()
    {
        var page = await Incidents.ListAsync(_user, Filter.ToQuery(null, Limit));
        (_rows, _more) = (page.Items, page.NextCursor is not null);
    }

    public void Dispose() => _live?.Dispose();
}
