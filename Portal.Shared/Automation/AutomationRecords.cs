namespace Portal.Shared.Automation;

/// <summary>An action in the catalogue: its versions, which one an admin promoted, its kill switch and its error count.</summary>
public sealed class AutomationAction
{
    public int Id { get; set; }

    /// <summary>The stable name scripts, rules, runbook steps and files use: "restart-invoice-renderer".</summary>
    public required string Slug { get; set; }

    /// <summary>The latest version's name, for lists.</summary>
    public required string Name { get; set; }

    public int LatestVersion { get; set; }

    /// <summary>The version that runs for real; null until an admin promotes one. Any other runs only as a dry-run.</summary>
    public int? PromotedVersion { get; set; }

    public bool Killed { get; set; }

    /// <summary>Failed runs in a row; the error budget stops the action at its limit until someone resets it.</summary>
    public int ErrorsInARow { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }

    /// <summary>Optimistic concurrency: two editors, or a promote racing an edit, never both win.</summary>
    public int Version { get; set; }
}

/// <summary>One saved version of an action: never changed after saving, except for its promotion.</summary>
public sealed class ActionVersion
{
    public int Id { get; set; }
    public int ActionId { get; set; }
    public int Number { get; set; }
    public ActionDefinition Definition { get; set; } = new();
    public required string CreatedBy { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public string? PromotedBy { get; set; }
    public DateTimeOffset? PromotedAt { get; set; }
}

/// <summary>Whether a run's verify step has held.</summary>
public enum Verification
{
    NotAsked,
    Pending,
    Verified,
    NotVerified,
}

/// <summary>One run of an action, from the request to its verification; every change of it is on the timeline and in the audit log.</summary>
public sealed class ActionRun
{
    public long Id { get; set; }
    public int ActionId { get; set; }
    public required string ActionSlug { get; set; }

    /// <summary>The version asked for: the run does exactly what that version says.</summary>
    public int ActionVersion { get; set; }

    public RunState State { get; set; }
    public RunTrigger Trigger { get; set; }
    public bool DryRun { get; set; }
    public long? IncidentNumber { get; set; }
    public string? TargetService { get; set; }

    /// <summary>The validated inputs as text, by name.</summary>
    public Dictionary<string, string> Inputs { get; set; } = [];

    public int? RequestedById { get; set; }
    public required string RequestedBy { get; set; }
    public DateTimeOffset RequestedAt { get; set; }
    public int? ApprovedById { get; set; }
    public string? ApprovedBy { get; set; }
    public DateTimeOffset? ApprovedAt { get; set; }
    public DateTimeOffset? DispatchedAt { get; set; }
    public DateTimeOffset? StartedAt { get; set; }
    public DateTimeOffset? FinishedAt { get; set; }

    /// <summary>Until when the runner (or the portal's sender) holds the run; past it, the run is lost.</summary>
    public DateTimeOffset? LeaseUntil { get; set; }

    public string? Runner { get; set; }

    /// <summary>Sent with every request and job, so a receiver that sees it twice acts once.</summary>
    public required string IdempotencyKey { get; set; }

    /// <summary>The guardrail that refused the run, by name.</summary>
    public Guardrail? RefusedBy { get; set; }

    /// <summary>Why it was refused, failed, cancelled or lost, in words.</summary>
    public string? Reason { get; set; }

    /// <summary>Exactly what the run sends or executes (a dry-run's whole result), secrets left out.</summary>
    public string? Preview { get; set; }

    /// <summary>What came back, redacted and cut (<see cref="RunOutput"/>).</summary>
    public string? Output { get; set; }

    public Verification Verification { get; set; }
    public DateTimeOffset? VerifyBy { get; set; }

    /// <summary>The run this one rolls back.</summary>
    public long? RollbackOf { get; set; }

    public int? HealingRuleId { get; set; }

    /// <summary>The alert whose firing started a self-healing run: one run per firing, on any number of nodes.</summary>
    public long? AlertId { get; set; }

    /// <summary>Optimistic concurrency: one node claims a run, one approver approves it.</summary>
    public int Version { get; set; }
}

/// <summary>Self-healing: when an alert of this integration, service or class fires, run this promoted low-risk action.</summary>
public sealed class HealingRule
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public int? IntegrationId { get; set; }
    public string? ServiceSlug { get; set; }

    /// <summary>The alert's class (Events v2 payload.class) or Alertmanager alertname.</summary>
    public string? AlertClass { get; set; }

    public int ActionId { get; set; }
    public Dictionary<string, string> Inputs { get; set; } = [];
    public bool Enabled { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The portal-wide switches of automation: one row.</summary>
public sealed class AutomationSettings
{
    public int Id { get; set; }
    public bool GlobalKill { get; set; }
    public List<FreezeWindow> Freezes { get; set; } = [];

    /// <summary>The HMAC secret HTTP actions are signed with, made on first use unless configured.</summary>
    public string? SigningSecret { get; set; }

    public int Version { get; set; }
}

/// <summary>A runner's credential: shown once, stored hashed for sign-in and protected for signing its jobs; revocable.</summary>
public sealed class RunnerToken
{
    public int Id { get; set; }
    public required string Name { get; set; }
    public required string TokenHash { get; set; }

    /// <summary>The token, encrypted at rest (data protection): the key each job sent to this runner is signed with.</summary>
    public required string ProtectedSecret { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }
    public DateTimeOffset? LastSeenAt { get; set; }
}
