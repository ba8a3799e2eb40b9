using Portal.Shared.Incidents;

namespace Portal.Tests.Shared.Incidents;

public class TimelineFoldingTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static TimelineEntry Fired(int minute, string key = "k1", string monitor = "Prometheus") =>
        new(minute, TimelineEventKind.AlertTriggered, monitor, T.AddMinutes(minute), "queue backlog", key, null);

    [Fact]
    public void ARunOfTheSameAlertFiringFoldsIntoItsFirstLine()
    {
        var lines = TimelineFolding.Fold([Fired(0), Fired(1), Fired(2), Fired(3)]);

        var line = Assert.Single(lines);
        Assert.Equal((0L, 3, T.AddMinutes(3)), (line.Entry.Id, line.MoreTimes, line.LastAt));
    }

    [Fact]
    public void OtherAlertsOtherMonitorsAndOtherEntriesBreakTheRun()
    {
        var comment = new TimelineEntry(9, TimelineEventKind.Comment, "Akira Sato", T.AddMinutes(2), "looking", null, null);

        var lines = TimelineFolding.Fold([Fired(0), Fired(1, key: "k2"), Fired(2, monitor: "CloudWatch"), Fired(3, monitor: "CloudWatch"), comment, Fired(4, monitor: "CloudWatch")]);

        Assert.Equal([0, 0, 1, 0, 0], lines.Select(l => l.MoreTimes));
        Assert.Equal([0L, 1, 2, 9, 4], lines.Select(l => l.Entry.Id));
    }

    [Fact]
    public void PagesBetweenFiringsStayOnTheirOwnLinesWithoutBreakingTheRun()
    {
        var paged = new TimelineEntry(7, TimelineEventKind.Paged, "Escalation", T.AddMinutes(0), "Level 1 paged Akira Sato", null, null);

        var lines = TimelineFolding.Fold([Fired(0), paged, Fired(1), Fired(2)]);

        Assert.Equal([0L, 7], lines.Select(l => l.Entry.Id));
        Assert.Equal(2, lines[0].MoreTimes);
    }

    [Fact]
    public void NothingToFoldLeavesTheTimelineAsItIs() =>
        Assert.Empty(TimelineFolding.Fold([]));
}
