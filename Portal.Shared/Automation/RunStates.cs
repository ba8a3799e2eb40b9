namespace Portal.Shared.Automation;

/// <summary>Where a run of an action stands.</summary>
public enum RunState
{
    /// <summary>Asked for; waiting for someone other than the requester to approve it (for 30 minutes at most).</summary>
    AwaitingApproval,

    Queued,

    /// <summary>Given to a runner (or the portal's HTTP sender) under a lease.</summary>
    Dispatched,

    Running,
    Succeeded,
    Failed,
    TimedOut,

    /// <summary>Its runner stopped renewing the lease: it may or may not have run, and is never "running" forever.</summary>
    Lost,

    /// <summary>It did not verify, and its rollback action ran.</summary>
    RolledBack,

    Cancelled,

    /// <summary>Nobody approved it within 30 minutes.</summary>
    Expired,

    /// <summary>A guardrail said no before anything was sent.</summary>
    Refused,
}

/// <summary>The one table of a run's allowed state changes, and the rules of approvals and leases.</summary>
public static class RunStates
{
    public static readonly TimeSpan ApprovalWindow = TimeSpan.FromMinutes(30);

    private static readonly Dictionary<RunState, RunState[]> Next = new()
    {
        [RunState.AwaitingApproval] = [RunState.Queued, RunState.Expired, RunState.Cancelled, RunState.Refused],
        [RunState.Queued] = [RunState.Dispatched, RunState.Cancelled, RunState.Refused],
        [RunState.Dispatched] = [RunState.Running, RunState.Lost, RunState.Cancelled],
        [RunState.Running] = [RunState.Succeeded, RunState.Failed, RunState.TimedOut, RunState.Lost],
        // A run that did its work but did not verify (or failed, or timed out) is rolled back when it has a rollback.
        [RunState.Succeeded] = [RunState.RolledBack],
        [RunState.Failed] = [RunState.RolledBack],
        [RunState.TimedOut] = [RunState.RolledBack],
    };

    public static bool Allowed(RunState from, RunState to) => Next.TryGetValue(from, out var next) && next.Contains(to);

    /// <summary>A state nothing follows except, for some, a rollback.</summary>
    public static bool IsFinal(RunState state) =>
        state is RunState.Succeeded or RunState.Failed or RunState.TimedOut or RunState.Lost or RunState.RolledBack or RunState.Cancelled or RunState.Expired or RunState.Refused;

    /// <summary>Whether the run holds a slot of the action's concurrency (sent to a runner and not finished).</summary>
    public static bool IsUnderWay(RunState state) => state is RunState.Dispatched or RunState.Running;

    /// <summary>Why <paramref name="approver"/> cannot approve now; null when they can.</summary>
    public static string? WhyNotApprove(RunState state, int requester, int approver, DateTimeOffset requestedAt, DateTimeOffset now) =>
        state != RunState.AwaitingApproval ? $"The run is {Label(state)}; there is nothing to approve."
        : approver == requester ? "You asked for this run; someone else approves it."
        : now - requestedAt > ApprovalWindow ? $"The request expired: approvals are given within {ApprovalWindow.TotalMinutes:0} minutes of asking."
        : null;

    /// <summary>Whether a lease ran out: its runner died or lost the portal, so the run is lost, never running forever.</summary>
    public static bool LeaseExpired(DateTimeOffset leaseUntil, DateTimeOffset now) => now >= leaseUntil;

    /// <summary>The state as the timeline says it: "timed out", "awaiting approval".</summary>
    public static string Label(RunState state) => state switch
    {
        RunState.AwaitingApproval => "awaiting approval",
        RunState.TimedOut => "timed out",
        RunState.RolledBack => "rolled back",
        _ => state.ToString().ToLowerInvariant(),
    };
}
