using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.Tests.Shared.Demo;

public class DemoWorldTests
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    [Fact]
    public void TheWorldIsTheSameOnEveryGeneration()
    {
        var again = DemoWorld.Generate();
        Assert.Equal(World.Teams, again.Teams);
        Assert.Equal(World.People, again.People);
        Assert.Equal(World.Services, again.Services);
    }

    [Fact]
    public void FiveRegionalTeamsAndAboutFortyPeople()
    {
        Assert.Equal(5, World.Teams.Count);
        Assert.Equal(Enum.GetValues<RegionCode>().Order(), World.Teams.Select(t => t.Region).Order());
        Assert.InRange(World.People.Count, 35, 45);
    }

    [Fact]
    public void HandlesAndEmailsAreUniqueAndValid()
    {
        Assert.Equal(World.People.Count, World.People.Select(p => p.Handle).Distinct().Count());
        Assert.All(World.People, p => Assert.True(Slugs.IsValidHandle(p.Handle), p.Handle));
        Assert.All(World.People, p => Assert.True(TimeZones.IsValid(p.TimeZone), p.TimeZone));
    }

    [Fact]
    public void EveryTeamHasAManagerAndEveryoneButTheHeadReportsToSomeone()
    {
        foreach (var team in World.Teams)
        {
            var members = World.People.Where(p => p.TeamSlug == team.Slug).ToList();
            var manager = Assert.Single(members, p => p.Role == PortalRole.Manager);
            Assert.All(members.Where(p => p != manager), p => Assert.Equal(manager.Handle, p.ManagerHandle));
            Assert.All(members, p => Assert.Equal(team.Region, p.Region));
        }
        Assert.Single(World.People, p => p.ManagerHandle is null);
        Assert.Contains(World.People, p => p.Role == PortalRole.Admin);
    }

    [Fact]
    public void TheBillingEstateIsComplete()
    {
        string[] expected = ["Invoicing", "Payments", "Budgets", "Promotions", "Accounting Automation", "Billing API", "Advertiser Ledger", "Tax", "FX Rates"];
        Assert.Equal(expected.Order(), World.Services.Select(s => s.Name).Order());
        Assert.All(World.Services, s => Assert.Contains(World.Teams, t => t.Slug == s.TeamSlug));
    }

    [Theory]
    [InlineData("Lea", "O'Brien", "lea.obrien")]
    [InlineData("Pablo", "García", "pablo.garcia")]
    [InlineData("Anouk", "de Vries", "anouk.devries")]
    public void HandlesFoldAccentsAndPunctuation(string first, string last, string handle) =>
        Assert.Equal(handle, DemoWorld.HandleFor(first, last));
}
