namespace Portal.Shared.Automation;

/// <summary>The guardrails a run passes before anything is dispatched, in the order they are checked.</summary>
public enum Guardrail
{
    /// <summary>The global kill switch: nothing runs, queued runs are cancelled.</summary>
    GlobalKillSwitch,

    /// <summary>This action's kill switch.</summary>
    ActionKillSwitch,

    /// <summary>A new or changed version runs only as a dry-run until an admin promotes it.</summary>
    NotPromoted,

    /// <summary>The action may touch only the services it names.</summary>
    ServiceScope,

    /// <summary>A freeze window (month-end close): only approved manual runs go.</summary>
    FreezeWindow,

    /// <summary>The action or its risk tier needs an approval first.</summary>
    Approval,

    /// <summary>At most N runs of the action at once.</summary>
    Concurrency,

    /// <summary>A stop after M errors in a row.</summary>
    ErrorBudget,

    /// <summary>A pause between runs on one target.</summary>
    Cooldown,

    /// <summary>At most K automatic runs per target per hour, then stop and page a human.</summary>
    CircuitBreaker,
}

/// <summary>How a run was asked for: by a person (from an incident or a runbook step), by a workflow rule, or by self-healing.</summary>
public enum RunTrigger
{
    Manual,
    Rule,
    SelfHealing,
}

/// <summary>An action's limits, as its owner set them (the cooldown between runs on one target in whole minutes; 0 for none).</summary>
public sealed record ActionLimits(int MaxConcurrent = 1, int MaxErrors = 3, int CooldownMinutes = 0, int MaxAutomaticPerHour = 3, bool RequiresApproval = false)
{
    [System.Text.Json.Serialization.JsonIgnore]
    public TimeSpan Cooldown => TimeSpan.FromMinutes(CooldownMinutes);
}

/// <summary>Everything the guardrails read about one run that is about to be dispatched: the action's state and the run's.</summary>
public sealed record GuardrailInput(
    RunTrigger Trigger, bool DryRun, bool GlobalKill, bool ActionKilled, bool Promoted, RiskTier Risk, ActionLimits Limits,
    IReadOnlyList<string> AllowedServices, string? TargetService, bool Approved, string? Freeze,
    int RunningNow, int ErrorsInARow, DateTimeOffset? LastRunOnTarget, int AutomaticRunsOnTargetLastHour);

/// <summary>A refusal: which guardrail, and why, in a sentence a person understands.</summary>
public sealed record Refusal(Guardrail Guardrail, string Why);

/// <summary>The risk of an action: high-risk actions always need an approval, and never run by themselves.</summary>
public enum RiskTier
{
    Low,
    Medium,
    High,
}

/// <summary>
/// The guardrails, as one pure check: the first that refuses says which and why; null lets the run be dispatched.
/// A dry-run sends nothing, so only the kill switches stop it.
/// </summary>
public static class Guardrails
{
    public static bool NeedsApproval(RiskTier risk, ActionLimits limits) => limits.RequiresApproval || risk == RiskTier.High;

    public static Refusal? Check(GuardrailInput run, DateTimeOffset now)
    {
        if (run.GlobalKill)
        {
            return new(Guardrail.GlobalKillSwitch, "Automation is switched off for the whole portal (the global kill switch).");
        }
        if (run.ActionKilled)
        {
            return new(Guardrail.ActionKillSwitch, "This action is switched off (its kill switch).");
        }
        if (run.DryRun)
        {
            return null;
        }
        if (!run.Promoted)
        {
            return new(Guardrail.NotPromoted, "This version of the action has not been promoted by an admin; it runs only as a dry-run.");
        }
        if (run.TargetService is { } target && !run.AllowedServices.Contains(target, StringComparer.Ordinal))
        {
            return new(Guardrail.ServiceScope, $"The action may touch {(run.AllowedServices.Count == 0 ? "no service" : string.Join(", ", run.AllowedServices))}, not {target}.");
        }
        var automatic = run.Trigger != RunTrigger.Manual;
        if (run.Freeze is { } freeze && (automatic || !run.Approved))
        {
            return new(Guardrail.FreezeWindow, automatic
                ? $"{freeze} is on: nothing runs by itself; a person may run it with an approval."
                : $"{freeze} is on: only approved runs go; ask for an approval.");
        }
        if (NeedsApproval(run.Risk, run.Limits) && !run.Approved)
        {
            return new(Guardrail.Approval, automatic
                ? $"A {run.Risk.ToString().ToLowerInvariant()}-risk action that needs an approval never runs by itself."
                : "This action needs an approval from someone other than the requester first.");
        }
        if (run.RunningNow >= run.Limits.MaxConcurrent)
        {
            return new(Guardrail.Concurrency, $"{run.RunningNow} run{(run.RunningNow == 1 ? " is" : "s are")} under way; at most {run.Limits.MaxConcurrent} at once.");
        }
        if (run.ErrorsInARow >= run.Limits.MaxErrors)
        {
            return new(Guardrail.ErrorBudget, $"The last {run.ErrorsInARow} runs failed; it stops after {run.Limits.MaxErrors} until someone resets it.");
        }
        if (run.LastRunOnTarget is { } last && now - last < run.Limits.Cooldown)
        {
            var left = run.Limits.Cooldown - (now - last);
            return new(Guardrail.Cooldown, $"It ran on {run.TargetService ?? "this target"} {Durations.Minutes((now - last).TotalMinutes)} ago; the cooldown has {Durations.Minutes(left.TotalMinutes)} left.");
        }
        if (automatic && run.AutomaticRunsOnTargetLastHour >= run.Limits.MaxAutomaticPerHour)
        {
            return new(Guardrail.CircuitBreaker, $"It ran by itself {run.AutomaticRunsOnTargetLastHour} times on {run.TargetService ?? "this target"} in the last hour "
                + $"(at most {run.Limits.MaxAutomaticPerHour}): the breaker is open and a person is paged instead.");
        }
        return null;
    }
}
