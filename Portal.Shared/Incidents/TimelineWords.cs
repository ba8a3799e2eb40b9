namespace Portal.Shared.Incidents;

/// <summary>A timeline entry in a few words, as the incident page, drafts and summaries say it (an alert's text is its own).</summary>
public static class TimelineWords
{
    public static string What(TimelineEntry entry) => entry.Kind switch
    {
        TimelineEventKind.Paged => "Paged",
        TimelineEventKind.Escalated => "Escalated",
        TimelineEventKind.RunbookStep => entry.To?.EndsWith(":done", StringComparison.Ordinal) == true ? "Runbook step done" : "Runbook step undone",
        TimelineEventKind.Created => $"Opened as {entry.To}",
        TimelineEventKind.Acknowledged => "Acknowledged",
        TimelineEventKind.Assigned => entry.To is null ? "Unassigned" : $"Assigned to {entry.To}",
        TimelineEventKind.SeverityChanged => $"Severity {entry.From} → {entry.To}",
        TimelineEventKind.StatusChanged => $"{entry.From} → {entry.To}",
        TimelineEventKind.CommanderSet => entry.To is null ? "Commander removed" : $"Commander: {entry.To}",
        TimelineEventKind.Rerouted => $"Moved {entry.From} → {entry.To}",
        TimelineEventKind.Comment => "Comment",
        TimelineEventKind.StakeholderUpdate => "Stakeholder update",
        TimelineEventKind.AlertTriggered => "Alert fired",
        TimelineEventKind.AlertAcknowledged => "Alert acknowledged",
        TimelineEventKind.AlertResolved => "Alert resolved",
        TimelineEventKind.Merged => entry.To is { } survivor ? $"Merged into {survivor}" : $"{entry.From} merged in",
        TimelineEventKind.Unmerged => "Unmerged",
        TimelineEventKind.Automation => $"Automation: {entry.From} {entry.To}",
        _ => $"SLA breached ({entry.To})",
    };

    /// <summary>Whether the entry's text belongs in its headline (an alert's summary) rather than below it.</summary>
    public static bool TextInHeadline(TimelineEventKind kind) =>
        kind is TimelineEventKind.AlertTriggered or TimelineEventKind.AlertAcknowledged or TimelineEventKind.AlertResolved;
}
