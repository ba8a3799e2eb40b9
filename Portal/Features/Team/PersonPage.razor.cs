using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Features.OnCall;
using Portal.Shared;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

/// <summary>
/// A person: profile for everyone; the operational record, 1:1s, plans, reviews and onboarding only for the person,
/// the managers above them (and the record and review states for admins). Each section has its own address.
/// </summary>
public sealed partial class PersonPage
{
    private static readonly (string Key, string Label)[] AllTabs =
        [("record", "Operational record"), ("one-on-ones", "1:1s"), ("plans", "Development plans"), ("reviews", "Reviews"), ("onboarding", "Onboarding")];

    [Parameter] public string Handle { get; set; } = "";
    [Parameter] public string? Section { get; set; }
    [Inject] private PeopleService People { get; set; } = default!;
    [Inject] private OnCallService OnCall { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private PersonView? _person;
    private Relation _relation;
    private bool _missing;
    private DateTimeOffset _now;
    private List<OnCallNow> _onCall = [];
    private List<BreadcrumbItem> _crumbs = [];

    private IEnumerable<(string Key, string Label)> Tabs => AllTabs.Where(t => t.Key switch
    {
        "record" => CoachingAccess.CanReadRecord(_relation),
        "reviews" => _relation != Relation.None,
        _ => CoachingAccess.CanReadCoaching(_relation),
    });

    /// <summary>A coaching section asked for by its address that the viewer may not see: the access-denied page, audited, not an empty page.</summary>
    private bool RefusedSection => Section is not null && AllTabs.Any(t => t.Key == Section) && !Tabs.Any(t => t.Key == Section);

    /// <summary>The refused section as its tab names it ("1:1s", "development plans").</summary>
    private string RefusedLabel => AllTabs.First(t => t.Key == Section).Label.ToLowerInvariant();

    private string CurrentSection => Tabs.Any(t => t.Key == Section) ? Section! : Tabs.FirstOrDefault().Key ?? "record";

    private int ActiveIndex => Tabs.Select(t => t.Key).ToList().IndexOf(CurrentSection);

    protected override async Task OnParametersSetAsync()
    {
        _now = Clock.GetUtcNow();
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        if (_person?.Handle != Handle.ToLowerInvariant())
        {
            // The person is shown only once the viewer's relation to them is known: a render between these awaits
            // would otherwise judge the sections with no relation, and refuse (and audit) a viewer who may see them.
            _person = null;
            var person = await People.FindAsync(Handle);
            _missing = person is null;
            if (person is null)
            {
                return;
            }
            try
            {
                _relation = await People.RelationAsync(user, Handle);
            }
            catch (NotFoundException)
            {
                _missing = true;
                return;
            }
            _onCall = [.. (await OnCall.ForPersonNowAsync(person.Handle)).Where(o => o.Person is not null)];
            _crumbs = [new("Team", "/team"), new(person.Name, null, disabled: true)];
            _person = person;
        }
    }

    private void GoToAsync(int index)
    {
        var key = Tabs.ElementAt(index).Key;
        Navigation.NavigateTo(key == "record" ? $"/team/{Handle}" : $"/team/{Handle}/{key}");
    }
}
