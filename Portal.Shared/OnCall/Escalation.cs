namespace Portal.Shared.OnCall;

/// <summary>Who a level of an escalation policy notifies.</summary>
public enum EscalationTargetKind
{
    /// <summary>Whoever a schedule puts on call at that moment.</summary>
    Schedule,

    /// <summary>One named person.</summary>
    Person,

    /// <summary>Whoever is on call on any of a team's schedules at that moment.</summary>
    Team,

    /// <summary>Another policy's first level: hands the incident to a different team's escalation.</summary>
    Policy,
}

/// <summary>One target of a level: what kind, and the id of the schedule, person, team or policy.</summary>
public sealed class EscalationTarget
{
    public EscalationTargetKind Kind { get; set; }
    public int Id { get; set; }
}

/// <summary>A level: everyone it targets is notified at once; nobody acknowledging within the delay moves on to the next.</summary>
public sealed class EscalationLevel
{
    public int DelayMinutes { get; set; } = 15;
    public List<EscalationTarget> Targets { get; set; } = [];
}

/// <summary>
/// Who is paged, in what order, for an incident nobody has acknowledged. Assigned per service. After the last level
/// the policy starts again from level 1 up to <see cref="Repeat"/> more times.
/// </summary>
public sealed class EscalationPolicy
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public int? TeamId { get; set; }
    public int Repeat { get; set; }
    public List<EscalationLevel> Levels { get; set; } = [];
    public int Version { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

public enum EscalationState
{
    /// <summary>Waiting for its next step at <see cref="IncidentEscalation.NextAt"/>.</summary>
    Active,

    /// <summary>Someone acknowledged, mitigated or resolved the incident.</summary>
    Stopped,

    /// <summary>Every level and repeat was notified and nobody acknowledged.</summary>
    Exhausted,
}

/// <summary>
/// Where one incident is in its policy. The processor claims a due step by bumping <see cref="Version"/>, so when
/// several nodes race for the same step only one of them notifies.
/// </summary>
public sealed class IncidentEscalation
{
    public long IncidentNumber { get; set; }
    public Incidents.Incident? Incident { get; set; }
    public int PolicyId { get; set; }

    /// <summary>The level notified at the next step (0 is level 1); equal to the level count once the last one was notified.</summary>
    public int Level { get; set; }

    /// <summary>How many times the policy has started again from level 1.</summary>
    public int Round { get; set; }

    public EscalationState State { get; set; }
    public DateTimeOffset? NextAt { get; set; }
    public DateTimeOffset StartedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>What one step of an escalation does: notify a level (or nobody), then wait, or finish.</summary>
/// <param name="NotifyLevel">The level index to notify now, or null when the step finishes the escalation.</param>
/// <param name="NextLevel">The level of the following step.</param>
/// <param name="NextRound">The round of the following step.</param>
/// <param name="Wait">How long until the following step.</param>
public sealed record EscalationStep(int? NotifyLevel, int NextLevel, int NextRound, TimeSpan Wait)
{
    public bool Finishes => NotifyLevel is null;
}

/// <summary>The rules of escalation policies: what a valid policy is, and what each step does.</summary>
public static class EscalationRules
{
    public const int MaxName = 120;
    public const int MaxLevels = 10;
    public const int MaxTargets = 10;
    public const int MaxRepeat = 9;
    public const int MaxDelayMinutes = 24 * 60;

    /// <summary>The step due for an escalation at <paramref name="level"/> in <paramref name="round"/>.</summary>
    public static EscalationStep Step(EscalationPolicy policy, int level, int round)
    {
        if (level >= policy.Levels.Count)
        {
            return new EscalationStep(null, level, round, TimeSpan.Zero);
        }
        var wait = TimeSpan.FromMinutes(policy.Levels[level].DelayMinutes);
        if (level + 1 < policy.Levels.Count)
        {
            return new EscalationStep(level, level + 1, round, wait);
        }
        return round < policy.Repeat
            ? new EscalationStep(level, 0, round + 1, wait)
            : new EscalationStep(level, policy.Levels.Count, round, wait);
    }

    /// <summary>Every broken rule of a policy, by field. <paramref name="exists"/> says whether a target's id names something real.</summary>
    public static Dictionary<string, string[]> Validate(string? name, int repeat, IReadOnlyList<EscalationLevel> levels, Func<EscalationTarget, bool> exists)
    {
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(name))
        {
            errors["name"] = ["Give the policy a name."];
        }
        else if (name.Trim().Length > MaxName)
        {
            errors["name"] = [$"A name is at most {MaxName} characters."];
        }
        if (repeat is < 0 or > MaxRepeat)
        {
            errors["repeat"] = [$"Repeat between 0 and {MaxRepeat} times."];
        }
        if (levels.Count == 0)
        {
            errors["levels"] = ["Give the policy at least one level."];
        }
        else if (levels.Count > MaxLevels)
        {
            errors["levels"] = [$"A policy has at most {MaxLevels} levels."];
        }
        for (var i = 0; i < levels.Count; i++)
        {
            var level = levels[i];
            var messages = new List<string>();
            if (level.DelayMinutes is < 1 or > MaxDelayMinutes)
            {
                messages.Add($"Level {i + 1} waits between 1 and {MaxDelayMinutes} minutes before escalating.");
            }
            if (level.Targets.Count == 0)
            {
                messages.Add($"Level {i + 1} notifies nobody; give it a schedule, a person or a team.");
            }
            else if (level.Targets.Count > MaxTargets)
            {
                messages.Add($"Level {i + 1} has more than {MaxTargets} targets.");
            }
            if (level.Targets.Any(t => !exists(t)))
            {
                messages.Add($"Level {i + 1} names a target that does not exist.");
            }
            if (messages.Count > 0)
            {
                errors[$"levels[{i}]"] = [.. messages];
            }
        }
        return errors;
    }

    /// <summary>
    /// The chain of policies by which a policy would hand an incident back to itself ("A → B → A"), or null when it
    /// does not. The rule is strict on purpose: any chain of hand-overs that comes back is refused, at any level.
    /// </summary>
    public static IReadOnlyList<int>? FindLoop(int policyId, IReadOnlyList<EscalationLevel> levels, Func<int, IReadOnlyList<EscalationLevel>?> levelsOf)
    {
        var path = new List<int> { policyId };
        return Walk(levels);

        IReadOnlyList<int>? Walk(IReadOnlyList<EscalationLevel> current)
        {
            foreach (var target in current.SelectMany(l => l.Targets).Where(t => t.Kind == EscalationTargetKind.Policy).Select(t => t.Id).Distinct())
            {
                if (target == policyId)
                {
                    return [.. path, target];
                }
                if (path.Contains(target) || levelsOf(target) is not { } next)
                {
                    continue;
                }
                path.Add(target);
                if (Walk(next) is { } loop)
                {
                    return loop;
                }
                path.RemoveAt(path.Count - 1);
            }
            return null;
        }
    }
}
