using Portal.Shared.Incidents;

namespace Portal.Shared.Rca;

/// <summary>Time to detect, acknowledge, mitigate and resolve, from when the impact started.</summary>
public sealed record RcaDurations(TimeSpan? Detect, TimeSpan? Acknowledge, TimeSpan? Mitigate, TimeSpan? Resolve);

/// <summary>Why a workflow step is refused: the document is not complete, it is in the wrong state, or the person may not.</summary>
public enum RcaRefusal
{
    Incomplete,
    WrongState,
    NotAllowed,
}

public enum RcaAction
{
    Submit,
    RequestChanges,
    Approve,
    Publish,
}

/// <summary>The rules of Correction-of-Error documents that need no database.</summary>
public static class RcaRules
{
    public const int MaxText = 20_000;

    /// <summary>The sections a document must fill before review, by name, in the order they appear.</summary>
    public static List<string> MissingSections(RcaDocument rca, int actionItems)
    {
        var missing = new List<string>();
        if (string.IsNullOrWhiteSpace(rca.Summary))
        {
            missing.Add("Summary");
        }
        if ((rca.AdvertisersAffected is null && rca.RevenueImpactUsd is null) || rca.ImpactMinutes is null)
        {
            missing.Add("Customer impact (advertisers or revenue, and duration)");
        }
        if (rca.Timeline.Count == 0)
        {
            missing.Add("Timeline");
        }
        if (!rca.Whys.Any(w => !string.IsNullOrWhiteSpace(w.Answer)))
        {
            missing.Add("5 Whys");
        }
        if (rca.RootCause is null)
        {
            missing.Add("Root-cause category");
        }
        if (string.IsNullOrWhiteSpace(rca.Lessons))
        {
            missing.Add("Lessons learned");
        }
        if (actionItems == 0)
        {
            missing.Add("Action items");
        }
        return missing;
    }

    /// <summary>Why a person cannot take a workflow step now (and what kind of reason it is), or null when they can.</summary>
    public static (string Reason, RcaRefusal Kind)? WhyNot(RcaState state, RcaAction action, bool isAuthor, bool isReviewer, bool isManager, IReadOnlyList<string> missing, int reviewers)
    {
        return action switch
        {
            RcaAction.Submit when state != RcaState.Draft => ($"Only a draft is submitted for review; this one is {Words(state)}.", RcaRefusal.WrongState),
            RcaAction.Submit when !isAuthor && !isManager => ("Only the author (or a manager) submits an RCA for review.", RcaRefusal.NotAllowed),
            RcaAction.Submit when missing.Count > 0 => ("Fill these sections first: " + string.Join(", ", missing) + ".", RcaRefusal.Incomplete),
            RcaAction.Submit when reviewers == 0 => ("Name at least one reviewer first.", RcaRefusal.Incomplete),
            RcaAction.Approve or RcaAction.RequestChanges when state != RcaState.InReview => ($"Only an RCA in review is approved or sent back; this one is {Words(state)}.", RcaRefusal.WrongState),
            RcaAction.Approve when isAuthor => ("The author cannot approve their own RCA; one of its reviewers does.", RcaRefusal.NotAllowed),
            RcaAction.Approve or RcaAction.RequestChanges when !isReviewer => ("Only a named reviewer approves or requests changes.", RcaRefusal.NotAllowed),
            RcaAction.Publish when state != RcaState.Approved => ($"Only an approved RCA is published; this one is {Words(state)}.", RcaRefusal.WrongState),
            RcaAction.Publish when !isAuthor && !isReviewer && !isManager => ("The author, a reviewer or a manager publishes an RCA.", RcaRefusal.NotAllowed),
            _ => null,
        };
    }

    public static RcaState Next(RcaAction action) => action switch
    {
        RcaAction.Submit => RcaState.InReview,
        RcaAction.RequestChanges => RcaState.Draft,
        RcaAction.Approve => RcaState.Approved,
        _ => RcaState.Published,
    };

    public static string Words(RcaState state) => state switch
    {
        RcaState.Draft => "a draft",
        RcaState.InReview => "in review",
        RcaState.Approved => "approved",
        _ => "published",
    };

    /// <summary>When an RCA is due: SEV1 within 5 business days of resolution, SEV2 within 10; none for lower severities.</summary>
    public static DateTimeOffset? DueAt(Severity severity, DateTimeOffset? resolvedAt, int sev1Days = 5, int sev2Days = 10)
    {
        if (resolvedAt is not { } resolved || severity > Severity.SEV2)
        {
            return null;
        }
        var days = severity == Severity.SEV1 ? sev1Days : sev2Days;
        var due = resolved;
        while (days > 0)
        {
            due = due.AddDays(1);
            if (due.DayOfWeek is not (DayOfWeek.Saturday or DayOfWeek.Sunday))
            {
                days--;
            }
        }
        return due;
    }

    /// <summary>
    /// The first draft of the timeline from the incidents and their timeline entries: impact start (the first alert, if
    /// it came before the incident), detection, acknowledgement, mitigation, resolution, and the notable events between.
    /// </summary>
    public static (List<RcaTimelineEntry> Entries, RcaDurations Durations) DraftTimeline(
        IReadOnlyList<Incident> incidents, IReadOnlyList<TimelineEvent> events, DateTimeOffset? firstAlertAt)
    {
        var entries = new List<RcaTimelineEntry>();
        if (incidents.Count == 0)
        {
            return (entries, new RcaDurations(null, null, null, null));
        }
        var detected = incidents.Min(i => i.TriggeredAt);
        var impact = firstAlertAt is { } alert && alert < detected ? alert : detected;
        if (impact < detected)
        {
            entries.Add(new RcaTimelineEntry { At = impact, Text = "First alert fired: impact began." });
        }
        foreach (var incident in incidents.OrderBy(i => i.TriggeredAt))
        {
            entries.Add(new RcaTimelineEntry { At = incident.TriggeredAt, Text = $"{incident.Key} opened ({incident.Severity}): {incident.Title}", Milestone = "detected" });
            if (incident.AcknowledgedAt is { } ack)
            {
                entries.Add(new RcaTimelineEntry { At = ack, Text = $"{incident.Key} acknowledged.", Milestone = "acknowledged" });
            }
            if (incident.MitigatedAt is { } mitigated)
            {
                entries.Add(new RcaTimelineEntry { At = mitigated, Text = $"{incident.Key} mitigated.", Milestone = "mitigated" });
            }
            if (incident.ResolvedAt is { } resolved)
            {
                entries.Add(new RcaTimelineEntry { At = resolved, Text = $"{incident.Key} resolved" + (incident.ResolutionNote is { } note ? $": {note}" : "."), Milestone = "resolved" });
            }
        }
        foreach (var e in events.Where(Notable))
        {
            var key = IncidentNumber.Format(e.IncidentNumber);
            entries.Add(new RcaTimelineEntry
            {
                At = e.At,
                Text = e.Kind switch
                {
                    TimelineEventKind.SeverityChanged => $"{key} severity {e.From} → {e.To} ({e.ActorName}).",
                    TimelineEventKind.CommanderSet => $"{e.To ?? "No one"} became incident commander of {key}.",
                    TimelineEventKind.StakeholderUpdate => $"Stakeholder update on {key}: {First(e.Text)}",
                    TimelineEventKind.SlaBreached => $"{key}: {e.To?.ToLowerInvariant()} target missed.",
                    TimelineEventKind.Escalated => $"{key}: {First(e.Text)}",
                    _ => $"{key}: {First(e.Text)} ({e.ActorName})",
                },
            });
        }
        TimeSpan? Since(DateTimeOffset? at) => at is { } t ? t - impact : null;
        var durations = new RcaDurations(
            detected - impact,
            Since(incidents.Select(i => i.AcknowledgedAt).Where(a => a is not null).DefaultIfEmpty().Min()),
            Since(incidents.Select(i => i.MitigatedAt ?? i.ResolvedAt).Where(a => a is not null).DefaultIfEmpty().Min()),
            incidents.All(i => i.ResolvedAt is not null) ? Since(incidents.Max(i => i.ResolvedAt)) : null);
        return ([.. entries.OrderBy(e => e.At)], durations);
    }

    private static bool Notable(TimelineEvent e) => e.Kind is TimelineEventKind.SeverityChanged or TimelineEventKind.CommanderSet
        or TimelineEventKind.StakeholderUpdate or TimelineEventKind.SlaBreached or TimelineEventKind.Escalated or TimelineEventKind.RunbookStep;

    private static string First(string? text)
    {
        var line = (text ?? "").Split('\n')[0].Trim();
        return line.Length > 200 ? line[..199] + "…" : line;
    }

    /// <summary>
    /// Whether an incident of the family happened after the fix: the RCA has "prevent" actions, all of them closed, and
    /// the incident triggered after the last one closed.
    /// </summary>
    public static bool RecurredAfterFix(IReadOnlyList<ActionItem> actions, DateTimeOffset triggeredAt)
    {
        var prevent = actions.Where(a => a.Kind == ActionKind.Prevent).ToList();
        return prevent.Count > 0 && prevent.All(a => a.Status == ActionStatus.Closed && a.ClosedAt is not null)
            && triggeredAt > prevent.Max(a => a.ClosedAt!.Value);
    }

    /// <summary>The family keys of an incident, strongest first: each alert's dedup key, then service and alert class.</summary>
    public static List<(string Key, string Reason)> FamilyKeys(string? service, IEnumerable<(int Integration, string DedupKey, string? AlertClass)> alerts)
    {
        var keys = new List<(string, string)>();
        var list = alerts.ToList();
        keys.AddRange(list.Select(a => ($"dedup:{a.Integration}:{a.DedupKey}", "same alert")).Distinct());
        if (service is not null)
        {
            keys.AddRange(list.Where(a => a.AlertClass is not null).Select(a => ($"class:{service}:{a.AlertClass}", "same service and alert class")).Distinct());
        }
        return keys;
    }
}
