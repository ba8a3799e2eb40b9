using Portal.Shared.Automation;

namespace Portal.Features.Automation;

/// <summary>An action as lists show it.</summary>
public sealed record ActionSummary(string Slug, string Name, string Description, ActionKind Kind, RiskTier Risk, int LatestVersion, int? PromotedVersion,
    bool Killed, int ErrorsInARow, int MaxErrors, IReadOnlyList<string> Services, int MinutesSaved);

/// <summary>One saved version: its definition, who made it, and whether and by whom it was promoted.</summary>
public sealed record ActionVersionView(int Number, ActionDefinition Definition, string CreatedBy, DateTimeOffset CreatedAt, string? PromotedBy, DateTimeOffset? PromotedAt);

/// <summary>An action with every version, newest first.</summary>
public sealed record ActionDetail(ActionSummary Action, IReadOnlyList<ActionVersionView> Versions);

/// <summary>A run as the timeline panel, the run list and the API show it.</summary>
public sealed record RunView(long Id, string ActionSlug, string ActionName, int ActionVersion, RunState State, string StateLabel, RunTrigger Trigger, bool DryRun,
    long? IncidentNumber, string? TargetService, IReadOnlyDictionary<string, string> Inputs, string RequestedBy, int? RequestedById, DateTimeOffset RequestedAt,
    string? ApprovedBy, DateTimeOffset? ApprovedAt, DateTimeOffset? DispatchedAt, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt, string? Runner,
    Guardrail? RefusedBy, string? Reason, string? Preview, string? Output, Verification Verification, DateTimeOffset? VerifyBy, long? RollbackOf);

/// <summary>What a person asks for: an action (by slug), its inputs, an incident for context, and whether only to preview.</summary>
public sealed record RunRequest(string Action, Dictionary<string, System.Text.Json.JsonElement>? Inputs = null, long? Incident = null, string? Service = null,
    bool DryRun = true);

/// <summary>A self-healing rule as the page and the API show and take it.</summary>
public sealed record HealingRuleView(int Id, string Name, int? IntegrationId, string? ServiceSlug, string? AlertClass, string Action,
    IReadOnlyDictionary<string, string> Inputs, bool Enabled);

/// <summary>The portal-wide switches.</summary>
public sealed record AutomationSwitches(bool GlobalKill, IReadOnlyList<FreezeWindow> Freezes, string? ActiveFreeze);

/// <summary>The signing secret as the API answers it (a named record: the build-time request delegates cannot name an anonymous type).</summary>
public sealed record SigningSecret(string Secret);
