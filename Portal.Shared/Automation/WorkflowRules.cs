using System.ComponentModel.DataAnnotations;

namespace Portal.Shared.Automation;

/// <summary>When a workflow rule looks at an incident.</summary>
public enum RuleEvent
{
    IncidentCreated,
    IncidentChanged,
}

/// <summary>What a rule's step does.</summary>
public enum RuleStepKind
{
    /// <summary>Sets the severity (Value: SEV1…SEV5).</summary>
    SetSeverity,

    /// <summary>Assigns the incident (Value: a person's handle).</summary>
    Assign,

    /// <summary>Writes a note on the timeline (Value: the text).</summary>
    Comment,

    /// <summary>Runs an action through its guardrails (Value: the action's slug; Inputs: its inputs).</summary>
    RunAction,

    /// <summary>Pages a person (Value: their handle), on the timeline and in their notifications.</summary>
    Page,

    /// <summary>Tells a team's channels (Value: the team's slug).</summary>
    NotifyTeam,

    /// <summary>Puts a runbook on the timeline, opened for this incident (Value: the runbook's slug).</summary>
    AttachRunbook,
}

/// <summary>One step of a rule, done in order.</summary>
public sealed record RuleStep(RuleStepKind Kind, [property: MultiLine, MaxLength(2000)] string? Value = null, Dictionary<string, string>? Inputs = null);

/// <summary>A workflow rule: when an incident is created or changes and its CEL condition holds, do the steps in order.</summary>
public sealed class WorkflowRule
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public RuleEvent Event { get; set; }

    /// <summary>A CEL expression over <c>incident</c> (number, title, severity, status, service, team, region, tags, assignee) and <c>change</c>.</summary>
    public required string Condition { get; set; }

    public List<RuleStep> Steps { get; set; } = [];
    public bool Enabled { get; set; }

    /// <summary>When it was last switched on: it fires on changes from then on, never on older ones.</summary>
    public DateTimeOffset? EnabledAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public int Version { get; set; }
}

/// <summary>One firing of a rule on one change of an incident: at most once, on any number of nodes.</summary>
public sealed class RuleFiring
{
    public long Id { get; set; }
    public int RuleId { get; set; }
    public long IncidentNumber { get; set; }

    /// <summary>The timeline entry of the change that fired it.</summary>
    public long TriggerEventId { get; set; }

    public DateTimeOffset At { get; set; }
    public required string Outcome { get; set; }
}

/// <summary>The pure rules of workflow rules: the actor name a rule's own changes carry, and the loop guards.</summary>
public static class WorkflowRules
{
    /// <summary>Firings of rules on one incident within <see cref="LoopWindow"/> beyond which rules stop (a loop between rules).</summary>
    public const int DepthLimit = 5;

    public static readonly TimeSpan LoopWindow = TimeSpan.FromMinutes(10);

    public const int MaxSteps = 10;

    /// <summary>The name a rule's changes are written under on the timeline: its own changes never fire it again.</summary>
    public static string Actor(string ruleName) => $"Rule: {ruleName}";

    public static bool IsOwnChange(string ruleName, string actorName) => string.Equals(actorName, Actor(ruleName), StringComparison.Ordinal);
}
