using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

/// <summary>A timeline line as the page shows it: an entry, and how many identical alert firings right after it fold into it.</summary>
public sealed record TimelineLine(TimelineEntry Entry, int MoreTimes, DateTimeOffset LastAt);

public static class TimelineFolding
{
    /// <summary>
    /// Folds runs of the same alert firing again (same alert, same monitor, nothing else between) into their first
    /// line: "fired 37 more times". Every other entry stands alone.
    /// </summary>
    public static IReadOnlyList<TimelineLine> Fold(IReadOnlyList<TimelineEntry> entries)
    {
        var lines = new List<TimelineLine>();
        foreach (var entry in entries)
        {
            if (entry.Kind == TimelineEventKind.AlertTriggered && lines.Count > 0 && lines[^1] is { } previous
                && previous.Entry.Kind == TimelineEventKind.AlertTriggered && previous.Entry.From == entry.From && previous.Entry.Actor == entry.Actor)
            {
                lines[^1] = previous with { MoreTimes = previous.MoreTimes + 1, LastAt = entry.At };
                continue;
            }
            lines.Add(new TimelineLine(entry, 0, entry.At));
        }
        return lines;
    }
}
