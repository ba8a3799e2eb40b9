using Portal.Shared;
using Portal.Shared.Runbooks;
using MaxLengthAttribute = System.ComponentModel.DataAnnotations.MaxLengthAttribute;

namespace Portal.Features.Runbooks;

/// <summary>A runbook as written: what <c>POST</c>/<c>PUT /api/runbooks</c> take. <see cref="BaseRevision"/> is the revision an edit started from.</summary>
public sealed record RunbookDocument(
    string? Title, string? Slug, [property: MultiLine, MaxLength(RunbookRules.MaxBody)] string? Body, List<string>? Services = null, List<string>? AlertClasses = null, List<string>? Labels = null,
    List<string>? Tags = null, string? Team = null, int? ReviewIntervalDays = null, int? BaseRevision = null, [property: MultiLine] string? Message = null);

public sealed record RunbookSummary(
    int Id, string Slug, string Title, List<string> Services, List<string> Tags, string? Team, DateTimeOffset? LastReviewedAt, bool Stale, int Revision,
    string? Snippet = null);

public sealed record TocEntry(int Level, string Text, string Anchor);

/// <summary>A runbook to read: Markdown, safe HTML, contents, steps, review state, and how it has been used.</summary>
public sealed record RunbookView(
    int Id, string Slug, string Title, string Body, string Html, List<TocEntry> Contents, List<RunbookStep> Steps,
    List<string> Services, List<string> AlertClasses, List<string> Labels, List<string> Tags, string? Team, int ReviewIntervalDays,
    DateTimeOffset? LastReviewedAt, string? LastReviewedBy, bool Stale, int Revision, DateTimeOffset UpdatedAt,
    int OpenedFromIncidents, int Helpful, int NotHelpful);

public sealed record RevisionView(int Number, string Title, string AuthorName, string? Message, DateTimeOffset CreatedAt);

public enum DiffKind
{
    Same,
    Added,
    Removed,
}

public sealed record DiffLine(DiffKind Kind, int? Old, int? New, string Text);

/// <summary>A runbook a page suggests for an incident, with why.</summary>
public sealed record RunbookSuggestion(string Slug, string Title, int Score, List<string> Reasons, bool Stale, RunbookCitation? Citation = null);

/// <summary>The section of a runbook that matched an incident by meaning, and the sentence of it that matched best.</summary>
public sealed record RunbookCitation(string Section, string Quote, double Similarity);

/// <summary>A semantic match of an incident to runbook sections (the intelligence module provides one; Runbooks names no module).</summary>
public sealed record RunbookMatch(int RunbookId, RunbookCitation Citation);

/// <summary>Finds the runbook sections closest in meaning to an incident; registered by another module, used by the suggestions.</summary>
public interface IRunbookMatcher
{
    Task<IReadOnlyList<RunbookMatch>> MatchAsync(long incident, CancellationToken cancellationToken);
}

/// <summary>Someone saved the runbook since the edit began: nothing was written; here is what they changed.</summary>
public sealed class RunbookConflictException(string message, int current, List<DiffLine> theirChanges) : ConflictException(message)
{
    public int CurrentRevision { get; } = current;
    public List<DiffLine> TheirChanges { get; } = theirChanges;

    public override string Title => "Someone saved this runbook first.";

    public override IReadOnlyDictionary<string, object?> Details => new Dictionary<string, object?>
    {
        ["currentRevision"] = CurrentRevision, ["theirChanges"] = TheirChanges,
    };
}
