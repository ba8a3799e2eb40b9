using System.Globalization;
using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using NodaTime;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Features.Cases;

/// <summary>The case SLA targets by priority (and tier) and each region's business hours and holidays; admins edit, everyone reads.</summary>
public partial class CaseSettingsPage
{
    private static readonly IsoDayOfWeek[] Days = [.. Enumerable.Range(1, 7).Select(d => (IsoDayOfWeek)d)];

    private List<PolicyRow> _policies = [];
    private List<CalendarForm> _calendars = [];
    private ClaimsPrincipal _user = new();
    private bool _canEdit;
    private CasePriority _newPriority = CasePriority.P3;
    private AdvertiserTier _newTier = AdvertiserTier.Managed;

    [Inject] private CaseSettingsService Settings { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private LocalDate Today => LocalDate.FromDateTime(Clock.GetUtcNow().UtcDateTime);

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _canEdit = _user.HasPortalRole(Shared.Team.PortalRole.Admin);
        _policies = [.. (await Settings.PoliciesAsync()).Select(p => new PolicyRow(p.Priority, p.Tier, p))];
        _calendars = [.. (await Settings.CalendarsAsync()).Select(c => new CalendarForm(c))];
    }

    private void AddOverride()
    {
        if (_policies.Any(p => p.Priority == _newPriority && p.Tier == _newTier))
        {
            Snackbar.Add($"{_newPriority} for {TierName(_newTier)} advertisers is already in the table; change it there.", MudBlazor.Severity.Info);
            return;
        }
        var general = _policies.FirstOrDefault(p => p.Priority == _newPriority && p.Tier is null);
        var row = new PolicyRow(_newPriority, _newTier, null) { FirstReply = general?.FirstReply, Resolution = general?.Resolution, BusinessHours = general?.BusinessHours ?? false };
        _policies = [.. _policies.Append(row).OrderBy(p => p.Priority).ThenBy(p => p.Tier.HasValue).ThenBy(p => p.Tier)];
    }

    private async Task SavePolicyAsync(PolicyRow row)
    {
        try
        {
            row.Saved = await Settings.SetPolicyAsync(_user, row.Priority, row.Tier, new CaseSlaPolicyChange(row.FirstReply, row.Resolution, row.BusinessHours));
            row.Reset();
            Snackbar.Add($"{row.Priority} ({TierName(row.Tier)}): first reply {Human(row.FirstReply) ?? "no clock"}, resolution {Human(row.Resolution) ?? "no clock"}"
                + $" in {(row.BusinessHours ? "business hours" : "calendar time")}. New cases use it.", MudBlazor.Severity.Success);
        }
        catch (Exception e) when (e is ValidationException or AccessDeniedException)
        {
            Snackbar.Add(e is ValidationException v ? v.Messages : e.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task SaveCalendarAsync(CalendarForm form)
    {
        try
        {
            var saved = await Settings.SetCalendarAsync(_user, form.Region, form.ToChange());
            form.Load(saved);
            Snackbar.Add($"{form.Region}: {saved.Opens}–{saved.Closes}, {saved.WorkingDays.Count} working days, {saved.Holidays.Count} holidays. New business-hour clocks use it.", MudBlazor.Severity.Success);
        }
        catch (Exception e) when (e is ValidationException or AccessDeniedException)
        {
            Snackbar.Add(e is ValidationException v ? v.Messages : e.Message, MudBlazor.Severity.Warning);
        }
    }

    private static string TierName(AdvertiserTier? tier) => tier switch
    {
        null => "Every tier",
        AdvertiserTier.Managed => "Managed",
        _ => "Self-serve",
    };

    private static string? Human(int? minutes) => Durations.Target(minutes);

    private sealed class PolicyRow(CasePriority priority, AdvertiserTier? tier, CaseSlaPolicy? saved)
    {
        public CasePriority Priority { get; } = priority;
        public AdvertiserTier? Tier { get; } = tier;
        public CaseSlaPolicy? Saved { get; set; } = saved;
        public int? FirstReply { get; set; } = saved?.FirstReplyMinutes;
        public int? Resolution { get; set; } = saved?.ResolutionMinutes;
        public bool BusinessHours { get; set; } = saved?.BusinessHours ?? false;
        public string Key => $"{Priority}-{Tier?.ToString() ?? "all"}";

        public bool Changed => Saved is null
            || FirstReply != Saved.FirstReplyMinutes || Resolution != Saved.ResolutionMinutes || BusinessHours != Saved.BusinessHours;

        public void Reset()
        {
            if (Saved is { } s)
            {
                (FirstReply, Resolution, BusinessHours) = (s.FirstReplyMinutes, s.ResolutionMinutes, s.BusinessHours);
            }
        }
    }

    private sealed class CalendarForm
    {
        public CalendarForm(RegionCalendar calendar) => Load(calendar);

        public RegionCode Region { get; private set; }
        public string? Opens { get; set; }
        public string? Closes { get; set; }
        public List<IsoDayOfWeek> Days { get; private set; } = [];
        public string? Holidays { get; set; }

        public int HolidayCount => Lines().Count;

        public void Load(RegionCalendar calendar)
        {
            (Region, Opens, Closes) = (calendar.Region, calendar.Opens, calendar.Closes);
            Days = [.. calendar.WorkingDays];
            Holidays = string.Join('\n', calendar.Holidays);
        }

        public void Toggle(IsoDayOfWeek day, bool on)
        {
            Days.Remove(day);
            if (on)
            {
                Days.Add(day);
            }
            Days.Sort();
        }

        public string? Next(LocalDate today) => Lines().Select(CaseTime.ParseDate).OfType<LocalDate>().Where(d => d >= today).Order()
            .Select(d => d.ToString("d MMM yyyy", CultureInfo.InvariantCulture)).FirstOrDefault();

        public RegionCalendarChange ToChange() => new(Opens, Closes, Days, Lines());

        private List<string> Lines() => [.. (Holidays ?? "").Split('\n', ',').Select(l => l.Trim()).Where(l => l.Length > 0)];
    }
}
