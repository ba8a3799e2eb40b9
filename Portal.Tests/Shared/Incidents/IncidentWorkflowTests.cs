using Portal.Shared.Incidents;

namespace Portal.Tests.Shared.Incidents;

public class IncidentWorkflowTests
{
    private static readonly DateTimeOffset T0 = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
    private static readonly SlaTargets Sev1 = SlaTargets.DefaultFor(Severity.SEV1);
    private static readonly IncidentActor Akira = new(7, "Akira Sato");
    private static readonly IncidentActor Monitor = IncidentActor.Monitor("Payments Alertmanager");

    private static Incident Opened(IncidentActor by, DateTimeOffset at, out List<TimelineEvent> events)
    {
        var incident = new Incident { Number = 42, Title = "Card declines in JP", Severity = Severity.SEV1 };
        events = IncidentWorkflow.Open(incident, by, at);
        return incident;
    }

    [Fact]
    public void OpeningStampsTheTimesAndWritesCreatedAndAssignedAtVersionOne()
    {
        var incident = new Incident { Number = 42, Title = "Card declines in JP", Severity = Severity.SEV2 };
        var events = IncidentWorkflow.Open(incident, Akira, T0, assigneeName: "Mia Chen");
        Assert.Equal((T0, T0, IncidentStatus.Triggered), (incident.TriggeredAt, incident.UpdatedAt, incident.Status));
        Assert.Equal([TimelineEventKind.Created, TimelineEventKind.Assigned], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal((1, 7, "Akira Sato"), (e.IncidentVersion, e.ActorId!.Value, e.ActorName)));
        Assert.Equal(("Card declines in JP", "SEV2"), (events[0].Text, events[0].To));
        Assert.Equal("Mia Chen", events[1].To);
    }

    [Fact]
    public void APersonAcknowledgingAnUnassignedIncidentOwnsItAndTheVersionGoesUpOnce()
    {
        var incident = Opened(Akira, T0, out _);
        var events = IncidentWorkflow.Step(incident, IncidentAction.Acknowledge, Akira, Sev1, T0.AddMinutes(2));
        Assert.Equal((IncidentStatus.Acknowledged, T0.AddMinutes(2), 7), (incident.Status, incident.AcknowledgedAt!.Value, incident.AssigneeId!.Value));
        Assert.Equal([TimelineEventKind.Acknowledged, TimelineEventKind.Assigned], events.Select(e => e.Kind));
        Assert.Equal(2, incident.Version);
        Assert.All(events, e => Assert.Equal(2, e.IncidentVersion));
    }

    [Fact]
    public void AMonitorAcknowledgesOnlyATriggeredIncidentAndNeverAssignsMitigatesOrReopens()
    {
        var incident = Opened(Monitor, T0, out _);
        var events = IncidentWorkflow.Step(incident, IncidentAction.Acknowledge, Monitor, Sev1, T0.AddMinutes(1));
        Assert.Null(incident.AssigneeId);
        Assert.Equal(TimelineEventKind.Acknowledged, Assert.Single(events).Kind);
        Assert.Null(events[0].ActorId);

        Assert.NotNull(IncidentWorkflow.WhyNot(incident, IncidentAction.Acknowledge, Monitor));
        Assert.NotNull(IncidentWorkflow.WhyNot(incident, IncidentAction.Mitigate, Monitor));
        Assert.Null(IncidentWorkflow.WhyNot(incident, IncidentAction.Mitigate, Akira));
        IncidentWorkflow.Step(incident, IncidentAction.Resolve, Monitor, Sev1, T0.AddMinutes(3), "Every alert of this incident resolved.");
        Assert.NotNull(IncidentWorkflow.WhyNot(incident, IncidentAction.Reopen, Monitor));
        Assert.Null(IncidentWorkflow.WhyNot(incident, IncidentAction.Reopen, Akira));
    }

    [Fact]
    public void AStepTheWorkflowRefusesIsNeverTaken()
    {
        var incident = Opened(Akira, T0, out _);
        IncidentWorkflow.Step(incident, IncidentAction.Resolve, Akira, Sev1, T0.AddMinutes(1), "Fixed.");
        Assert.Equal("INC-42 is resolved; reopen it first.", IncidentWorkflow.WhyNot(incident, IncidentAction.Acknowledge, Akira));
        Assert.Throws<InvalidOperationException>(() => IncidentWorkflow.Step(incident, IncidentAction.Acknowledge, Akira, Sev1, T0.AddMinutes(2)));
        Assert.Equal(IncidentStatus.Resolved, incident.Status);
    }

    [Fact]
    public void ResolvingNeedsANoteAndNoNoteIsLongerThanTheLimit()
    {
        Assert.NotNull(IncidentWorkflow.NoteProblem(IncidentAction.Resolve, "  "));
        Assert.Null(IncidentWorkflow.NoteProblem(IncidentAction.Resolve, "Rolled back."));
        Assert.Null(IncidentWorkflow.NoteProblem(IncidentAction.Mitigate, null));
        Assert.NotNull(IncidentWorkflow.NoteProblem(IncidentAction.Mitigate, new string('x', IncidentWorkflow.MaxText + 1)));
    }

    [Fact]
    public void ReopeningRestartsTheClocksFromTheReopen()
    {
        var incident = Opened(Akira, T0, out _);
        IncidentWorkflow.Step(incident, IncidentAction.Mitigate, Akira, Sev1, T0.AddMinutes(2));
        IncidentWorkflow.Step(incident, IncidentAction.Resolve, Akira, Sev1, T0.AddMinutes(10), "Rolled back.");

        var reopenedAt = T0.AddHours(3);
        var events = IncidentWorkflow.Step(incident, IncidentAction.Reopen, Akira, Sev1, reopenedAt, "It is back.");
        Assert.DoesNotContain(events, e => e.Kind == TimelineEventKind.SlaBreached);
        Assert.False(incident.MitigateBreached);
        Assert.Equal((IncidentStatus.Acknowledged, reopenedAt), (incident.Status, incident.ClocksFrom));
        var mitigate = IncidentWorkflow.Clocks(incident, Sev1, reopenedAt.AddMinutes(30)).Single(c => c.Kind == SlaKind.Mitigate);
        Assert.Equal((reopenedAt.AddMinutes(60), false), (mitigate.Due, mitigate.Breached));

        // Mitigated too late in the second round: recorded in that change.
        var late = IncidentWorkflow.Step(incident, IncidentAction.Mitigate, Akira, Sev1, reopenedAt.AddMinutes(61));
        Assert.Single(late, e => e.Kind == TimelineEventKind.SlaBreached);
        Assert.True(incident.MitigateBreached);
    }

    [Fact]
    public void TagsAreCleanedAndTooManyAreNamed()
    {
        Assert.Equal(["payments", "jp"], IncidentWorkflow.Tags([" Payments ", "jp", "JP", null, ""], out var none));
        Assert.Null(none);
        IncidentWorkflow.Tags(Enumerable.Range(0, IncidentWorkflow.MaxTags + 1).Select(i => $"t{i}"), out var tooMany);
        Assert.NotNull(tooMany);
    }

    [Fact]
    public void TheLiveHintIsTheCommittedIncident()
    {
        var incident = Opened(Akira, T0, out _);
        IncidentWorkflow.Step(incident, IncidentAction.Acknowledge, Akira, Sev1, T0.AddMinutes(1));
        var hint = IncidentWorkflow.Hint(incident, TimelineEventKind.Acknowledged, "payments-api", "payments-jp", "akira.sato");
        Assert.Equal((42L, 2, IncidentStatus.Acknowledged, "payments-api", "payments-jp", "akira.sato", T0.AddMinutes(1)),
            (hint.Number, hint.Version, hint.Status, hint.Service, hint.Team, hint.Assignee, hint.UpdatedAt));
    }

    [Fact]
    public void ABreachTheMonitorRecordsIsItsOwnVersion()
    {
        var incident = Opened(Akira, T0, out _);
        var clock = IncidentWorkflow.Clocks(incident, Sev1, T0.AddMinutes(6)).Single(c => c.Kind == SlaKind.Acknowledge);
        var entry = IncidentWorkflow.Breach(incident, clock, T0.AddMinutes(6));
        Assert.True(incident.AcknowledgeBreached);
        Assert.Equal((2, 2, SlaClocks.MonitorName), (incident.Version, entry.IncidentVersion, entry.ActorName));
        Assert.Contains("Not acknowledged within the SEV1 target", entry.Text, StringComparison.Ordinal);
    }
}
