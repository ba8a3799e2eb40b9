using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Live;

namespace Portal.Features.OnCall;

public partial class OnCallPage : IDisposable
{
    /// <summary>Re-read at least this often, so overrides made elsewhere show up without a reload.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private List<OnCallNow>? _rows;
    private List<OverrideView> _overrides = [];
    private DateTimeOffset _at;
    private ITimer? _timer;
    private List<SwapView> _swaps = [];
    private ClaimsPrincipal _user = new();
    private IDisposable? _subscription;
    private List<CalendarFeedView> _feeds = [];
    private string? _feedSchedule;
    private string? _newFeedUrl;

    [Inject] private OnCallService OnCall { get; set; } = default!;
    [Inject] private OverrideService Overrides { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private SwapService Swaps { get; set; } = default!;
    [Inject] private CalendarFeedService Feeds { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private IEnumerable<OnCallNow> Visible => (_rows ?? []).Where(r => Shell.Region is null || r.Region is null || r.Region == Shell.Region);

    protected override async Task OnInitializedAsync()
    {
        Shell.Changed += OnShellChanged;
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        await LoadAsync();
        if (RendererInfo.IsInteractive)
        {
            // Any override or swap, anywhere: re-read who is on call and the swaps (a handful of rows).
            _subscription = Feed.SubscribeNotices(notice => notice.Topic.StartsWith("schedule:", StringComparison.Ordinal)
                ? new ValueTask(InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                }))
                : ValueTask.CompletedTask);
        }
    }

    private async Task DecideAsync(SwapView swap, SwapDecision decision)
    {
        try
        {
            var after = await Swaps.DecideAsync(_user, swap.Id, decision, swap.Version);
            Snackbar.Add(decision switch
            {
                SwapDecision.Accept when after.State == Shared.OnCall.SwapState.AwaitingApproval => $"Accepted; {after.RequesterName}'s manager approves it next.",
                SwapDecision.Accept or SwapDecision.Approve => $"{after.CoverName} covers {after.RequesterName} from {Shell.DayAndTime(after.Start)} to {Shell.DayAndTime(after.End)}.",
                SwapDecision.Cancel => "Withdrawn.",
                _ => "Declined.",
            }, MudBlazor.Severity.Success);
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException or NotFoundException or ValidationException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
        await LoadAsync();
    }

    private async Task CreateFeedAsync()
    {
        var schedule = int.TryParse(_feedSchedule, out var id) ? id : (int?)null;
        var feed = await Feeds.CreateAsync(_user, schedule);
        _newFeedUrl = Navigation.ToAbsoluteUri(feed.Url!).ToString();
        _feeds = await Feeds.ListAsync(_user);
    }

    private async Task RevokeFeedAsync(CalendarFeedView feed)
    {
        await Feeds.RevokeAsync(_user, feed.Id);
        _newFeedUrl = null;
        _feeds = await Feeds.ListAsync(_user);
        Snackbar.Add($"Revoked: \"{feed.What}\" no longer answers.", MudBlazor.Severity.Info);
    }

    private static string SwapState(SwapView swap) => swap.State switch
    {
        Shared.OnCall.SwapState.Requested => "waiting for " + swap.CoverName,
        Shared.OnCall.SwapState.AwaitingApproval => "waiting for a manager",
        Shared.OnCall.SwapState.Accepted => "accepted: override made",
        Shared.OnCall.SwapState.Rejected => "rejected by a manager",
        Shared.OnCall.SwapState.Cancelled => "withdrawn",
        _ => "declined",
    };

    private async Task LoadAsync()
    {
        _at = Clock.GetUtcNow();
        _rows = await OnCall.OnCallAsync(null, null, _at);
        _overrides = await Overrides.OverridesAsync(null, _at, null);
        _swaps = _user.GetPersonId() is null ? [] : await Swaps.ListAsync(_user);
        _feeds = _user.GetPersonId() is null ? [] : await Feeds.ListAsync(_user);
        if (RendererInfo.IsInteractive)
        {
            // One timer per page: fire at the next handoff on any schedule, or after the refresh period.
            var next = _rows.Where(r => r.Person is not null).Select(r => r.Person!.Until).Where(u => u > _at).DefaultIfEmpty(_at + Refresh).Min();
            var due = next - _at < Refresh ? next - _at + TimeSpan.FromSeconds(1) : Refresh;
            _timer?.Dispose();
            _timer = Clock.CreateTimer(_ => _ = InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            }), null, due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnShellChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Shell.Changed -= OnShellChanged;
        _timer?.Dispose();
        _subscription?.Dispose();
    }
}
