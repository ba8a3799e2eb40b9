using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NodaTime;
using NodaTime.Text;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Features.Directory;
using Portal.Shared.Team;

namespace Portal.Features.OnCall;

/// <summary>
/// A schedule's week or month, in the viewer's zone: the final schedule or one layer, overrides and gaps marked,
/// the load of the period, the overrides ahead and the layers. State lives in the URL (view, date, layer).
/// </summary>
public partial class ScheduleCalendarPage
{
    private static readonly LocalDatePattern IsoDate = LocalDatePattern.Iso;
    private static readonly LocalDatePattern DayHeader = LocalDatePattern.CreateWithInvariantCulture("ddd d MMM");
    private static readonly LocalDatePattern MonthHeader = LocalDatePattern.CreateWithInvariantCulture("MMMM yyyy");

    private ScheduleView? _schedule;
    private List<CalendarDay> _days = [];
    private List<CalendarLoad> _load = [];
    private List<OverrideView> _overrides = [];
    private IReadOnlyList<PersonView> _people = [];
    private List<BreadcrumbItem> _crumbs = [];
    private double _gapHours;
    private string _view = "week";
    private LocalDate _date;
    private int? _layer;
    private bool _overrideOpen;
    private bool _swapMode;
    private List<ShiftView> _shown = [];
    private Dictionary<string, OnCallLoad> _pages = [];
    private IDisposable? _subscription;
    private string? _formError;
    private OverrideForm _form = new();
    private ClaimsPrincipal _user = new();

    private sealed class OverrideForm
    {
        public string? Person { get; set; }
        public DateTime? Start { get; set; }
        public DateTime? End { get; set; }
        public string? Reason { get; set; }
    }

    [Parameter] public int Id { get; set; }
    [SupplyParameterFromQuery(Name = "view")] public string? View { get; set; }
    [SupplyParameterFromQuery(Name = "date")] public string? Date { get; set; }
    [SupplyParameterFromQuery(Name = "layer")] public string? Layer { get; set; }

    [Inject] private OnCallService OnCall { get; set; } = default!;
    [Inject] private OverrideService Overrides { get; set; } = default!;
    [Inject] private SwapService Swaps { get; set; } = default!;
    [Inject] private OnCallLoadService LoadService { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private PeopleService PeopleDirectory { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private LocalDate Today => Instant.FromDateTimeOffset(Clock.GetUtcNow()).InZone(Shell.Zone).Date;

    private string RangeLabel => _view == "week"
        ? $"{DayHeader.Format(_days.FirstOrDefault()?.Date ?? _date)} – {DayHeader.Format(_days.LastOrDefault()?.Date ?? _date)} {_date.Year}"
        : MonthHeader.Format(_date);

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _people = await PeopleDirectory.ListAsync();
        if (RendererInfo.IsInteractive)
        {
            // Overrides and swaps made elsewhere (another browser, the API) show here without a reload.
            _subscription = Feed.SubscribeNotices(notice => notice.Topic == LiveNotice.ForSchedule(Id) && _schedule is not null
                ? new ValueTask(InvokeAsync(async () =>
                {
                    await LoadAsync();
                    StateHasChanged();
                }))
                : ValueTask.CompletedTask);
        }
    }

    public void Dispose() => _subscription?.Dispose();

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            _schedule = await OnCall.GetAsync(Id);
        }
        catch (NotFoundException)
        {
            Navigation.NotFound();
            return;
        }
        _crumbs = [new("On call", "/oncall"), new(_schedule.Name, null, disabled: true)];
        _view = View == "month" ? "month" : "week";
        _date = Date is not null && IsoDate.Parse(Date) is { Success: true } parsed ? parsed.Value : Today;
        _layer = int.TryParse(Layer, NumberStyles.None, CultureInfo.InvariantCulture, out var layer) && layer < _schedule.Layers.Count ? layer : null;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var (first, count) = _view == "week"
            ? (ScheduleCalendar.WeekStart(_date), 7)
            : (ScheduleCalendar.MonthGridStart(_date), Weeks(_date) * 7);
        var window = ScheduleCalendar.Window(first, count, Shell.Zone);
        var shifts = await OnCall.ShiftsAsync(Id, window.Start.ToDateTimeOffset(), window.End.ToDateTimeOffset());
        var (shown, gaps) = _layer is { } l ? (shifts.Layers[l], new List<GapView>()) : (shifts.Shifts, shifts.Gaps);
        _shown = shifts.Shifts;
        _days = ScheduleCalendar.Lay(shown, gaps, first, count, Shell.Zone, Instant.FromDateTimeOffset(Clock.GetUtcNow()));
        _load = ScheduleCalendar.Load(shown, window);
        _pages = _load.Count == 0 ? [] : (await LoadService.LoadAsync(window.Start.ToDateTimeOffset(), window.End.ToDateTimeOffset(), [.. _load.Select(l => l.Handle)]))
            .ToDictionary(l => l.Handle);
        _gapHours = gaps.Sum(g => (g.End - g.Start).TotalHours);
        _overrides = await Overrides.OverridesAsync(Id, Clock.GetUtcNow(), null);
    }

    /// <summary>Whole weeks from the Monday on or before the 1st to the Sunday on or after the last day.</summary>
    private static int Weeks(LocalDate date)
    {
        var start = ScheduleCalendar.MonthGridStart(date);
        var last = new LocalDate(date.Year, date.Month, 1).PlusMonths(1).PlusDays(-1);
        return (Period.Between(start, last, PeriodUnits.Days).Days / 7) + 1;
    }

    private LocalDate Step(int direction) => _view == "week" ? _date.PlusWeeks(direction) : _date.PlusMonths(direction);

    private void Go(string view, LocalDate date) =>
        Navigation.NavigateTo(Navigation.GetUriWithQueryParameters(new Dictionary<string, object?>
        {
            ["view"] = view, ["date"] = IsoDate.Format(date), ["layer"] = _layer?.ToString(CultureInfo.InvariantCulture),
        }));

    private void OnLayerChanged(ChangeEventArgs e)
    {
        _layer = int.TryParse(e.Value?.ToString(), NumberStyles.None, CultureInfo.InvariantCulture, out var l) ? l : null;
        Go(_view, _date);
    }

    private void OpenForm(bool swap)
    {
        _overrideOpen = true;
        _swapMode = swap;
        _formError = null;
        // Default: from the top of the next hour, for four hours, in the viewer's zone; a swap defaults to your next shift here.
        var now = Instant.FromDateTimeOffset(Clock.GetUtcNow()).InZone(Shell.Zone).LocalDateTime;
        var start = now.Date.At(new LocalTime(now.Hour, 0)).PlusHours(1);
        _form = new OverrideForm { Person = swap ? null : _user.GetHandle(), Start = start.ToDateTimeUnspecified(), End = start.PlusHours(4).ToDateTimeUnspecified() };
        if (swap && _shown.FirstOrDefault(s => s.Handle == _user.GetHandle() && s.End > Clock.GetUtcNow()) is { } mine)
        {
            var from = mine.Start < Clock.GetUtcNow() ? start.InZoneLeniently(Shell.Zone).ToDateTimeOffset() : mine.Start;
            _form.Start = Instant.FromDateTimeOffset(from).InZone(Shell.Zone).LocalDateTime.ToDateTimeUnspecified();
            _form.End = Instant.FromDateTimeOffset(mine.End).InZone(Shell.Zone).LocalDateTime.ToDateTimeUnspecified();
        }
    }

    private void CloseForm() => _overrideOpen = false;

    private DateTimeOffset ToInstant(DateTime local) => RotationCalculator.Resolve(LocalDateTime.FromDateTime(local), Shell.Zone).ToDateTimeOffset();

    private Task RequestSwapAsync() => SubmitAsync("swap", async (start, end) =>
    {
        var made = await Swaps.RequestAsync(_user, new SwapRequestInput(Id, _form.Person, start, end, _form.Reason));
        Snackbar.Add($"Asked {made.CoverName} to cover you from {Shell.DayAndTime(made.Start)} to {Shell.DayAndTime(made.End)}. You will be told when they answer.", MudBlazor.Severity.Success);
    });

    private Task SaveOverrideAsync() => SubmitAsync("override", async (start, end) =>
    {
        var made = await Overrides.CreateOverrideAsync(_user, new OverrideRequest(Id, _form.Person, start, end, _form.Reason));
        Snackbar.Add($"{made.Name} is on call from {Shell.DayAndTime(made.Start)} to {Shell.DayAndTime(made.End)}.", MudBlazor.Severity.Success);
        await LoadAsync();
    });

    /// <summary>Reads the form's window in the viewer's zone and submits it; what the service refuses shows in the form, in words.</summary>
    private async Task SubmitAsync(string what, Func<DateTimeOffset, DateTimeOffset, Task> submit)
    {
        _formError = null;
        if (_form.Start is null || _form.End is null)
        {
            _formError = $"Give the {what} a start and an end.";
            return;
        }
        try
        {
            await submit(ToInstant(_form.Start.Value), ToInstant(_form.End.Value));
            _overrideOpen = false;
        }
        catch (ValidationException ex)
        {
            _formError = ex.Messages;
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException or NotFoundException)
        {
            _formError = ex.Message;
        }
    }

    private async Task DeleteOverrideAsync(OverrideView o)
    {
        try
        {
            await Overrides.DeleteOverrideAsync(_user, o.Id);
            Snackbar.Add($"{o.Name}'s override was removed.", MudBlazor.Severity.Info);
            await LoadAsync();
        }
        catch (Exception ex) when (ex is AccessDeniedException or NotFoundException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
        }
    }

    private string LayerName(int index) => _schedule!.Layers[index].Name is { Length: > 0 } name ? name : $"Layer {index + 1}";

    private string NameOf(string handle) => _people.FirstOrDefault(p => p.Handle == handle)?.Name ?? handle;

    private static string Describe(LayerDocument layer) => layer.Rotation switch
    {
        RotationKind.Daily => "Daily",
        RotationKind.Weekly => "Weekly",
        _ => $"Every {layer.ShiftHours} hours",
    };

    private static string Windows(LayerDocument layer) =>
        layer.Restrictions is not { Count: > 0 } restrictions ? "All the time"
        : string.Join("; ", restrictions.Select(r => $"{Days(r.Days)} {r.From}–{r.To}"));

    private static string Days(List<DayOfWeek>? days) => days is not { Count: > 0 } ? "Every day"
        : days.Count == 5 && !days.Contains(DayOfWeek.Saturday) && !days.Contains(DayOfWeek.Sunday) ? "Mon–Fri"
        : string.Join(", ", days.Select(d => d.ToString()[..3]));

    private static string Pattern(LocalDate date) => DayHeader.Format(date);

    private static string Percent(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);

    private static string BlockClass(CalendarBlock block) => block.Kind switch
    {
        CalendarBlockKind.Gap => "gap",
        CalendarBlockKind.Override => $"override person-{block.Colour}",
        _ => $"person-{block.Colour}",
    };
}
