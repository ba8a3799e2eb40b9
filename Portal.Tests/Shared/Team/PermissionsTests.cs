using Portal.Shared.Team;

namespace Portal.Tests.Shared.Team;

/// <summary>Head (admin) → managers of teams 1 and 2 → their engineers; a director between the head and team 2's manager.</summary>
public sealed class PermissionsTests
{
    private const int Head = 1, Director = 2, Manager1 = 10, Manager2 = 20, Engineer1a = 11, Engineer1b = 12, Engineer2 = 21;

    private static readonly OrgChart Org = new(
    [
        new(Head, null, null, PortalRole.Admin),
        new(Director, null, Head, PortalRole.Manager),
        new(Manager1, 1, Head, PortalRole.Manager),
        new(Manager2, 2, Director, PortalRole.Manager),
        new(Engineer1a, 1, Manager1, PortalRole.Engineer),
        new(Engineer1b, 1, Manager1, PortalRole.Engineer),
        new(Engineer2, 2, Manager2, PortalRole.Engineer),
    ]);

    private static Actor As(int id) => new(id, Org.Find(id)!.Role);

    [Theory]
    [InlineData(Manager1, 1, true)]
    [InlineData(Manager2, 1, false)]
    [InlineData(Engineer1a, 1, false)]
    [InlineData(Director, 2, true)]
    [InlineData(Director, 1, false)]
    [InlineData(Head, 2, true)]
    public void ATeamsObjectsAreItsManagersAndThoseAboveThem(int actor, int team, bool allowed) =>
        Assert.Equal(allowed, Permissions.MayManageTeam(Org, As(actor), team));

    [Fact]
    public void AnObjectOfNoTeamIsAnyManagers()
    {
        Assert.True(Permissions.MayManageTeam(Org, As(Manager2), null));
        Assert.False(Permissions.MayManageTeam(Org, As(Engineer1a), null));
        Assert.False(Permissions.MayManageTeam(Org, new Actor(null, PortalRole.Manager), 1));
    }

    [Theory]
    [InlineData(Engineer1b, true)]
    [InlineData(Engineer1a, true)]
    [InlineData(Manager1, true)]
    [InlineData(Manager2, false)]
    [InlineData(Engineer2, false)]
    [InlineData(Head, true)]
    public void AnActionItemIsItsOwnersTheAuthorsAndTheOwnersManagers(int actor, bool allowed) =>
        Assert.Equal(allowed, Permissions.MayChangeActionItem(Org, As(actor), ownerId: Engineer1b, rcaAuthorId: Engineer1a));

    [Theory]
    [InlineData(Engineer1a, true)]
    [InlineData(Engineer2, true)]
    [InlineData(Manager1, true)]
    [InlineData(Manager2, false)]
    [InlineData(Engineer1b, false)]
    public void AnRcaIsItsAuthorsReviewersAndItsIncidentTeamsManagers(int actor, bool allowed) =>
        Assert.Equal(allowed, Permissions.MayEditRca(Org, As(actor), authorId: Engineer1a, reviewers: [Engineer2], incidentTeams: [1, null]));

    [Theory]
    [InlineData(Engineer1a, false)]
    [InlineData(Manager1, true)]
    [InlineData(Head, true)]
    [InlineData(Manager2, false)]
    public void PeersAreChosenAboveThePersonNeverByThem(int actor, bool allowed) =>
        Assert.Equal(allowed, Permissions.MayChoosePeers(Org, As(actor), Engineer1a));

    [Fact]
    public void APersonsOwnThingsAreTheirsAndTheirManagers()
    {
        Assert.True(Permissions.MayActFor(Org, As(Engineer2), Engineer2));
        Assert.True(Permissions.MayActFor(Org, As(Director), Engineer2));
        Assert.False(Permissions.MayActFor(Org, As(Manager1), Engineer2));
        Assert.False(Permissions.MayActFor(Org, As(Engineer1a), Engineer2));
    }
}
