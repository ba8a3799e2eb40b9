using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Common;
using Portal.Components.Layout;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.Team;

namespace Portal.Features.Team;

/// <summary>
/// One review: the self-review, the manager's review (the person sees it after sign-off), peer feedback for the
/// managers, deadlines, and the operational record of the period beside it. Changes by others arrive live.
/// </summary>
public sealed partial class ReviewPage
{
    private const int ReopenDays = 3;

    [Parameter] public int Id { get; set; }
    [Inject] private ReviewService Reviews { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private sealed class PartForm
    {
        public Dictionary<Competency, int> Ratings { get; set; } = [];
        public string? Text { get; set; }
    }

    private ReviewView? _review;
    private PartForm _self = new();
    private PartForm _manager = new();
    private string? _missing;
    private string? _peer;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private List<BreadcrumbItem> _crumbs = [];
    private IDisposable? _subscription;

    protected override async Task OnParametersSetAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        try
        {
            Show(await Reviews.GetAsync(_user, Id));
        }
        catch (NotFoundException e)
        {
            _missing = e.Message;
            return;
        }
        _subscription?.Dispose();
        _subscription = Feed.SubscribeNotices(notice => notice.Topic == ReviewService.Topic(Id)
            ? new ValueTask(InvokeAsync(async () =>
            {
                if (await Snackbar.TryAsync(async () => Show(await Reviews.GetAsync(_user, Id), keepEditable: true)))
                {
                    StateHasChanged();
                }
            }))
            : ValueTask.CompletedTask);
    }

    private void Show(ReviewView review, bool keepEditable = false)
    {
        _review = review;
        if (!(keepEditable && review.Can.WriteSelf))
        {
            _self = new PartForm { Ratings = new(review.Self?.Ratings ?? new Dictionary<Competency, int>()), Text = review.Self?.Text };
        }
        if (!(keepEditable && review.Can.WriteManager))
        {
            _manager = new PartForm { Ratings = new(review.ManagerPart?.Ratings ?? new Dictionary<Competency, int>()), Text = review.ManagerPart?.Text };
        }
        _crumbs = [new("Team", "/team"), new(review.PersonName, $"/team/{review.Person}/reviews"), new(review.Cycle, null, disabled: true)];
    }

    private Task<bool> SaveSelfAsync(bool submit) => Snackbar.TryAsync(async () =>
        Show(await Reviews.SaveSelfAsync(_user, Id, new ReviewPartInput(_self.Ratings, _self.Text, _review!.Version, submit))), submit ? "Self-review handed in." : "Draft saved.");

    private Task<bool> SaveManagerAsync(bool submit) => Snackbar.TryAsync(async () =>
        Show(await Reviews.SaveManagerAsync(_user, Id, new ReviewPartInput(_manager.Ratings, _manager.Text, _review!.Version, submit))), submit ? "Handed in for sign-off." : "Draft saved.");

    private Task<bool> SignOffAsync() => Snackbar.TryAsync(async () => Show(await Reviews.SignOffAsync(_user, Id)), "Signed off: the review is now visible to the person.");

    private Task<bool> ReopenAsync(string part) => Snackbar.TryAsync(async () =>
        Show(await Reviews.ReopenAsync(_user, Id, new ReopenInput(part, Clock.GetUtcNow().AddDays(ReopenDays)))), "Reopened.");

    private Task<bool> RequestPeerAsync() => Snackbar.TryAsync(async () =>
    {
        Show(await Reviews.RequestPeerAsync(_user, Id, new PeerRequestInput(_peer)), keepEditable: true);
        _peer = null;
    }, "Feedback asked.");

    public void Dispose() => _subscription?.Dispose();
}
