using Portal.Components.Layout;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Features.Home;

public partial class MyShift
{
    private sealed record RegionClock(Region Region, string Local, bool Working);

    private sealed record Teammate(PersonView Person, string Local, bool Working);

    private DateTimeOffset _now;
    private IReadOnlyList<RegionClock> _regions = [];
    private IReadOnlyList<Teammate> _team = [];
    private IReadOnlyList<PersonView> _teamPeople = [];
    private ITimer? _timer;
    private string? _loadedFor;
    private List<Portal.Features.OnCall.OnCallNow> _onCall = [];

    protected override async Task OnInitializedAsync()
    {
        Shell.Changed += OnShellChanged;
        await LoadTeamAsync();
        Tick();
        // One timer for the whole page: the clocks move once a minute.
        _timer = Clock.CreateTimer(_ => InvokeAsync(async () =>
        {
            Tick();
            // A handoff passed: read again who this person is on call for.
            if (Shell.Me is { } me && _onCall.Any(s => s.Person!.Until <= _now))
            {
                await LoadOnCallAsync(me.Handle);
            }
            StateHasChanged();
        }), null, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
    }

    // The layout may still be loading the viewer when this page starts; load the team once the viewer is known.
    private async Task LoadTeamAsync()
    {
        if (Shell.Me is not { } me || _loadedFor == me.Handle)
        {
            return;
        }
        _loadedFor = me.Handle;
        await LoadOnCallAsync(me.Handle);
        _teamPeople = me.TeamSlug is { } team
            ? await People.ListAsync(teamSlug: team)
            // Someone above the teams (a head of support) sees the people who report to them.
            : [.. (await People.ListAsync()).Where(p => p.ManagerHandle == me.Handle)];
        Tick();
    }

    private async Task LoadOnCallAsync(string handle) => _onCall = await OnCall.ForPersonNowAsync(handle);

    private void Tick()
    {
        _now = Clock.GetUtcNow();
        _regions = [.. Regions.All.Select(r => new RegionClock(r, ShellState.ClockIn(_now, r.DefaultTimeZone), WorkingHours.IsWorking(_now, r.DefaultTimeZone)))];
        _team = [.. _teamPeople
            .Where(p => p.Handle != Shell.Me?.Handle)
            .Select(p => new Teammate(p, ShellState.ClockIn(_now, p.TimeZone), WorkingHours.IsWorking(_now, p.TimeZone)))];
    }

    private string Greeting(PersonView me)
    {
        var hour = NodaTime.Instant.FromDateTimeOffset(_now).InZone(TimeZones.GetOrUtc(me.TimeZone)).Hour;
        return hour switch
        {
            < 5 => "Working late",
            < 12 => "Good morning",
            < 18 => "Good afternoon",
            _ => "Good evening",
        };
    }

    private static string FirstName(PersonView me) => me.Name.Split(' ')[0];

    private void OnShellChanged() => _ = InvokeAsync(async () =>
    {
        await LoadTeamAsync();
        StateHasChanged();
    });

    public void Dispose()
    {
        Shell.Changed -= OnShellChanged;
        _timer?.Dispose();
    }
}
