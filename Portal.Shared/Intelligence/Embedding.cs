namespace Portal.Shared.Intelligence;

/// <summary>
/// A record's embedding: which kind and record, the model that made it, the fingerprint of the text it was made from,
/// and the vector. Made again when the text or the model changes.
/// </summary>
public sealed class Embedding
{
    public const string Incident = "incident";
    public const string Case = "case";

    /// <summary>A runbook's section: the record id is <see cref="RunbookSections.RecordId"/>.</summary>
    public const string RunbookSection = "runbook";

    public required string Kind { get; set; }
    public long RecordId { get; set; }
    public required string Model { get; set; }
    public required string TextHash { get; set; }
    public required byte[] Vector { get; set; }

    /// <summary>The latest change among what the text was read from (the record, its notes, its RCA): newer ones make it stale.</summary>
    public DateTimeOffset SourceAt { get; set; }

    /// <summary>When this row was last written: how each node's index catches up.</summary>
    public DateTimeOffset UpdatedAt { get; set; }
}
