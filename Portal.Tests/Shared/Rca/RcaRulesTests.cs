using Portal.Shared.Incidents;
using Portal.Shared.Rca;

namespace Portal.Tests.Shared.Rca;

public class RcaRulesTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 16, 2, 0, 0, TimeSpan.Zero); // a Monday, 02:00 UTC

    private static Incident Scripted() => new()
    {
        Number = 42, Title = "Payments down in EU", Severity = Severity.SEV1, TriggeredAt = T.AddMinutes(6), AcknowledgedAt = T.AddMinutes(9),
        MitigatedAt = T.AddMinutes(41), ResolvedAt = T.AddMinutes(95), ResolutionNote = "Rolled back the gateway client.",
    };

    [Fact]
    public void TheTimelineIsDraftedFromTheIncidentsHistoryWithItsDurations()
    {
        var events = new List<TimelineEvent>
        {
            new() { IncidentNumber = 42, Kind = TimelineEventKind.Created, ActorName = "Payments synthetics", At = T.AddMinutes(6), Text = "Payments down in EU" },
            new() { IncidentNumber = 42, Kind = TimelineEventKind.Comment, ActorName = "Akira Sato", At = T.AddMinutes(12), Text = "looking" },
            new() { IncidentNumber = 42, Kind = TimelineEventKind.CommanderSet, ActorName = "Akira Sato", At = T.AddMinutes(14), To = "Lea Martin" },
            new() { IncidentNumber = 42, Kind = TimelineEventKind.StakeholderUpdate, ActorName = "Lea Martin", At = T.AddMinutes(20), Text = "Card payments fail in EU.\nNext update 02:50." },
            new() { IncidentNumber = 42, Kind = TimelineEventKind.SlaBreached, ActorName = "SLA monitor", At = T.AddMinutes(36), To = "Mitigate" },
        };

        var (entries, durations) = RcaRules.DraftTimeline([Scripted()], events, firstAlertAt: T);

        Assert.Equal(
            [
                (T, "First alert fired: impact began.", (string?)null),
                (T.AddMinutes(6), "INC-42 opened (SEV1): Payments down in EU", "detected"),
                (T.AddMinutes(9), "INC-42 acknowledged.", "acknowledged"),
                (T.AddMinutes(14), "Lea Martin became incident commander of INC-42.", null),
                (T.AddMinutes(20), "Stakeholder update on INC-42: Card payments fail in EU.", null),
                (T.AddMinutes(36), "INC-42: mitigate target missed.", null),
                (T.AddMinutes(41), "INC-42 mitigated.", "mitigated"),
                (T.AddMinutes(95), "INC-42 resolved: Rolled back the gateway client.", "resolved"),
            ],
            entries.Select(e => (e.At, e.Text, e.Milestone)));
        Assert.Equal(new RcaDurations(TimeSpan.FromMinutes(6), TimeSpan.FromMinutes(9), TimeSpan.FromMinutes(41), TimeSpan.FromMinutes(95)), durations);
    }

    [Fact]
    public void WithoutAnEarlierAlertDetectionIsWhenTheIncidentOpened()
    {
        var (entries, durations) = RcaRules.DraftTimeline([Scripted()], [], firstAlertAt: null);
        Assert.Equal("detected", entries[0].Milestone);
        Assert.Equal(TimeSpan.Zero, durations.Detect);
        Assert.Equal(TimeSpan.FromMinutes(89), durations.Resolve);
    }

    [Theory]
    [InlineData(Severity.SEV1, "2026-11-20T10:00:00Z", "2026-11-27T10:00:00Z")] // Friday + 5 business days
    [InlineData(Severity.SEV2, "2026-11-16T10:00:00Z", "2026-11-30T10:00:00Z")] // Monday + 10 business days
    [InlineData(Severity.SEV1, "2026-11-21T10:00:00Z", "2026-11-27T10:00:00Z")] // resolved on a Saturday
    public void AnRcaIsDueInBusinessDaysAfterResolution(Severity severity, string resolved, string due) =>
        Assert.Equal(DateTimeOffset.Parse(due, System.Globalization.CultureInfo.InvariantCulture),
            RcaRules.DueAt(severity, DateTimeOffset.Parse(resolved, System.Globalization.CultureInfo.InvariantCulture)));

    [Fact]
    public void LowerSeveritiesAndOpenIncidentsHaveNoDueDate()
    {
        Assert.Null(RcaRules.DueAt(Severity.SEV3, T));
        Assert.Null(RcaRules.DueAt(Severity.SEV1, null));
    }

    [Fact]
    public void EveryEmptyRequiredSectionIsNamed()
    {
        var empty = new RcaDocument { Title = "x" };
        Assert.Equal(["Summary", "Customer impact (advertisers or revenue, and duration)", "Timeline", "5 Whys", "Root-cause category", "Lessons learned", "Action items"],
            RcaRules.MissingSections(empty, 0));
        var full = new RcaDocument
        {
            Title = "x", Summary = "s", AdvertisersAffected = 10, ImpactMinutes = 30, Timeline = [new() { At = T, Text = "t" }],
            Whys = [new() { Question = "Why?", Answer = "Because." }], RootCause = RootCauseCategory.CodeChange, Lessons = "l",
        };
        Assert.Empty(RcaRules.MissingSections(full, 1));
    }

    [Theory]
    [InlineData(RcaState.Draft, RcaAction.Submit, true, false, false, null)]
    [InlineData(RcaState.Draft, RcaAction.Submit, false, true, false, RcaRefusal.NotAllowed)]
    [InlineData(RcaState.InReview, RcaAction.Submit, true, false, false, RcaRefusal.WrongState)]
    [InlineData(RcaState.InReview, RcaAction.Approve, false, true, false, null)]
    [InlineData(RcaState.InReview, RcaAction.Approve, true, true, true, RcaRefusal.NotAllowed)]
    [InlineData(RcaState.InReview, RcaAction.Approve, false, false, true, RcaRefusal.NotAllowed)]
    [InlineData(RcaState.InReview, RcaAction.RequestChanges, false, true, false, null)]
    [InlineData(RcaState.Draft, RcaAction.Approve, false, true, false, RcaRefusal.WrongState)]
    [InlineData(RcaState.Approved, RcaAction.Publish, true, false, false, null)]
    [InlineData(RcaState.Approved, RcaAction.Publish, false, false, false, RcaRefusal.NotAllowed)]
    [InlineData(RcaState.InReview, RcaAction.Publish, true, false, false, RcaRefusal.WrongState)]
    public void TheWorkflowAllowsEachStepOnlyToWhoMayTakeIt(RcaState state, RcaAction action, bool author, bool reviewer, bool manager, RcaRefusal? expected) =>
        Assert.Equal(expected, RcaRules.WhyNot(state, action, author, reviewer, manager, [], 1)?.Kind);

    [Fact]
    public void SubmittingIncompleteOrWithoutReviewersIsRefusedWithTheReason()
    {
        Assert.Equal(("Fill these sections first: Summary, Lessons learned.", RcaRefusal.Incomplete), RcaRules.WhyNot(RcaState.Draft, RcaAction.Submit, true, false, false, ["Summary", "Lessons learned"], 1));
        Assert.Equal(RcaRefusal.Incomplete, RcaRules.WhyNot(RcaState.Draft, RcaAction.Submit, true, false, false, [], 0)?.Kind);
    }

    [Fact]
    public void ARecurrenceCountsAsAfterTheFixOnlyOnceEveryPreventActionIsClosed()
    {
        ActionItem Item(ActionKind kind, DateTimeOffset? closed) => new()
        {
            Title = "x", Kind = kind, Status = closed is null ? ActionStatus.Open : ActionStatus.Closed, ClosedAt = closed,
        };
        Assert.False(RcaRules.RecurredAfterFix([Item(ActionKind.Prevent, T), Item(ActionKind.Prevent, null)], T.AddDays(3)));
        Assert.False(RcaRules.RecurredAfterFix([Item(ActionKind.Prevent, T), Item(ActionKind.Prevent, T.AddDays(2))], T.AddDays(1)));
        Assert.True(RcaRules.RecurredAfterFix([Item(ActionKind.Prevent, T), Item(ActionKind.Detect, null)], T.AddDays(1)));
        Assert.False(RcaRules.RecurredAfterFix([Item(ActionKind.Detect, T)], T.AddDays(1)));
    }
}
