using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NodaTime;
using Portal.Components.Common;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

/// <summary>Reviews: what waits for the viewer, feedback asked of them, cycles and their progress, and opening a cycle (managers).</summary>
public sealed partial class ReviewListPage
{
    [Inject] private ReviewService Reviews { get; set; } = default!;
    [Inject] private ReviewCycleService Cycles { get; set; } = default!;
    [Inject] private PeerFeedbackService Peers { get; set; } = default!;
    [Inject] private PeopleService People { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private sealed class CycleForm
    {
        public string? Name { get; set; }
        public DateTime? PeriodStart { get; set; }
        public DateTime? PeriodEnd { get; set; }
        public DateTime? SelfDue { get; set; }
        public DateTime? PeerDue { get; set; }
        public DateTime? ManagerDue { get; set; }
        public string? Team { get; set; }
    }

    private readonly List<BreadcrumbItem> _crumbs = [new("Team", "/team"), new("Reviews", null, disabled: true)];
    private IReadOnlyList<ReviewSummary>? _todo;
    private IReadOnlyList<PeerRequestView> _asked = [];
    private IReadOnlyList<CycleView>? _cycles;
    private IReadOnlyList<TeamView> _teams = [];
    private readonly Dictionary<int, string?> _answers = [];
    private CycleForm _form = new();
    private bool _opening;
    private bool _canOpen;
    private string? _me;
    private System.Security.Claims.ClaimsPrincipal _user = new();

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _me = _user.GetHandle();
        _canOpen = _user.HasPortalRole(PortalRole.Manager);
        _teams = _canOpen ? await People.TeamsAsync() : [];
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _todo = await Reviews.ToDoAsync(_user);
        _asked = await Peers.PeerRequestsAsync(_user);
        _cycles = await Cycles.CyclesAsync(_user);
        foreach (var f in _asked)
        {
            _answers.TryAdd(f.Id, null);
        }
    }

    private Task<bool> AnswerAsync(int id, bool decline) => Snackbar.TryAsync(async () =>
    {
        await Peers.AnswerPeerAsync(_user, id, new PeerAnswerInput(_answers[id], decline));
        await LoadAsync();
    }, decline ? "Declined." : "Feedback sent.");

    private Task<bool> OpenAsync() => Snackbar.TryAsync(async () =>
    {
        if (_form is not { PeriodStart: { } start, PeriodEnd: { } end, SelfDue: { } self, PeerDue: { } peer, ManagerDue: { } manager })
        {
            throw new Shared.ValidationException("dates", "Choose the period and every deadline.");
        }
        await Cycles.OpenCycleAsync(_user, new CycleInput(_form.Name, DateOnly.FromDateTime(start), DateOnly.FromDateTime(end),
            Deadline(self), Deadline(peer), Deadline(manager), _form.Team));
        (_form, _opening) = (new CycleForm(), false);
        await LoadAsync();
    }, "Review cycle opened; everyone in it is notified.");

    /// <summary>17:00 on the chosen day in the viewer's zone.</summary>
    private DateTimeOffset Deadline(DateTime day) =>
        Shell.Zone.AtLeniently(LocalDate.FromDateTime(day).At(new NodaTime.LocalTime(17, 0))).ToDateTimeOffset();
}
