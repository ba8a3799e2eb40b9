using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Portal.Components.Layout;
using Portal.Shared.Cases;
using Portal.Shared.Live;

namespace Portal.Features.Cases;

public partial class CaseQueuePage : IDisposable
{
    private const int PageSize = 50;
    private static readonly TimeSpan HighlightFor = TimeSpan.FromSeconds(4);

    private sealed record Due(string What, DateTimeOffset At, bool Overdue, string Text);

    private CaseQueueFilter _filter = new();
    private IReadOnlyList<CaseRow> _rows = [];
    private readonly List<string?> _pageCursors = [null];
    private readonly Dictionary<long, DateTimeOffset> _highlightUntil = [];
    private int _pageIndex;
    private string? _nextCursor;
    private bool _loading = true;
    private bool _filtersOpen;
    private string? _announcement;
    private ClaimsPrincipal _user = new();
    private Portal.Features.Incidents.LiveRefresh? _live;
    private bool _loaded;

    [Inject] private CaseQueries Queries { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject(Key = PresenceSpaces.Cases)] private IPresence Presence { get; set; } = default!;
    [Inject] private CaseOptions Options { get; set; } = default!;

    private IReadOnlyDictionary<long, int> _viewers = new Dictionary<long, int>();
    private int _presenceDirty;

    private void OnPresenceChanged(long number) => Interlocked.Exchange(ref _presenceDirty, 1);
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;

    [SupplyParameterFromQuery] public string? Status { get; set; }
    [SupplyParameterFromQuery] public string? Priority { get; set; }
    [SupplyParameterFromQuery] public string? Region { get; set; }
    [SupplyParameterFromQuery] public bool? Mine { get; set; }
    [SupplyParameterFromQuery] public bool? Unassigned { get; set; }
    [SupplyParameterFromQuery] public bool? Soon { get; set; }
    [SupplyParameterFromQuery] public bool? Breached { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Search { get; set; }
    [SupplyParameterFromQuery] public string? Advertiser { get; set; }
    [SupplyParameterFromQuery] public string? Category { get; set; }
    [SupplyParameterFromQuery] public string? From { get; set; }
    [SupplyParameterFromQuery] public string? To { get; set; }

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        if (RendererInfo.IsInteractive)
        {
            // Hints only mark the page dirty; it re-reads at most four times a second, so a storm is a few renders.
            Presence.Changed += OnPresenceChanged;
            _live = Portal.Features.Incidents.LiveRefresh.ForCases(Feed, Clock, _ => true, OnTickAsync, InvokeAsync);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        var filter = CaseQueueFilter.FromUrl(Status, Priority, Region, Mine, Unassigned, Soon, Breached, Search, Advertiser, Category, From, To);
        if (filter == _filter && _loaded)
        {
            return;
        }
        _filter = filter;
        _pageCursors.Clear();
        _pageCursors.Add(null);
        _pageIndex = 0;
        await LoadAsync(highlightNew: false);
    }

    private void Apply(CaseQueueFilter filter) => Navigation.NavigateTo(filter.ToUrl());

    private async Task LoadAsync(bool highlightNew)
    {
        var before = _rows.Select(r => r.Number).ToHashSet();
        _loading = true;
        var page = await Queries.ListAsync(_user, _filter.ToQuery(_pageCursors[_pageIndex], PageSize));
        (_rows, _nextCursor, _loading, _loaded) = (page.Items, page.NextCursor, false, true);
        _viewers = Presence.Counts(_rows.Select(r => r.Number));
        if (highlightNew && before.Count > 0)
        {
            var now = Clock.GetUtcNow();
            var arrived = _rows.Where(r => !before.Contains(r.Number)).ToList();
            foreach (var row in arrived)
            {
                _highlightUntil[row.Number] = now + HighlightFor;
            }
            if (arrived.Count > 0)
            {
                _announcement = arrived.Count == 1
                    ? $"New in the queue: {arrived[0].Key}, {arrived[0].Priority}, {arrived[0].Subject}, from {arrived[0].AdvertiserName}."
                    : $"{arrived.Count} new cases in the queue.";
            }
        }
    }

    private async Task OnTickAsync(bool changed)
    {
        var now = Clock.GetUtcNow();
        var expired = _highlightUntil.Where(h => h.Value <= now).Select(h => h.Key).ToList();
        expired.ForEach(n => _highlightUntil.Remove(n));
        if (changed)
        {
            await LoadAsync(highlightNew: _pageIndex == 0);
            StateHasChanged();
        }
        else if (Interlocked.Exchange(ref _presenceDirty, 0) == 1)
        {
            _viewers = Presence.Counts(_rows.Select(r => r.Number));
            StateHasChanged();
        }
        else if (expired.Count > 0)
        {
            StateHasChanged();
        }
    }

    private async Task NewerAsync()
    {
        _pageIndex--;
        await LoadAsync(highlightNew: false);
    }

    private async Task OlderAsync()
    {
        if (_nextCursor is null)
        {
            return;
        }
        if (_pageCursors.Count == _pageIndex + 1)
        {
            _pageCursors.Add(_nextCursor);
        }
        else
        {
            _pageCursors[_pageIndex + 1] = _nextCursor;
        }
        _pageIndex++;
        await LoadAsync(highlightNew: false);
    }

    private string RowClass(CaseRow row, int index) => _highlightUntil.ContainsKey(row.Number) ? "queue-row-new" : "";

    /// <summary>The next running clock of a row: the first reply until it is sent, then the resolution.</summary>
    private Due? NextDue(CaseRow row)
    {
        if (row.ClocksPausedSince is not null || row.Status is CaseStatus.Solved or CaseStatus.Closed)
        {
            return null;
        }
        var now = Clock.GetUtcNow();
        var (what, at) = row.FirstRepliedAt is null && row.FirstReplyDueAt is { } first ? ("Reply", first)
            : row.ResolutionDueAt is { } resolution ? ("Solve", resolution) : (null, default(DateTimeOffset));
        return what is null ? null : new Due(what, at, at < now, at < now ? CaseSla.Describe(at - now) : $"in {CaseSla.Describe(at - now)}");
    }

    /// <summary>"opened 8 Nov – 6 Dec" for the window a metrics drill-down set.</summary>
    private string Window()
    {
        static string Day(DateTimeOffset at) => at.UtcDateTime.ToString("d MMM yyyy", System.Globalization.CultureInfo.InvariantCulture);
        return (_filter.From, _filter.To) switch
        {
            ({ } from, { } to) => $"Opened {Day(from)} – {Day(to.AddSeconds(-1))}",
            ({ } from, null) => $"Opened since {Day(from)}",
            (null, { } to) => $"Opened before {Day(to)}",
            _ => "",
        };
    }

    public void Dispose()
    {
        _live?.Dispose();
        Presence.Changed -= OnPresenceChanged;
    }
}
