using Portal.Shared.Automation;

namespace Portal.Tests.Shared.Automation;

public sealed class RunStatesTests
{
    private static readonly DateTimeOffset Asked = new(2026, 12, 3, 3, 0, 0, TimeSpan.Zero);

    [Theory]
    [InlineData(RunState.AwaitingApproval, RunState.Queued, true)]
    [InlineData(RunState.Queued, RunState.Dispatched, true)]
    [InlineData(RunState.Dispatched, RunState.Running, true)]
    [InlineData(RunState.Running, RunState.Lost, true)]
    [InlineData(RunState.Failed, RunState.RolledBack, true)]
    [InlineData(RunState.Running, RunState.Queued, false)]     // never back
    [InlineData(RunState.Running, RunState.Cancelled, false)]  // a running process is timed out or finishes; cancelling is for what has not started
    [InlineData(RunState.Lost, RunState.Running, false)]       // a lost run stays lost, even if its runner wakes up
    [InlineData(RunState.Succeeded, RunState.Failed, false)]
    [InlineData(RunState.Expired, RunState.Queued, false)]
    public void OnlyTheTablesChangesAreAllowed(RunState from, RunState to, bool allowed) => Assert.Equal(allowed, RunStates.Allowed(from, to));

    [Fact]
    public void EveryStateIsEitherFinalOrHasAWayOn()
    {
        foreach (var state in Enum.GetValues<RunState>())
        {
            Assert.True(RunStates.IsFinal(state) || Enum.GetValues<RunState>().Any(to => RunStates.Allowed(state, to)), state.ToString());
        }
    }

    [Fact]
    public void TheRequesterNeverApprovesAndNobodyApprovesAfterThirtyMinutes()
    {
        Assert.Null(RunStates.WhyNotApprove(RunState.AwaitingApproval, requester: 1, approver: 2, Asked, Asked.AddMinutes(29)));
        Assert.Contains("someone else", RunStates.WhyNotApprove(RunState.AwaitingApproval, 1, 1, Asked, Asked.AddMinutes(1)), StringComparison.Ordinal);
        Assert.Contains("expired", RunStates.WhyNotApprove(RunState.AwaitingApproval, 1, 2, Asked, Asked.AddMinutes(31)), StringComparison.Ordinal);
        Assert.Contains("queued", RunStates.WhyNotApprove(RunState.Queued, 1, 2, Asked, Asked.AddMinutes(1)), StringComparison.Ordinal);
    }

    [Fact]
    public void ALeaseRunsOutAtItsInstant()
    {
        Assert.False(RunStates.LeaseExpired(Asked, Asked.AddTicks(-1)));
        Assert.True(RunStates.LeaseExpired(Asked, Asked));
    }
}
