using Portal.Shared.OnCall;

namespace Portal.Tests.Shared.OnCall;

public class SwapsTests
{
    [Theory]
    [InlineData(SwapState.Requested, true)]
    [InlineData(SwapState.AwaitingApproval, true)]
    public void ASwapIsOpenWhileItWaitsForTheTeammateOrTheManager(SwapState state, bool open) =>
        Assert.Equal(open, new SwapRequest { State = state }.IsOpen);

    [Fact]
    public void EveryOtherStateHasEnded() =>
        Assert.All(Enum.GetValues<SwapState>().Where(s => s is not (SwapState.Requested or SwapState.AwaitingApproval)),
            state => Assert.False(new SwapRequest { State = state }.IsOpen));
}
