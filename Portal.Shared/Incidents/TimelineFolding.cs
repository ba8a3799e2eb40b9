namespace Portal.Shared.Incidents;

/// <summary>One entry of an incident's timeline as pages and the API show it.</summary>
public sealed record TimelineEntry(long Id, TimelineEventKind Kind, string Actor, DateTimeOffset At, string? Text, string? From, string? To);

/// <summary>A timeline line as the page shows it: an entry, and how many identical alert firings right after it fold into it.</summary>
public sealed record TimelineLine(TimelineEntry Entry, int MoreTimes, DateTimeOffset LastAt);

public static class TimelineFolding
{
    /// <summary>
    /// Folds runs of the same alert firing again (same alert, same monitor, nothing but pages and escalations between)
    /// into their first line: "fired 37 more times". Every other entry stands alone.
    /// </summary>
    public static IReadOnlyList<TimelineLine> Fold(IReadOnlyList<TimelineEntry> entries)
    {
        var lines = new List<TimelineLine>();
        foreach (var entry in entries)
        {
            if (entry.Kind == TimelineEventKind.AlertTriggered && LastFiring(lines) is var at and >= 0 && lines[at] is { } previous
                && previous.Entry.From == entry.From && previous.Entry.Actor == entry.Actor)
            {
                lines[at] = previous with { MoreTimes = previous.MoreTimes + 1, LastAt = entry.At };
                continue;
            }
            lines.Add(new TimelineLine(entry, 0, entry.At));
        }
        return lines;
    }

    /// <summary>The line of the latest firing, looking back past pages and escalations (the escalator's, not people's); -1 when none.</summary>
    private static int LastFiring(List<TimelineLine> lines)
    {
        for (var i = lines.Count - 1; i >= 0; i--)
        {
            switch (lines[i].Entry.Kind)
            {
                case TimelineEventKind.AlertTriggered:
                    return i;
                case TimelineEventKind.Paged or TimelineEventKind.Escalated:
                    continue;
                default:
                    return -1;
            }
        }
        return -1;
    }
}
