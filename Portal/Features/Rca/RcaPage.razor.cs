using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Rca;
using Portal.Shared.Team;

namespace Portal.Features.Rca;

/// <summary>
/// Writing and reviewing an RCA. Every change of a section saves at once (autosave) against the version the page
/// holds; if someone else saved first, nothing is overwritten and the page says so.
/// </summary>
public sealed partial class RcaPage : IDisposable
{
    private static readonly string[] Sections = ["Summary", "Customer impact", "Timeline", "5 Whys", "Contributing factors", "What went well", "Lessons learned", "Action items"];

    [Parameter] public int Id { get; set; }
    [Inject] private RcaService Rcas { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private Shared.Live.ILiveFeed Feed { get; set; } = default!;
    [Inject] private Shared.Live.IPresence Presence { get; set; } = default!;

    private sealed class Form
    {
        public string? Summary { get; set; }
        public int? AdvertisersAffected { get; set; }
        public decimal? RevenueImpactUsd { get; set; }
        public int? ImpactMinutes { get; set; }
        public List<RcaTimelineEntry>? Timeline { get; set; }
        public List<WhyNode>? Whys { get; set; }
        public string? ContributingFactors { get; set; }
        public string? WentWell { get; set; }
        public string? Lessons { get; set; }
        public List<string> Reviewers { get; set; } = [];
        public int Version { get; set; }
    }

    private readonly SemaphoreSlim _saving = new(1, 1);
    private RcaView? _rca;
    private Form? _s;
    private string? _regions;
    private string? _reviewers;
    private string? _rootCause;
    private string? _reason;
    private string? _error;
    private string? _saved;
    private string? _stepComment;
    private string _commentSection = "Summary";
    private string? _comment;
    private List<BreadcrumbItem> _crumbs = [];
    private ClaimsPrincipal _user = new();
    private IDisposable? _presence;
    private IDisposable? _subscription;
    private IReadOnlyList<Shared.Live.Viewer> _others = [];
    private string? _newer;

    private bool ReadOnly => _rca is null || !(IsAuthor || IsReviewer || _user.HasPortalRole(PortalRole.Manager));

    private bool IsAuthor => _rca?.Author == _user.GetHandle();

    private bool IsReviewer => _rca?.Sections.Reviewers?.Contains(_user.GetHandle() ?? "") == true;

    protected override async Task OnParametersSetAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        try
        {
            Show(await Rcas.GetAsync(Id));
        }
        catch (NotFoundException)
        {
            Navigation.NotFound();
            return;
        }
        if (RendererInfo.IsInteractive && _presence is null && _user.GetHandle() is { } me)
        {
            // Who else has this RCA open, and a word when one of them saves: live, through the node's feed.
            _presence = Presence.Join(RcaService.PresenceKey(Id), me, _user.Identity?.Name ?? me);
            Presence.Changed += OnPresenceChanged;
            _others = [.. Presence.Viewers(RcaService.PresenceKey(Id)).Where(v => v.Handle != me)];
            _subscription = Feed.SubscribeNotices(notice => notice.Topic == RcaService.Topic(Id)
                ? new ValueTask(InvokeAsync(() =>
                {
                    if (int.TryParse(notice.Link, out var version) && _s is not null && version > _s.Version)
                    {
                        _newer = $"{notice.Text} saved a newer version (version {version}). Your next change would be refused: reload to get it.";
                        StateHasChanged();
                    }
                }))
                : ValueTask.CompletedTask);
        }
    }

    private void OnPresenceChanged(long key)
    {
        if (key == RcaService.PresenceKey(Id))
        {
            _ = InvokeAsync(() =>
            {
                _others = [.. Presence.Viewers(key).Where(v => v.Handle != _user.GetHandle())];
                StateHasChanged();
            });
        }
    }

    private async Task ReloadNewerAsync()
    {
        _newer = null;
        await ReloadAsync();
    }

    private void Show(RcaView rca)
    {
        _rca = rca;
        var s = rca.Sections;
        _s = new Form
        {
            Summary = s.Summary, AdvertisersAffected = s.AdvertisersAffected, RevenueImpactUsd = s.RevenueImpactUsd, ImpactMinutes = s.ImpactMinutes,
            Timeline = s.Timeline ?? [], Whys = s.Whys ?? [], ContributingFactors = s.ContributingFactors, WentWell = s.WentWell, Lessons = s.Lessons,
            Reviewers = s.Reviewers ?? [], Version = s.Version,
        };
        _regions = string.Join(", ", s.Regions ?? []);
        _reviewers = string.Join(", ", _s.Reviewers);
        _rootCause = s.RootCause?.ToString();
        _crumbs = [new("RCAs", "/rca"), new($"RCA-{rca.Id}", null, disabled: true)];
    }

    /// <summary>
    /// Reads the RCA again, after any save on its way: a save answers with the RCA as it read it, and that answer must not
    /// replace a newer reload (an action item added meanwhile vanished from the page until the next reload).
    /// </summary>
    private async Task ReloadAsync()
    {
        await _saving.WaitAsync();
        try
        {
            Show(await Rcas.GetAsync(Id));
        }
        finally
        {
            _saving.Release();
        }
    }

    /// <summary>Autosave: the whole document against the version this page holds.</summary>
    private async Task SaveAsync()
    {
        if (_s is null || _rca is null || ReadOnly)
        {
            return;
        }
        _error = null;
        // One save at a time, each sending the whole form with the version the last save returned: changes made while
        // a save is on its way are kept in the form and go with the next one.
        await _saving.WaitAsync();
        try
        {
            var sections = new RcaSections(_rca.Title, _s.Summary, _s.AdvertisersAffected, _s.RevenueImpactUsd, _s.ImpactMinutes, Split(_regions), _s.Timeline, _s.Whys,
                Enum.TryParse<RootCauseCategory>(_rootCause, out var cause) ? cause : null, _s.ContributingFactors, _s.WentWell, _s.Lessons, Split(_reviewers),
                _s.Version, _reason);
            var saved = await Rcas.UpdateAsync(_user, Id, sections);
            _rca = saved;
            _s.Version = saved.Sections.Version;
            _saved = $"saved {Shell.DayAndTime(saved.UpdatedAt)}";
        }
        catch (ValidationException ex)
        {
            _error = ex.Messages;
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException)
        {
            _error = ex.Message;
        }
        finally
        {
            _saving.Release();
        }
    }

    private IEnumerable<(RcaAction, string)> Steps()
    {
        var rca = _rca!;
        if (rca.State == RcaState.Draft && (IsAuthor || _user.HasPortalRole(PortalRole.Manager)))
        {
            yield return (RcaAction.Submit, "Submit for review");
        }
        if (rca.State == RcaState.InReview && IsReviewer && !IsAuthor)
        {
            yield return (RcaAction.RequestChanges, "Request changes");
            yield return (RcaAction.Approve, "Approve");
        }
        if (rca.State == RcaState.Approved)
        {
            yield return (RcaAction.Publish, "Publish");
        }
    }

    private async Task StepAsync(RcaAction action)
    {
        _error = null;
        try
        {
            Show(await Rcas.StepAsync(_user, Id, action, _stepComment));
            _stepComment = null;
            Snackbar.Add($"RCA-{Id} is {RcaRules.Words(_rca!.State)}.", MudBlazor.Severity.Success);
        }
        catch (ValidationException ex)
        {
            _error = ex.Messages;
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException)
        {
            _error = ex.Message;
        }
    }

    private async Task CommentAsync()
    {
        try
        {
            await Rcas.CommentAsync(_user, Id, _commentSection, _comment);
            _comment = null;
            await ReloadAsync();
        }
        catch (ValidationException ex)
        {
            _error = ex.Messages;
        }
    }

    private DateTime? _entryAt;
    private string? _entryText;

    private Task RemoveEntryAsync(RcaTimelineEntry entry)
    {
        _s!.Timeline!.Remove(entry);
        return SaveAsync();
    }

    private async Task AddEntryAsync()
    {
        if (_entryAt is not { } local || string.IsNullOrWhiteSpace(_entryText))
        {
            _error = "Give the entry a time and what happened.";
            return;
        }
        var at = Shared.OnCall.RotationCalculator.Resolve(NodaTime.LocalDateTime.FromDateTime(local), Shell.Zone).ToDateTimeOffset();
        _s!.Timeline!.Add(new RcaTimelineEntry { At = at, Text = _entryText.Trim() });
        _s.Timeline.Sort((a, b) => a.At.CompareTo(b.At));
        (_entryAt, _entryText) = (null, null);
        await SaveAsync();
    }

    private Task EditEntryAsync(RcaTimelineEntry entry, ChangeEventArgs e)
    {
        entry.Text = e.Value?.ToString() ?? "";
        return SaveAsync();
    }

    private string? Text(string field) => field switch { "factors" => _s!.ContributingFactors, "well" => _s!.WentWell, _ => _s!.Lessons };

    private Task SetTextAsync(string field, ChangeEventArgs e)
    {
        var value = e.Value?.ToString();
        _ = field switch { "factors" => _s!.ContributingFactors = value, "well" => _s!.WentWell = value, _ => _s!.Lessons = value };
        return SaveAsync();
    }

    private async Task PrintAsync() => await Js.InvokeVoidAsync("print");

    private string DueText(DateTimeOffset due, bool overdue)
    {
        var days = (int)Math.Ceiling((due - DateTimeOffset.UtcNow).TotalDays);
        return overdue ? $"RCA overdue since {Shell.DayAndTime(due)}" : $"RCA due in {Math.Max(days, 0)} day(s)";
    }

    private static string Span(TimeSpan? span) => span is { } t ? (t.TotalHours >= 1 ? $"{(int)t.TotalHours} h {t.Minutes} min" : $"{Math.Ceiling(t.TotalMinutes)} min") : "—";

    private static List<string> Split(string? text) => [.. (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];

    public void Dispose()
    {
        Presence.Changed -= OnPresenceChanged;
        _presence?.Dispose();
        _subscription?.Dispose();
        _saving.Dispose();
    }
}
