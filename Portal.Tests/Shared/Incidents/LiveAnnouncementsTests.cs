using Portal.Shared.Incidents;

namespace Portal.Tests.Shared.Incidents;

public sealed class LiveAnnouncementsTests
{
    private static AnnouncedIncident Row(long n, IncidentStatus status = IncidentStatus.Triggered, Severity severity = Severity.SEV3, string? assignee = null) =>
        new(n, $"INC-{n}", $"Title {n}", severity, status, assignee);

    private static TimelineEntry Entry(TimelineEventKind kind, string actor) => new(1, kind, actor, DateTimeOffset.UnixEpoch, "text", null, null);

    [Fact]
    public void NothingChangedSaysNothing()
    {
        Assert.Null(LiveAnnouncements.ForQueue([Row(1), Row(2)], [Row(1), Row(2)]));
        Assert.Null(LiveAnnouncements.ForIncident(Row(1), Row(1), []));
    }

    [Fact]
    public void TheQueueNamesWhatArrivedChangedAndLeft()
    {
        var said = LiveAnnouncements.ForQueue(
            [Row(1), Row(2, assignee: "Ana Ortiz")],
            [Row(3, severity: Severity.SEV1), Row(2, IncidentStatus.Acknowledged, assignee: null)]);
        Assert.Equal("INC-3 opened: SEV1, Title 3. INC-2 is now Acknowledged and is unassigned. INC-1 left this view.", said);
    }

    [Fact]
    public void AnIncidentThatArrivesAlreadyWorkedIsNotCalledOpened() =>
        Assert.Equal("INC-9 arrived: SEV3, Title 9.", LiveAnnouncements.ForQueue([], [Row(9, IncidentStatus.Acknowledged)]));

    [Fact]
    public void AStormIsCountedNotRead()
    {
        var said = LiveAnnouncements.ForQueue([], [.. Enumerable.Range(1, 7).Select(n => Row(n))]);
        Assert.Equal("INC-1 opened: SEV3, Title 1. INC-2 opened: SEV3, Title 2. INC-3 opened: SEV3, Title 3. And 4 more changes.", said);
        Assert.EndsWith("And 1 more change.", LiveAnnouncements.ForQueue([], [.. Enumerable.Range(1, 4).Select(n => Row(n))]), StringComparison.Ordinal);
    }

    [Fact]
    public void AnIncidentSaysItsChangeAndWhoCommentedAndCountsTheRest()
    {
        Assert.Equal("INC-1 is now Mitigated and is assigned to Ken Ito. Comment from ken.ito.",
            LiveAnnouncements.ForIncident(Row(1), Row(1, IncidentStatus.Mitigated, assignee: "Ken Ito"), [Entry(TimelineEventKind.Comment, "ken.ito"), Entry(TimelineEventKind.StatusChanged, "ken.ito")]));
        Assert.Equal("2 new timeline entries.", LiveAnnouncements.ForIncident(Row(1), Row(1), [Entry(TimelineEventKind.AlertTriggered, "monitor"), Entry(TimelineEventKind.AlertTriggered, "monitor")]));
        Assert.Equal("Stakeholder update from ana.", LiveAnnouncements.ForIncident(Row(1), Row(1), [Entry(TimelineEventKind.StakeholderUpdate, "ana")]));
    }
}
