namespace Portal.Shared.Incidents;

/// <summary>An incident as a live announcement speaks of it: the queue's row, or the incident page's header.</summary>
public sealed record AnnouncedIncident(long Number, string Key, string Title, Severity Severity, IncidentStatus Status, string? AssigneeName);

/// <summary>
/// What a screen reader is told, politely (<c>aria-live="polite"</c>), when a live change redraws the queue or an incident:
/// one short sentence, never a list of everything, so that it does not drown the person's own work.
/// </summary>
public static class LiveAnnouncements
{
    /// <summary>At most this many incidents are named; the rest are counted.</summary>
    public const int MaxNamed = 3;

    /// <summary>The queue's rows before and after a live reload: which arrived, which changed, which left the view; null when nothing did.</summary>
    public static string? ForQueue(IReadOnlyList<AnnouncedIncident> before, IReadOnlyList<AnnouncedIncident> after)
    {
        var was = before.ToDictionary(r => r.Number);
        var now = after.Select(r => r.Number).ToHashSet();
        var parts = new List<string>();
        foreach (var row in after)
        {
            if (!was.TryGetValue(row.Number, out var old))
            {
                parts.Add($"{row.Key} {(row.Status == IncidentStatus.Triggered ? "opened" : "arrived")}: {row.Severity}, {row.Title}");
            }
            else if (Describe(old, row) is { } change)
            {
                parts.Add($"{row.Key} {change}");
            }
        }
        parts.AddRange(before.Where(r => !now.Contains(r.Number)).Select(r => $"{r.Key} left this view"));
        return Join(parts);
    }

    /// <summary>The incident before and after a live reload, and the timeline entries that came with it.</summary>
    public static string? ForIncident(AnnouncedIncident before, AnnouncedIncident after, IReadOnlyList<TimelineEntry> newEntries)
    {
        var parts = new List<string>();
        if (Describe(before, after) is { } change)
        {
            parts.Add($"{after.Key} {change}");
        }
        var comments = newEntries.Where(e => e.Kind is TimelineEventKind.Comment or TimelineEventKind.StakeholderUpdate).ToList();
        parts.AddRange(comments.Select(c => $"{(c.Kind == TimelineEventKind.Comment ? "Comment" : "Stakeholder update")} from {c.Actor}"));
        var others = newEntries.Count - comments.Count;
        if (parts.Count == 0 && others > 0)
        {
            parts.Add(others == 1 ? "1 new timeline entry" : $"{others} new timeline entries");
        }
        return Join(parts);
    }

    private static string? Describe(AnnouncedIncident old, AnnouncedIncident now)
    {
        var changes = new List<string>();
        if (old.Status != now.Status)
        {
            changes.Add($"is now {now.Status}");
        }
        if (old.Severity != now.Severity)
        {
            changes.Add($"is now {now.Severity}");
        }
        if (old.AssigneeName != now.AssigneeName)
        {
            changes.Add(now.AssigneeName is { } who ? $"is assigned to {who}" : "is unassigned");
        }
        return changes.Count == 0 ? null : string.Join(" and ", changes);
    }

    private static string? Join(List<string> parts) => parts.Count switch
    {
        0 => null,
        <= MaxNamed => string.Join(". ", parts) + ".",
        _ => string.Join(". ", parts.Take(MaxNamed)) + $". And {parts.Count - MaxNamed} more {(parts.Count - MaxNamed == 1 ? "change" : "changes")}.",
    };
}
