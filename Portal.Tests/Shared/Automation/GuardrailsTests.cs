using Portal.Shared.Automation;

namespace Portal.Tests.Shared.Automation;

/// <summary>Every guardrail refuses on its own condition, says which and why, and the order is the documented one.</summary>
public sealed class GuardrailsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 3, 0, 0, TimeSpan.Zero);

    /// <summary>A promoted low-risk action, nothing under way, nothing failing: it may run.</summary>
    private static GuardrailInput Clear(RunTrigger trigger = RunTrigger.Manual) => new(
        trigger, DryRun: false, GlobalKill: false, ActionKilled: false, Promoted: true, RiskTier.Low,
        new ActionLimits(MaxConcurrent: 2, MaxErrors: 3, CooldownMinutes: 10, MaxAutomaticPerHour: 3),
        ["invoice-renderer"], "invoice-renderer", Approved: false, Freeze: null, RunningNow: 0, ErrorsInARow: 0, LastRunOnTarget: null, AutomaticRunsOnTargetLastHour: 0);

    public static TheoryData<string, Func<GuardrailInput, GuardrailInput>, Guardrail> Refusals => new()
    {
        { "global kill", r => r with { GlobalKill = true }, Guardrail.GlobalKillSwitch },
        { "action kill", r => r with { ActionKilled = true }, Guardrail.ActionKillSwitch },
        { "not promoted", r => r with { Promoted = false }, Guardrail.NotPromoted },
        { "another service", r => r with { TargetService = "ledger" }, Guardrail.ServiceScope },
        { "freeze, manual unapproved", r => r with { Freeze = "Month-end close" }, Guardrail.FreezeWindow },
        { "freeze, automatic even approved", r => r with { Trigger = RunTrigger.SelfHealing, Approved = true, Freeze = "Month-end close" }, Guardrail.FreezeWindow },
        { "high risk unapproved", r => r with { Risk = RiskTier.High }, Guardrail.Approval },
        { "approval required", r => r with { Limits = r.Limits with { RequiresApproval = true } }, Guardrail.Approval },
        { "two under way", r => r with { RunningNow = 2 }, Guardrail.Concurrency },
        { "three failures", r => r with { ErrorsInARow = 3 }, Guardrail.ErrorBudget },
        { "ran 4 min ago", r => r with { LastRunOnTarget = Now.AddMinutes(-4) }, Guardrail.Cooldown },
        { "breaker open", r => r with { Trigger = RunTrigger.SelfHealing, AutomaticRunsOnTargetLastHour = 3 }, Guardrail.CircuitBreaker },
        // Kill switches come first: a killed, unpromoted action says it is killed.
        { "kill before promotion", r => r with { ActionKilled = true, Promoted = false }, Guardrail.ActionKillSwitch },
    };

    [Theory]
    [MemberData(nameof(Refusals))]
    public void EachGuardrailRefusesOnItsOwnConditionAndSaysWhy(string _, Func<GuardrailInput, GuardrailInput> change, Guardrail expected)
    {
        var refusal = Guardrails.Check(change(Clear()), Now);
        Assert.NotNull(refusal);
        Assert.Equal(expected, refusal.Guardrail);
        Assert.False(string.IsNullOrWhiteSpace(refusal.Why));
    }

    [Fact]
    public void AClearRunGoesAndTheLimitsJustBelowTheirBoundsStillLetItGo()
    {
        Assert.Null(Guardrails.Check(Clear(), Now));
        Assert.Null(Guardrails.Check(Clear() with { RunningNow = 1, ErrorsInARow = 2, LastRunOnTarget = Now.AddMinutes(-10) }, Now));
        // A person's run does not count against the breaker, which is for runs nobody asked for.
        Assert.Null(Guardrails.Check(Clear() with { AutomaticRunsOnTargetLastHour = 9 }, Now));
        Assert.Null(Guardrails.Check(Clear(RunTrigger.SelfHealing) with { AutomaticRunsOnTargetLastHour = 2 }, Now));
    }

    [Fact]
    public void InAFreezeOnlyAnApprovedManualRunGoes()
    {
        var frozen = Clear() with { Freeze = "Month-end close" };
        Assert.Null(Guardrails.Check(frozen with { Approved = true }, Now));
        Assert.Contains("Month-end close", Guardrails.Check(frozen with { Trigger = RunTrigger.Rule, Approved = true }, Now)!.Why, StringComparison.Ordinal);
    }

    [Fact]
    public void ADryRunSendsNothingSoOnlyTheKillSwitchesStopIt()
    {
        var risky = Clear() with { DryRun = true, Promoted = false, Risk = RiskTier.High, RunningNow = 9, Freeze = "Close" };
        Assert.Null(Guardrails.Check(risky, Now));
        Assert.Equal(Guardrail.GlobalKillSwitch, Guardrails.Check(risky with { GlobalKill = true }, Now)!.Guardrail);
    }

    [Fact]
    public void TheCooldownSaysHowLongAgoAndHowLongIsLeft() =>
        Assert.Equal("It ran on invoice-renderer 4 min ago; the cooldown has 6 min left.",
            Guardrails.Check(Clear() with { LastRunOnTarget = Now.AddMinutes(-4) }, Now)!.Why);
}
