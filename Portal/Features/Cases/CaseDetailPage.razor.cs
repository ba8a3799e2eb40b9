using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Live;

namespace Portal.Features.Cases;

public partial class CaseDetailPage : IDisposable
{
    private static readonly CaseStatus[] ReplyStatuses = [CaseStatus.PendingAdvertiser, CaseStatus.OnHold, CaseStatus.Solved];

    private CaseDetail? _case;
    private long _number;
    private string? _me;
    private string? _draft;
    private bool _asNote;
    private CaseStatus? _then;
    private string? _mergeInto;
    private string? _announcement;
    private ClaimsPrincipal _user = new();
    private Portal.Features.Incidents.LiveRefresh? _live;
    private int _refresh;
    private CasePanel[]? _panels;

    private IEnumerable<CasePanel> Panels => _panels ??= [.. RegisteredPanels.OrderBy(p => p.Order)];

    private Dictionary<string, object> PanelParameters(CaseDetail detail) =>
        new() { [nameof(CasePanelBase.Case)] = detail, [nameof(CasePanelBase.Refresh)] = _refresh };

    [Parameter] public string Number { get; set; } = "";

    [Inject] private CaseService Cases { get; set; } = default!;
    [Inject] private CaseQueries Queries { get; set; } = default!;
    [Inject] private CaseOptions Options { get; set; } = default!;
    [Inject] private CaseLinks Links { get; set; } = default!;
    [Inject] private CaseIncidentService Incidents { get; set; } = default!;

    private IReadOnlyList<LinkedIncident> _linked = [];
    private IReadOnlyList<LinkedIncident> _suggested = [];
    private string? _incidentToLink;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject(Key = PresenceSpaces.Cases)] private IPresence Presence { get; set; } = default!;

    private IDisposable? _presence;
    private IReadOnlyList<Viewer> _others = [];
    private int _dirtyPresence;
    private DateTimeOffset _lastTypingSignal;
    private int _ticks;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _me = _user.GetHandle();
        if (RendererInfo.IsInteractive)
        {
            _live = Portal.Features.Incidents.LiveRefresh.ForCases(Feed, Clock, change => change.Number == _number, OnTickAsync, InvokeAsync);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!CaseNumber.TryParse(Number, out var number) || await Queries.DetailAsync(number) is not { } detail)
        {
            Navigation.NotFound();
            return;
        }
        if (number != _number || _presence is null)
        {
            _presence?.Dispose();
            Presence.Changed -= OnPresenceChanged;
            if (RendererInfo.IsInteractive && _me is not null)
            {
                _presence = Presence.Join(number, _me, _user.Identity?.Name ?? _me);
                Presence.Changed += OnPresenceChanged;
            }
        }
        (_number, _case) = (number, detail);
        (_linked, _suggested) = await Incidents.ForCaseAsync(number);
        RefreshPresence();
    }

    private void OnPresenceChanged(long number)
    {
        if (number == _number)
        {
            Interlocked.Exchange(ref _dirtyPresence, 1);
        }
    }

    private void RefreshPresence() => _others = [.. Presence.Viewers(_number).Where(v => v.Handle != _me)];

    /// <summary>Tells the others on the case this person is writing, at most every couple of seconds.</summary>
    private void OnDraftTyped(string? text)
    {
        _draft = text;
        var now = Clock.GetUtcNow();
        if (!string.IsNullOrEmpty(text) && _me is not null && now - _lastTypingSignal > TimeSpan.FromSeconds(2))
        {
            _lastTypingSignal = now;
            Presence.Typing(_number, _me);
        }
    }

    private async Task LinkAsync(long incident)
    {
        await TryAsync(async () =>
        {
            await Incidents.LinkAsync(_user, _number, incident);
            return (await Queries.DetailAsync(_number))!;
        }, $"Linked to {Shared.Incidents.IncidentNumber.Format(incident)}.");
        (_linked, _suggested) = await Incidents.ForCaseAsync(_number);
    }

    private async Task UnlinkAsync(long incident)
    {
        await TryAsync(async () =>
        {
            await Incidents.UnlinkAsync(_user, _number, incident);
            return (await Queries.DetailAsync(_number))!;
        }, $"Unlinked from {Shared.Incidents.IncidentNumber.Format(incident)}.");
        (_linked, _suggested) = await Incidents.ForCaseAsync(_number);
    }

    private async Task LinkTypedAsync()
    {
        if (!Shared.Incidents.IncidentNumber.TryParse(_incidentToLink, out var incident))
        {
            Snackbar.Add($"'{_incidentToLink}' is not an incident number (like INC-1042).", MudBlazor.Severity.Warning);
            return;
        }
        await LinkAsync(incident);
        _incidentToLink = null;
    }

    private async Task OnTickAsync(bool changed)
    {
        if (changed && await Queries.DetailAsync(_number) is { } fresh)
        {
            if (_case is { } old && fresh.Messages.Count > old.Messages.Count)
            {
                var last = fresh.Messages[^1];
                _announcement = $"New message on {fresh.Key} from {last.AuthorName}.";
            }
            _case = fresh;
            _refresh++;
            (_linked, _suggested) = await Incidents.ForCaseAsync(_number);
            RefreshPresence();
            StateHasChanged();
        }
        // "Is typing" fades on its own: look again every second while someone types, at once when presence changes.
        else if (Interlocked.Exchange(ref _dirtyPresence, 0) == 1 || (++_ticks % 4 == 0 && _others.Any(o => o.Typing)))
        {
            RefreshPresence();
            StateHasChanged();
        }
    }

    private async Task SendAsync()
    {
        var text = _draft;
        var sent = await TryAsync(() => _asNote ? Cases.NoteAsync(_user, _number, text) : Cases.ReplyAsync(_user, _number, text, _then, _case?.Version),
            _asNote ? "Note added." : "Reply sent.");
        if (sent)
        {
            (_draft, _then) = (null, null);
        }
    }

    private Task SetStatusAsync(CaseStatus status) =>
        TryAsync(() => Cases.SetStatusAsync(_user, _number, status, expectedVersion: _case?.Version), $"{_case?.Key} is {CaseWorkflow.Label(status)}.");

    private Task AssignAsync(string? handle) =>
        TryAsync(() => Cases.AssignAsync(_user, _number, handle, _case?.Version), "Assigned.");

    private Task SetPriorityAsync(CasePriority priority) =>
        TryAsync(() => Cases.SetPriorityAsync(_user, _number, priority, _case?.Version), $"Priority is {priority}.");

    private async Task MergeAsync()
    {
        if (await TryAsync(() => Cases.MergeAsync(_user, _number, _mergeInto, _case?.Version), $"Merged into {_mergeInto}."))
        {
            _mergeInto = null;
        }
    }

    /// <summary>Runs a change; a refusal is a snackbar in words and the page shows the case as it now stands.</summary>
    private async Task<bool> TryAsync(Func<Task<CaseDetail>> change, string done)
    {
        try
        {
            _case = await change();
            Snackbar.Add(done, MudBlazor.Severity.Success);
            _announcement = done;
            return true;
        }
        catch (Exception e) when (e is ValidationException or ConflictException or AccessDeniedException or NotFoundException)
        {
            Snackbar.Add(e is ValidationException v ? v.Messages : e.Message, MudBlazor.Severity.Warning);
            _case = await Queries.DetailAsync(_number) ?? _case;
            return false;
        }
    }

    private string CategoryName(string slug) => CaseCategories.NameOf(Options.CategoryList, slug);

    private static string Money(decimal amount, string? currency) =>
        $"{amount.ToString(currency == "JPY" ? "N0" : "N2", CultureInfo.InvariantCulture)} {currency}";

    private static string ClockText(CaseClock clock) =>
        clock.Met ? (clock.Breached ? "met late" : "met")
        : clock.Paused ? $"paused, {CaseSla.Describe(clock.Left)} of working time left"
        : clock.Breached ? $"breached, {CaseSla.Describe(clock.Due - clock.Now)}"
        : $"{CaseSla.Describe(clock.Left)} of working time left";

    private static string Describe(CaseEventView e) => e.Kind switch
    {
        CaseEventKind.Created => $"Opened by {e.To?.ToLowerInvariant() switch { "webform" => "web form", "internal" => "internal escalation", var x => x }}",
        CaseEventKind.StatusChanged => $"{Label(e.From)} → {Label(e.To)}",
        CaseEventKind.Assigned => e.To is null ? "Unassigned" : $"Assigned to {e.To}",
        CaseEventKind.PriorityChanged => $"Priority {e.From} → {e.To}",
        CaseEventKind.CategoryChanged => $"Category {e.From} → {e.To}",
        CaseEventKind.TeamChanged => $"Team {e.From ?? "none"} → {e.To ?? "none"}",
        CaseEventKind.Replied => "Replied to the advertiser",
        CaseEventKind.AdvertiserWrote => "The advertiser wrote",
        CaseEventKind.NoteAdded => "Internal note",
        CaseEventKind.Reopened => "Reopened",
        CaseEventKind.Merged => "Merged",
        CaseEventKind.SlaBreached => "SLA breached",
        _ => e.Kind.ToString(),
    };

    private static string Label(string? status) =>
        Enum.TryParse<CaseStatus>(status, out var s) ? CaseWorkflow.Label(s) : status ?? "";

    public void Dispose()
    {
        _live?.Dispose();
        Presence.Changed -= OnPresenceChanged;
        _presence?.Dispose();
    }
}
