using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Features.Directory;
using Portal.Shared.Team;

namespace Portal.Features.Incidents;

public partial class IncidentQueuePage : IDisposable
{
    private static readonly TimeSpan HighlightFor = TimeSpan.FromSeconds(4);
    private const int PageSize = 50;

    private enum BulkAction { Acknowledge, AssignToMe, Resolve }

    private sealed record BulkResult(string Key, bool Ok, string Message);

    private IncidentQueueFilter _filter = new();
    private IReadOnlyList<IncidentRow> _rows = [];
    private readonly HashSet<long> _selected = [];
    private readonly List<string?> _pageCursors = [null];
    private int _pageIndex;
    private string? _nextCursor;
    private bool _loading = true;
    private bool _filtersOpen;
    private string? _announcement;
    private IReadOnlyList<TeamView> _teams = [];
    private IReadOnlyList<ServiceView> _services = [];
    private IReadOnlyList<PersonView>? _people;
    private PersonView? _assignee;
    private string _url = "/incidents";
    private Dictionary<Severity, SlaTargets> _targets = [];
    private readonly Dictionary<long, DateTimeOffset> _highlightUntil = [];
    private readonly List<BulkResult> _bulkResults = [];
    private string? _bulkNote;
    private ClaimsPrincipal _user = new();
    private LiveRefresh? _live;
    private int _ticks;

    [Inject] private IncidentService Incidents { get; set; } = default!;
    [Inject] private IncidentQueries Queries { get; set; } = default!;
    [Inject] private PeopleService People { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private IPresence Presence { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;

    private IReadOnlyDictionary<long, int> _viewers = new Dictionary<long, int>();
    private int _presenceDirty;

    private void OnPresenceChanged(long number) => Interlocked.Exchange(ref _presenceDirty, 1);

    [SupplyParameterFromQuery] public string? Status { get; set; }
    [SupplyParameterFromQuery] public string? Severity { get; set; }
    [SupplyParameterFromQuery] public string? Region { get; set; }
    [SupplyParameterFromQuery] public string? Team { get; set; }
    [SupplyParameterFromQuery] public string? Service { get; set; }
    [SupplyParameterFromQuery] public bool? Mine { get; set; }
    [SupplyParameterFromQuery] public bool? Unassigned { get; set; }
    [SupplyParameterFromQuery] public bool? Breached { get; set; }
    [SupplyParameterFromQuery(Name = "q")] public string? Search { get; set; }
    [SupplyParameterFromQuery] public string? Sort { get; set; }
    [SupplyParameterFromQuery] public string? Assignee { get; set; }
    [SupplyParameterFromQuery] public string? From { get; set; }
    [SupplyParameterFromQuery] public string? To { get; set; }

    /// <summary>
    /// The rows as prerendered, handed to the interactive circuit (persistent component state), so the table shows them
    /// at once instead of blanking while it reads them again. It still reads them again: a change in between is not lost.
    /// </summary>
    [PersistentState] public IReadOnlyList<IncidentRow>? PrerenderedRows { get; set; }

    // Rows on show that came from the prerender and have not been read again yet.
    private bool _fromPrerender;

    /// <summary>How many times this page itself rendered (its children not counted); tests read it to see coalescing.</summary>
    internal int OwnRenders { get; private set; }

    /// <summary>How many live hints the page has been handed so far.</summary>
    internal long LiveHints => _live?.Received ?? 0;

    protected override void OnAfterRender(bool firstRender) => OwnRenders++;

    protected override async Task OnInitializedAsync()
    {
        if (RendererInfo.IsInteractive && PrerenderedRows is { Count: > 0 } shown)
        {
            (_rows, _fromPrerender) = (shown, true);
        }
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _teams = await People.TeamsAsync();
        _services = await People.ServicesAsync();
        _targets = (await Queries.SlaPoliciesAsync()).ToDictionary(p => p.Severity, p => p.Targets);
        if (RendererInfo.IsInteractive)
        {
            _live = new LiveRefresh(Feed, Clock, Concerns, OnTickAsync, InvokeAsync);
            Presence.Changed += OnPresenceChanged;
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        var filter = IncidentQueueFilter.FromUrl(Status, Severity, Region, Team, Service, Mine, Unassigned, Breached, Search, Sort, Assignee, From, To);
        if (filter == _filter && _rows.Count > 0 && !_fromPrerender)
        {
            return;
        }
        if (filter.Assignee != _filter.Assignee || (filter.Assignee is not null && _assignee is null))
        {
            _assignee = filter.Assignee is { } handle ? await People.FindAsync(handle) : null;
        }
        _filter = filter;
        _url = filter.ToUrl();
        _pageCursors.Clear();
        _pageCursors.Add(null);
        _pageIndex = 0;
        _selected.Clear();
        await LoadAsync(highlightNew: false);
    }

    private void Apply(IncidentQueueFilter filter) => Navigation.NavigateTo(filter.ToUrl());

    private async Task LoadAsync(bool highlightNew)
    {
        var before = _rows.Select(r => r.Number).ToHashSet();
        try
        {
            var page = await Queries.ListAsync(_user, _filter.ToQuery(_pageCursors[_pageIndex], PageSize));
            var now = Clock.GetUtcNow();
            if (highlightNew)
            {
                foreach (var row in page.Items.Where(r => !before.Contains(r.Number)))
                {
                    _highlightUntil[row.Number] = now + HighlightFor;
                }
            }
            var previous = _rows;
            (_rows, _fromPrerender) = (page.Items, false);
            if (highlightNew)
            {
                _announcement = LiveAnnouncements.ForQueue([.. previous.Select(Announced)], [.. _rows.Select(Announced)]) ?? _announcement;
            }
            _nextCursor = page.NextCursor;
            if (!RendererInfo.IsInteractive)
            {
                PrerenderedRows = page.Items;
            }
            _viewers = Presence.Counts(_rows.Select(r => r.Number));
            // Keep the selection on rows that are still here.
            _selected.IntersectWith(_rows.Select(r => r.Number));
        }
        finally
        {
            _loading = false;
        }
    }

    private bool Concerns(IncidentChanged change) =>
        _filter.MayMatch(change, _user.GetHandle()) || _rows.Any(r => r.Number == change.Number);

    private async Task OnTickAsync(bool changed)
    {
        if (changed)
        {
            await LoadAsync(highlightNew: true);
        }
        var presence = Interlocked.Exchange(ref _presenceDirty, 0) == 1;
        if (changed || presence)
        {
            _viewers = Presence.Counts(_rows.Select(r => r.Number));
        }
        var now = Clock.GetUtcNow();
        var expired = _highlightUntil.Where(h => h.Value <= now).Select(h => h.Key).ToList();
        expired.ForEach(n => _highlightUntil.Remove(n));
        // Live changes show on the next tick; countdowns move once a second, and only when a row has one running.
        if (changed || presence || expired.Count > 0 || (++_ticks % 4 == 0 && _rows.Any(r => NextClock(r) is not null)))
        {
            StateHasChanged();
        }
    }

    private async Task NewerAsync()
    {
        _pageIndex = Math.Max(0, _pageIndex - 1);
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

    private static AnnouncedIncident Announced(IncidentRow r) => new(r.Number, r.Key, r.Title, r.Severity, r.Status, r.AssigneeName);

    private string RowClass(IncidentRow row, int index) => _highlightUntil.ContainsKey(row.Number) ? "queue-row-new" : "";

    private SlaClock? NextClock(IncidentRow row) =>
        !IncidentTransitions.IsOpen(row.Status) || !_targets.TryGetValue(row.Severity, out var targets)
            ? null
            : SlaClocks.For(targets, row.TriggeredAt, row.AcknowledgedAt, row.MitigatedAt, row.ResolvedAt, Clock.GetUtcNow())
                .Where(c => !c.Met).OrderBy(c => c.Due).FirstOrDefault();

    private async Task BulkAsync(BulkAction action)
    {
        _bulkResults.Clear();
        foreach (var row in _rows.Where(r => _selected.Contains(r.Number)).OrderBy(r => r.Number).ToList())
        {
            try
            {
                _ = action switch
                {
                    BulkAction.Acknowledge => await Incidents.ActAsync(_user, row.Number, IncidentAction.Acknowledge, row.Version),
                    BulkAction.AssignToMe => await Incidents.AssignAsync(_user, row.Number, _user.GetHandle(), row.Version),
                    _ => await Incidents.ActAsync(_user, row.Number, IncidentAction.Resolve, row.Version, _bulkNote),
                };
                _bulkResults.Add(new BulkResult(row.Key, true, action switch
                {
                    BulkAction.Acknowledge => "acknowledged",
                    BulkAction.AssignToMe => "assigned to you",
                    _ => "resolved",
                }));
            }
            catch (Exception ex) when (ex is ConflictException or ValidationException or NotFoundException)
            {
                _bulkResults.Add(new BulkResult(row.Key, false, ex is ValidationException v ? v.Messages : ex.Message));
            }
        }
        _selected.Clear();
        _bulkNote = null;
        await LoadAsync(highlightNew: false);
    }

    private void Select(long number, bool selected)
    {
        if (selected)
        {
            _selected.Add(number);
        }
        else
        {
            _selected.Remove(number);
        }
    }

    private void SelectAll(bool selected)
    {
        _selected.Clear();
        if (selected)
        {
            _selected.UnionWith(_rows.Select(r => r.Number));
        }
    }

    /// <summary>The directory, read the first time someone searches it: every open queue page holds its state in server memory.</summary>
    private async Task<IEnumerable<PersonView>> SearchPeopleAsync(string? text, CancellationToken cancellationToken)
    {
        _people ??= [.. (await People.ListAsync(cancellationToken: cancellationToken)).OrderBy(p => p.Name, StringComparer.CurrentCulture)];
        var words = (text ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return _people.Where(p => words.All(w =>
            p.Name.Contains(w, StringComparison.CurrentCultureIgnoreCase) || p.Handle.Contains(w, StringComparison.OrdinalIgnoreCase)));
    }

    private async Task OpenNewIncidentAsync()
    {
        var dialog = await Dialogs.ShowAsync<NewIncidentDialog>("New incident", new DialogOptions { MaxWidth = MaxWidth.Small, FullWidth = true });
        if (await dialog.Result is { Canceled: false, Data: IncidentDetail created })
        {
            Navigation.NavigateTo($"/incidents/{created.Key}");
        }
    }

    public void Dispose()
    {
        Presence.Changed -= OnPresenceChanged;
        _live?.Dispose();
    }
}
