using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Tests.Shared.Team;

public class PortalRolesTests
{
    [Theory]
    [InlineData(new[] { "Portal.Engineer" }, PortalRole.Engineer)]
    [InlineData(new[] { "Portal.Manager" }, PortalRole.Manager)]
    [InlineData(new[] { "Portal.Engineer", "Portal.Admin" }, PortalRole.Admin)]
    [InlineData(new[] { "SomethingElse", "Portal.Manager" }, PortalRole.Manager)]
    public void TheHighestAppRoleWins(string[] appRoles, PortalRole expected) =>
        Assert.Equal(expected, PortalRoles.FromAppRoles(appRoles));

    [Fact]
    public void NoPortalAppRoleMeansNoRole() => Assert.Null(PortalRoles.FromAppRoles(["Directory.Reader"]));

    [Theory]
    [InlineData(PortalRole.Admin, PortalRole.Manager, true)]
    [InlineData(PortalRole.Manager, PortalRole.Engineer, true)]
    [InlineData(PortalRole.Engineer, PortalRole.Manager, false)]
    [InlineData(PortalRole.Manager, PortalRole.Admin, false)]
    public void HigherRolesSatisfyLowerOnes(PortalRole held, PortalRole needed, bool ok) =>
        Assert.Equal(ok, held.Satisfies(needed));

    [Fact]
    public void TokensAreLongRandomAndHashedToHex()
    {
        var a = ApiTokenSecrets.Generate();
        var b = ApiTokenSecrets.Generate();
        Assert.NotEqual(a, b);
        Assert.StartsWith("ptl_", a, StringComparison.Ordinal);
        Assert.True(a.Length >= 40);
        Assert.Matches("^[0-9a-f]{64}$", ApiTokenSecrets.Hash(a));
        Assert.Equal(ApiTokenSecrets.Hash(a), ApiTokenSecrets.Hash(a));
        Assert.Equal(a[..8], ApiTokenSecrets.ShownPrefix(a));
    }

    [Theory]
    [InlineData("billing-support-eu", true)]
    [InlineData("Billing", false)]
    [InlineData("-x", false)]
    [InlineData("a--b", false)]
    public void SlugsAreLowercaseWordsJoinedByDashes(string slug, bool ok) => Assert.Equal(ok, Slugs.IsValidSlug(slug));
}
