namespace Portal.Shared.Incidents;

/// <summary>A person's named queue view: the queue's address with its filters ("/incidents?severity=SEV1,SEV2&amp;region=EU").</summary>
public sealed class SavedView
{
    public int Id { get; set; }
    public int PersonId { get; set; }

    /// <summary>Which queue it belongs to, <see cref="SavedViewQueues"/>: names are unique per person and queue.</summary>
    public string Queue { get; set; } = SavedViewQueues.Incidents;

    public required string Name { get; set; }
    public required string Url { get; set; }
    public DateTimeOffset CreatedAt { get; set; }
}

/// <summary>The queues views are saved for; each view's address starts with "/" and its queue.</summary>
public static class SavedViewQueues
{
    public const string Incidents = "incidents";
    public const string Cases = "cases";

    public static bool IsKnown(string? queue) => queue is Incidents or Cases;

    /// <summary>Whether the address is a page of that queue (a view only ever navigates within the portal's own queue).</summary>
    public static bool Belongs(string queue, string url) =>
        url == "/" + queue || url.StartsWith("/" + queue + "?", StringComparison.Ordinal);
}
