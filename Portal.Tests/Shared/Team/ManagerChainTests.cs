using Portal.Shared.Team;

namespace Portal.Tests.Shared.Team;

public class ManagerChainTests
{
    // 1 heads the org; 2 and 3 report to 1; 4 and 5 report to 2.
    private static readonly Dictionary<int, int?> Org = new()
    {
        [1] = null, [2] = 1, [3] = 1, [4] = 2, [5] = 2,
    };

    [Fact]
    public void TheChainListsManagersNearestFirst() => Assert.Equal([2, 1], ManagerChain.Above(4, Org));

    [Fact]
    public void TheHeadHasNoOneAbove() => Assert.Empty(ManagerChain.Above(1, Org));

    [Theory]
    [InlineData(1, 4, true)]
    [InlineData(2, 5, true)]
    [InlineData(3, 4, false)]
    [InlineData(4, 2, false)]
    public void IsAboveFollowsTheWholeChain(int manager, int person, bool above) =>
        Assert.Equal(above, ManagerChain.IsAbove(manager, person, Org));

    [Fact]
    public void ACycleInTheDataEndsTheWalkInsteadOfLooping()
    {
        var cyclic = new Dictionary<int, int?> { [1] = 2, [2] = 3, [3] = 1 };
        Assert.Equal([2, 3], ManagerChain.Above(1, cyclic));
    }

    [Fact]
    public void APersonCannotManageThemselves() =>
        Assert.Equal("A person cannot be their own manager.", ManagerChain.WhyNotManager(4, 4, Org));

    [Fact]
    public void AReportCannotBecomeTheirManagersManager() =>
        Assert.Contains("loop", ManagerChain.WhyNotManager(2, 4, Org), StringComparison.Ordinal);

    [Fact]
    public void ASidewaysMoveIsAllowed() => Assert.Null(ManagerChain.WhyNotManager(4, 3, Org));

    [Fact]
    public void RemovingTheManagerIsAllowed() => Assert.Null(ManagerChain.WhyNotManager(4, null, Org));
}
