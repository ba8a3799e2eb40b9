namespace Portal.Shared.Runbooks;

/// <summary>
/// A runbook: Markdown with the services, alert classes and labels it applies to. <see cref="Revision"/> counts its
/// saved revisions; a save names the revision it was based on, so two people editing at once never overwrite each other.
/// </summary>
public sealed class Runbook
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }

    /// <summary>Service slugs.</summary>
    public List<string> Services { get; set; } = [];

    /// <summary>Alert classes (Events v2 <c>class</c>, Alertmanager <c>alertname</c>, CloudWatch alarm name), lowercase.</summary>
    public List<string> AlertClasses { get; set; } = [];

    /// <summary>Alert labels as "name=value", e.g. "job=invoice-worker".</summary>
    public List<string> Labels { get; set; } = [];

    public List<string> Tags { get; set; } = [];
    public int? OwnerTeamId { get; set; }
    public DateTimeOffset? LastReviewedAt { get; set; }
    public int? LastReviewedById { get; set; }
    public int ReviewIntervalDays { get; set; } = 90;
    public int Revision { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>One saved state of a runbook: who, why, and everything it said then.</summary>
public sealed class RunbookRevision
{
    public long Id { get; set; }
    public int RunbookId { get; set; }
    public int Number { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }

    /// <summary>The front matter of that state (services, classes, labels, tags, team, review interval) as YAML.</summary>
    public string? Metadata { get; set; }

    public int? AuthorId { get; set; }
    public required string AuthorName { get; set; }
    public string? Message { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>A slug a runbook had before it was renamed; links to it keep working.</summary>
public sealed class RunbookSlug
{
    public required string Slug { get; set; }
    public int RunbookId { get; set; }
}

public enum RunbookUse
{
    /// <summary>Opened from an incident's suggestions.</summary>
    Opened,
    Helpful,
    NotHelpful,
}

/// <summary>One use of a runbook during an incident.</summary>
public sealed class RunbookUsage
{
    public long Id { get; set; }
    public int RunbookId { get; set; }
    public long? IncidentNumber { get; set; }
    public int? PersonId { get; set; }
    public RunbookUse Kind { get; set; }
    public DateTimeOffset At { get; set; }
}
