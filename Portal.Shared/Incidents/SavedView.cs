namespace Portal.Shared.Incidents;

/// <summary>A person's named queue view: the queue's address with its filters ("/incidents?severity=SEV1,SEV2&amp;region=EU").</summary>
public sealed class SavedView
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public required string Name { get; set; }
    public required string Url { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}
