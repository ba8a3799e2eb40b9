using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Shared;
using Portal.Shared.Cases;

namespace Portal.Features.Cases;

public partial class QualityPage
{
    private IReadOnlyList<QualityReviewView> _queue = [];
    private IReadOnlyList<QualityReviewView> _mine = [];
    private IReadOnlyList<QualityScore> _scores = [];
    private IReadOnlyList<CalibrationRow> _calibration = [];
    private QualityScorecard? _scorecard;
    private string _by = "engineer";
    private readonly Dictionary<(long, string), QualityRating> _ratings = [];
    private readonly Dictionary<long, string?> _comments = [];
    private readonly Dictionary<long, string?> _disputes = [];
    private ClaimsPrincipal _user = new();

    [Inject] private QualityService Quality { get; set; } = default!;
    [Inject] private QualityOptions Options { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var now = Clock.GetUtcNow();
        _queue = await Quality.QueueAsync(_user);
        _mine = await Quality.MineAsync(_user);
        _scores = await Quality.ScoresAsync(_by, now.AddDays(-28), now);
        _calibration = await Quality.CalibrationAsync(now.AddDays(-28), now);
        _scorecard ??= await Quality.ScorecardAsync(1);
    }

    private QualityRating? Rating(long review, string category) => _ratings.TryGetValue((review, category), out var r) ? r : null;

    private void SetRating(long review, string category, QualityRating? rating)
    {
        if (rating is { } r)
        {
            _ratings[(review, category)] = r;
        }
    }

    private async Task ByAsync(string by)
    {
        _by = by;
        var now = Clock.GetUtcNow();
        _scores = await Quality.ScoresAsync(_by, now.AddDays(-28), now);
    }

    private async Task SubmitAsync(long review)
    {
        var ratings = _ratings.Where(r => r.Key.Item1 == review).Select(r => new CategoryRating { Category = r.Key.Item2, Rating = r.Value }).ToList();
        try
        {
            var done = await Quality.SubmitAsync(_user, review, ratings, _comments.GetValueOrDefault(review));
            Snackbar.Add($"{done.CaseKey} scored {done.Score}.", MudBlazor.Severity.Success);
            await LoadAsync();
        }
        catch (Exception e) when (e is ValidationException or ConflictException or AccessDeniedException or NotFoundException)
        {
            Snackbar.Add(e is ValidationException v ? v.Messages : e.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task DisputeAsync(long review)
    {
        try
        {
            await Quality.DisputeAsync(_user, review, _disputes.GetValueOrDefault(review));
            Snackbar.Add("Your dispute is recorded; your manager sees it beside the review.", MudBlazor.Severity.Success);
            await LoadAsync();
        }
        catch (Exception e) when (e is ValidationException or ConflictException or AccessDeniedException or NotFoundException)
        {
            Snackbar.Add(e is ValidationException v ? v.Messages : e.Message, MudBlazor.Severity.Warning);
        }
    }
}
