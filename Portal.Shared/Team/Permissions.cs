namespace Portal.Shared.Team;

/// <summary>Who is acting: their person id (none for a script without a person) and their portal role.</summary>
public sealed record Actor(int? Id, PortalRole Role)
{
    public bool IsAdmin => Role == PortalRole.Admin;
}

/// <summary>Someone in the organisation, as far as permissions go: their team, manager and role.</summary>
public sealed record OrgMember(int Id, int? TeamId, int? ManagerId, PortalRole Role);

/// <summary>The organisation's reporting lines and teams, read once per decision.</summary>
public sealed class OrgChart
{
    private readonly Dictionary<int, OrgMember> _members;
    private readonly Dictionary<int, int?> _managerOf;

    public OrgChart(IEnumerable<OrgMember> members)
    {
        _members = members.ToDictionary(m => m.Id);
        _managerOf = _members.ToDictionary(m => m.Key, m => m.Value.ManagerId);
    }

    public OrgMember? Find(int id) => _members.GetValueOrDefault(id);

    /// <summary>True when <paramref name="managerId"/> is anywhere above <paramref name="personId"/>.</summary>
    public bool IsAbove(int managerId, int personId) => ManagerChain.IsAbove(managerId, personId, _managerOf);

    public IEnumerable<OrgMember> InTeam(int teamId) => _members.Values.Where(m => m.TeamId == teamId);
}

/// <summary>
/// Who may change what, one rule per kind of object (the README's permission table). Reading operations data is open
/// to everyone signed in; these rules are about changing. Every service asks here; none decides by role alone.
/// </summary>
public static class Permissions
{
    /// <summary>
    /// Team-owned objects (schedules, escalation policies, team channels): admins; a manager in that team; a manager
    /// above anyone in that team. An object of no team: any manager or admin.
    /// </summary>
    public static bool MayManageTeam(OrgChart org, Actor actor, int? teamId)
    {
        if (actor.IsAdmin)
        {
            return true;
        }
        if (!actor.Role.Satisfies(PortalRole.Manager) || actor.Id is not { } me)
        {
            return false;
        }
        if (teamId is not { } team)
        {
            return true;
        }
        return org.Find(me)?.TeamId == team || org.InTeam(team).Any(m => org.IsAbove(me, m.Id));
    }

    /// <summary>A person's own things (overrides that put them on call, swaps): the person, anyone above them, admins.</summary>
    public static bool MayActFor(OrgChart org, Actor actor, int personId) =>
        actor.IsAdmin || (actor.Id is { } me && (me == personId || org.IsAbove(me, personId)));

    /// <summary>An RCA: its author, its reviewers, the managers of its incidents' teams (and above them), admins.</summary>
    public static bool MayEditRca(OrgChart org, Actor actor, int authorId, IEnumerable<int> reviewers, IEnumerable<int?> incidentTeams) =>
        actor.IsAdmin
        || (actor.Id is { } me && (me == authorId || reviewers.Contains(me)))
        || incidentTeams.OfType<int>().Distinct().Any(t => MayManageTeam(org, actor, t));

    /// <summary>An action item (close, edit, reopen, delete): its owner, the RCA's author, the owner's managers, admins.</summary>
    public static bool MayChangeActionItem(OrgChart org, Actor actor, int ownerId, int rcaAuthorId) =>
        actor.IsAdmin || (actor.Id is { } me && (me == ownerId || me == rcaAuthorId || org.IsAbove(me, ownerId)));

    /// <summary>A review's peers are chosen by the managers above the person reviewed, or an admin; never by the person.</summary>
    public static bool MayChoosePeers(OrgChart org, Actor actor, int personId) =>
        actor.IsAdmin || (actor.Id is { } me && org.IsAbove(me, personId));
}
