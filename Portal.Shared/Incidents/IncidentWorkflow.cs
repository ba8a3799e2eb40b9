using Portal.Shared.Live;

namespace Portal.Shared.Incidents;

/// <summary>Who changes an incident: a person (with their id), or a monitor (an integration, the SLA monitor) by name.</summary>
public sealed record IncidentActor(int? PersonId, string Name)
{
    public bool IsPerson => PersonId is not null;

    public static IncidentActor Monitor(string name) => new(null, name);
}

/// <summary>
/// The one incident workflow: its limits, every status change, the version, the SLA clocks and the timeline entries.
/// The incident service (people, the API) and the alert writer (monitors) both go through it; neither sets a status.
/// </summary>
/// <remarks>
/// A person and a monitor rightly differ:
/// <list type="bullet">
/// <item>A person may take any step <see cref="IncidentTransitions"/> allows and is told why not otherwise; resolving
/// needs a note; acknowledging an unassigned incident assigns it to them.</item>
/// <item>A monitor only acknowledges a triggered incident and resolves an open one (when all its alerts resolved);
/// anything else is not done, silently (monitors repeat themselves); it never mitigates, reopens or assigns.</item>
/// </list>
/// Reopening restarts the SLA clocks from the reopen: <see cref="Incident.ClocksStartedAt"/>.
/// </remarks>
public static class IncidentWorkflow
{
    public const int MaxTitle = 200;
    public const int MaxDescription = 20_000;
    public const int MaxText = 10_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 40;

    /// <summary>The title's problem, or null when it is fine.</summary>
    public static string? TitleProblem(string? title) =>
        string.IsNullOrEmpty(title) ? "Give the incident a title."
        : title.Length > MaxTitle ? $"The title is {title.Length} characters; at most {MaxTitle}." : null;

    /// <summary>Tags trimmed, lower case and distinct; <paramref name="problem"/> says when there are too many or too long.</summary>
    public static List<string> Tags(IEnumerable<string?>? tags, out string? problem)
    {
        var clean = (tags ?? []).OfType<string>().Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToList();
        problem = clean.Count > MaxTags || clean.Any(t => t.Length > MaxTagLength) ? $"At most {MaxTags} tags of at most {MaxTagLength} characters each." : null;
        return clean;
    }

    /// <summary>A note's problem for this action, or null: resolving needs one, and none may be longer than <see cref="MaxText"/>.</summary>
    public static string? NoteProblem(IncidentAction action, string? note) =>
        action == IncidentAction.Resolve && string.IsNullOrWhiteSpace(note) ? "Say how it was resolved: the resolution note is required."
        : note?.Length > MaxText ? $"The note is {note.Length} characters; at most {MaxText}." : null;

    /// <summary>The first entries of a new incident (stamped now): created, and assigned when it has an assignee.</summary>
    public static List<TimelineEvent> Open(Incident incident, IncidentActor by, DateTimeOffset now, string? assigneeName = null)
    {
        (incident.TriggeredAt, incident.UpdatedAt, incident.Status) = (now, now, IncidentStatus.Triggered);
        var events = new List<TimelineEvent> { Entry(incident, TimelineEventKind.Created, by, now, incident.Title, to: incident.Severity.ToString()) };
        if (assigneeName is not null)
        {
            events.Add(Entry(incident, TimelineEventKind.Assigned, by, now, to: assigneeName));
        }
        return events;
    }

    /// <summary>
    /// Why <paramref name="by"/> may not take <paramref name="action"/> now, in words; null when they may. A monitor is
    /// refused more than a person (see the remarks); the caller skips its step quietly.
    /// </summary>
    public static string? WhyNot(Incident incident, IncidentAction action, IncidentActor by)
    {
        if (!by.IsPerson && action is not (IncidentAction.Acknowledge or IncidentAction.Resolve))
        {
            return $"A monitor does not {action.ToString().ToLowerInvariant()} incidents.";
        }
        if (!by.IsPerson && action == IncidentAction.Acknowledge && incident.Status != IncidentStatus.Triggered)
        {
            return $"{incident.Key} is past triggered.";
        }
        return IncidentTransitions.WhyNot(incident.Key, incident.Status, action);
    }

    /// <summary>
    /// Takes a status step <see cref="WhyNot"/> allowed: status and its time, a note, the assignment a person's
    /// acknowledgement brings, restarted clocks on reopen; then <see cref="Commit"/>. Returns the timeline entries.
    /// </summary>
    public static List<TimelineEvent> Step(Incident incident, IncidentAction action, IncidentActor by, SlaTargets targets, DateTimeOffset now, string? note = null)
    {
        if (WhyNot(incident, action, by) is { } why)
        {
            throw new InvalidOperationException(why);
        }
        var from = incident.Status;
        incident.Status = IncidentTransitions.Next(from, action)!.Value;
        var events = new List<TimelineEvent>();
        switch (action)
        {
            case IncidentAction.Acknowledge:
                incident.AcknowledgedAt = now;
                events.Add(Entry(incident, TimelineEventKind.Acknowledged, by, now, from: from.ToString(), to: incident.Status.ToString()));
                if (by.IsPerson && incident.AssigneeId is null)
                {
                    // Whoever acknowledges owns it until someone assigns it elsewhere.
                    incident.AssigneeId = by.PersonId;
                    events.Add(Entry(incident, TimelineEventKind.Assigned, by, now, to: by.Name));
                }
                break;
            case IncidentAction.Mitigate:
                incident.MitigatedAt = now;
                events.Add(Entry(incident, TimelineEventKind.StatusChanged, by, now, note, from.ToString(), incident.Status.ToString()));
                break;
            case IncidentAction.Resolve:
                incident.ResolvedAt = now;
                incident.ResolutionNote = note?.Trim();
                events.Add(Entry(incident, TimelineEventKind.StatusChanged, by, now, incident.ResolutionNote, from.ToString(), incident.Status.ToString()));
                break;
            default:
                // Reopened: the work starts again, and so do the clocks (a breach of the first round stays recorded).
                (incident.MitigatedAt, incident.ResolvedAt, incident.ResolutionNote) = (null, null, null);
                incident.ClocksStartedAt = now;
                events.Add(Entry(incident, TimelineEventKind.StatusChanged, by, now, note, from.ToString(), incident.Status.ToString()));
                break;
        }
        return Commit(incident, events, by, targets, now);
    }

    /// <summary>
    /// Ends any change of the incident itself: an SLA clock this change met too late is recorded (the processor only
    /// sees clocks still running), the version goes up, and every entry is stamped with it.
    /// </summary>
    public static List<TimelineEvent> Commit(Incident incident, List<TimelineEvent> events, IncidentActor by, SlaTargets targets, DateTimeOffset now)
    {
        events.AddRange(SlaClocks.LateBreaches(incident, targets, by.Name, now));
        incident.Version++;
        incident.UpdatedAt = now;
        foreach (var e in events)
        {
            (e.Incident, e.IncidentNumber, e.IncidentVersion) = (incident, incident.Number, incident.Version);
        }
        return events;
    }

    /// <summary>A clock that ran out unmet, recorded by the SLA monitor: the flag, a new version and its entry.</summary>
    public static TimelineEvent Breach(Incident incident, SlaClock clock, DateTimeOffset now)
    {
        SlaClocks.MarkBreached(incident, clock.Kind);
        incident.Version++;
        incident.UpdatedAt = now;
        var what = clock.Kind == SlaKind.Acknowledge ? "Not acknowledged" : "Not mitigated";
        return Entry(incident, TimelineEventKind.SlaBreached, IncidentActor.Monitor(SlaClocks.MonitorName), now,
            $"{what} within the {incident.Severity} target (due {clock.Due:yyyy-MM-dd HH:mm}Z).", to: clock.Kind.ToString());
    }

    /// <summary>A timeline entry at the incident's current version (a comment or an alert's event does not change it).</summary>
    public static TimelineEvent Entry(Incident incident, TimelineEventKind kind, IncidentActor by, DateTimeOffset at, string? text = null, string? from = null, string? to = null) =>
        new()
        {
            Incident = incident, IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = kind,
            ActorId = by.PersonId, ActorName = by.Name, At = at, Text = text, From = from, To = to,
        };

    /// <summary>The SLA clocks of an incident now, from when they (re)started.</summary>
    public static IReadOnlyList<SlaClock> Clocks(Incident incident, SlaTargets targets, DateTimeOffset now) =>
        SlaClocks.For(targets, incident.ClocksFrom, incident.AcknowledgedForClocks, incident.MitigatedAt, incident.ResolvedAt, now);

    /// <summary>The one projection of a committed incident to the live hint every page and hub client receives.</summary>
    public static IncidentChanged Hint(Incident incident, TimelineEventKind kind, string? service, string? team, string? assignee) =>
        new(incident.Number, incident.Version, kind, incident.Title, incident.Status, incident.Severity, service, team, incident.Region, assignee, incident.UpdatedAt);
}
