using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Features.Directory;

namespace Portal.Features.Incidents;

public partial class IncidentDetailPage : IDisposable
{
    private IncidentDetail? _incident;
    private long _number;
    private string? _me;
    private string? _comment;
    private string? _resolution;
    private string? _assignTo;
    private Dictionary<string, string> _people = [];
    private ClaimsPrincipal _user = new();
    private LiveRefresh? _live;
    private IDisposable? _presence;
    private DateTimeOffset _lastTypingSignal;
    private IReadOnlyList<Viewer> _others = [];
    private int _ticks;
    // Bumped on every live change: the other modules' panels read their part again.
    private int _refresh;
    private string? _announcement;
    private IncidentPanel[]? _panels;

    private IEnumerable<IncidentPanel> Panels => _panels ??= [.. RegisteredPanels.OrderBy(p => p.Order)];

    private Dictionary<string, object?> PanelParameters(IncidentDetail incident) =>
        new() { [nameof(IncidentPanelBase.Incident)] = incident, [nameof(IncidentPanelBase.Refresh)] = _refresh };

    [Parameter] public string Number { get; set; } = "";

    [Inject] private IncidentService Incidents { get; set; } = default!;
    [Inject] private IncidentQueries Queries { get; set; } = default!;
    [Inject] private PeopleService PeopleDirectory { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private IPresence Presence { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _me = _user.GetHandle();
        _people = (await PeopleDirectory.ListAsync()).ToDictionary(p => p.Handle, p => p.Name);
        if (RendererInfo.IsInteractive)
        {
            _live = new LiveRefresh(Feed, Clock, change => change.Number == _number, OnTickAsync, InvokeAsync);
        }
    }

    protected override async Task OnParametersSetAsync()
    {
        if (!IncidentNumber.TryParse(Number, out var number) || await Queries.DetailAsync(number) is not { } detail)
        {
            Navigation.NotFound();
            return;
        }
        if (number != _number || _presence is null)
        {
            _number = number;
            _presence?.Dispose();
            if (RendererInfo.IsInteractive && _me is not null)
            {
                _presence = Presence.Join(_number, _me, _people.GetValueOrDefault(_me, _me));
                Presence.Changed += OnPresenceChanged;
            }
        }
        _incident = detail;
        RefreshPresence();
    }

    private void OnPresenceChanged(long number)
    {
        if (number == _number)
        {
            Interlocked.Exchange(ref _dirtyPresence, 1);
        }
    }

    private int _dirtyPresence;

    private void RefreshPresence() => _others = [.. Presence.Viewers(_number).Where(v => v.Handle != _me)];

    /// <summary>Tells the others this person is writing, at most every couple of seconds.</summary>
    private void OnCommentTyped(string? text)
    {
        _comment = text;
        var now = Clock.GetUtcNow();
        if (!string.IsNullOrEmpty(text) && _me is not null && now - _lastTypingSignal > TimeSpan.FromSeconds(2))
        {
            _lastTypingSignal = now;
            Presence.Typing(_number, _me);
        }
    }

    private async Task OnTickAsync(bool changed)
    {
        if (changed)
        {
            var previous = _incident;
            _incident = await Queries.DetailAsync(_number) ?? _incident;
            _refresh++;
            if (previous is not null && _incident is not null)
            {
                var seen = previous.Timeline.Select(e => e.Id).ToHashSet();
                _announcement = LiveAnnouncements.ForIncident(Announced(previous), Announced(_incident), [.. _incident.Timeline.Where(e => !seen.Contains(e.Id))]) ?? _announcement;
            }
        }
        var presence = Interlocked.Exchange(ref _dirtyPresence, 0) == 1;
        // Once a second for the countdowns, and for "is typing", which fades on its own; idle otherwise.
        var moving = _incident is { } i && (i.Sla.Any(c => !c.Met) || _others.Any(o => o.Typing));
        if (changed || presence || (++_ticks % 4 == 0 && moving))
        {
            RefreshPresence();
            StateHasChanged();
        }
    }

    private static AnnouncedIncident Announced(IncidentDetail i) => new(i.Number, i.Key, i.Title, i.Severity, i.Status, i.AssigneeName);

    private Task ActAsync(IncidentAction action) => RunAsync(async () =>
    {
        _incident = await Incidents.ActAsync(_user, _number, action, _incident!.Version, action == IncidentAction.Resolve ? _resolution : null);
        _resolution = null;
        Snackbar.Add($"{_incident.Key} {IncidentTransitions.Past(action)}.", MudBlazor.Severity.Success);
    });

    private Task UnmergeAsync() => RunAsync(async () =>
    {
        _incident = await Incidents.UnmergeAsync(_user, _number, _incident!.Version);
        Snackbar.Add($"{_incident.Key} unmerged and reopened.", MudBlazor.Severity.Success);
    });

    private Task AssignAsync(string? handle) => RunAsync(async () =>
    {
        _incident = await Incidents.AssignAsync(_user, _number, handle, _incident!.Version);
        _assignTo = null;
    });

    private Task ChangeSeverityAsync(Severity severity) => RunAsync(async () =>
        _incident = await Incidents.ChangeSeverityAsync(_user, _number, severity, _incident!.Version));

    private Task SetCommanderAsync(string? handle) => RunAsync(async () =>
        _incident = await Incidents.SetCommanderAsync(_user, _number, handle, _incident!.Version));

    private Task PostAsync(bool stakeholderUpdate) => RunAsync(async () =>
    {
        await Incidents.PostAsync(_user, _number, _comment, stakeholderUpdate);
        _comment = null;
        _incident = await Queries.DetailAsync(_number);
    });

    /// <summary>Runs an action; a collision or a refusal is told in words, and the page shows the current state.</summary>
    private async Task RunAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (ConflictException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning, o => o.VisibleStateDuration = 8000);
            _incident = await Queries.DetailAsync(_number) ?? _incident;
            _refresh++;
        }
        catch (ValidationException ex)
        {
            Snackbar.Add(ex.Messages, MudBlazor.Severity.Error);
        }
    }

    private List<SlaClock> Clocks(IncidentDetail incident) =>
        incident.Sla.Select(c => c with { Now = Clock.GetUtcNow() }).ToList();

    private Task<IEnumerable<string>> SearchPeople(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(_people
            .Where(p => string.IsNullOrWhiteSpace(text) || p.Value.Contains(text, StringComparison.OrdinalIgnoreCase) || p.Key.Contains(text, StringComparison.OrdinalIgnoreCase))
            .OrderBy(p => p.Value, StringComparer.Ordinal).Take(20).Select(p => p.Key));

    private string PersonLabel(string? handle) => handle is null ? "" : _people.TryGetValue(handle, out var name) ? $"{name} ({handle})" : handle;

    private static string Describe(TimelineEntry entry) =>
        TimelineWords.TextInHeadline(entry.Kind) ? $"{TimelineWords.What(entry)}: {entry.Text}" : TimelineWords.What(entry);

    private static Color EntryColor(TimelineEventKind kind) => kind switch
    {
        TimelineEventKind.SlaBreached or TimelineEventKind.AlertTriggered or TimelineEventKind.Escalated => Color.Error,
        TimelineEventKind.Paged => Color.Warning,
        TimelineEventKind.RunbookStep => Color.Info,
        TimelineEventKind.Automation => Color.Secondary,
        TimelineEventKind.AlertResolved => Color.Success,
        TimelineEventKind.StakeholderUpdate => Color.Secondary,
        TimelineEventKind.Acknowledged or TimelineEventKind.StatusChanged => Color.Primary,
        _ => Color.Default,
    };

    public void Dispose()
    {
        Presence.Changed -= OnPresenceChanged;
        _presence?.Dispose();
        _live?.Dispose();
    }
}
