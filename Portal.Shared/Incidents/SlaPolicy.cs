namespace Portal.Shared.Incidents;

/// <summary>How fast an incident of one severity must be acknowledged and mitigated; null means no target.</summary>
public sealed record SlaTargets(Severity Severity, TimeSpan? Acknowledge, TimeSpan? Mitigate)
{
    /// <summary>The defaults: SEV1 5/60 min, SEV2 15/240, SEV3 60/1440, SEV4 and SEV5 none.</summary>
    public static IReadOnlyList<SlaTargets> Defaults { get; } =
    [
        new(Severity.SEV1, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(60)),
        new(Severity.SEV2, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(240)),
        new(Severity.SEV3, TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(1440)),
        new(Severity.SEV4, null, null),
        new(Severity.SEV5, null, null),
    ];

    /// <summary>The default targets of <paramref name="severity"/>; none for a value that is not a defined severity (read back from old data).</summary>
    public static SlaTargets DefaultFor(Severity severity) => Defaults.SingleOrDefault(d => d.Severity == severity) ?? new(severity, null, null);

    /// <summary>The longest target an admin may set: 30 days.</summary>
    public const int MaxMinutes = 30 * 24 * 60;

    /// <summary>
    /// What is wrong with targets an admin typed, per field (empty when they are fine). A target is optional (no
    /// clock), else 1 minute to 30 days; mitigating cannot be due before acknowledging.
    /// </summary>
    public static Dictionary<string, string[]> Check(int? acknowledgeMinutes, int? mitigateMinutes)
    {
        var errors = new Dictionary<string, string[]>();
        void Range(string field, string what, int? minutes)
        {
            if (minutes is < 1 or > MaxMinutes)
            {
                errors[field] = [$"Time to {what} is 1 minute to 43200 minutes (30 days), or empty for no clock."];
            }
        }
        Range("acknowledgeMinutes", "acknowledge", acknowledgeMinutes);
        Range("mitigateMinutes", "mitigate", mitigateMinutes);
        if (errors.Count == 0 && acknowledgeMinutes is { } a && mitigateMinutes is { } m && m < a)
        {
            errors["mitigateMinutes"] = [$"Time to mitigate ({m} min) cannot be shorter than time to acknowledge ({a} min)."];
        }
        return errors;
    }
}

/// <summary>Which of the two SLA clocks.</summary>
public enum SlaKind
{
    Acknowledge,
    Mitigate,
}

/// <summary>One SLA clock of one incident at one instant.</summary>
public sealed record SlaClock(SlaKind Kind, DateTimeOffset Due, DateTimeOffset? MetAt, DateTimeOffset Now)
{
    /// <summary>Met late, or not met and past due.</summary>
    public bool Breached => MetAt is { } met ? met > Due : Now > Due;

    public bool Met => MetAt is not null;

    /// <summary>Time left (negative once overdue); zero once met.</summary>
    public TimeSpan Remaining => Met ? TimeSpan.Zero : Due - Now;
}

/// <summary>Computes an incident's SLA clocks. The clocks start when the incident is triggered, and again when it is reopened.</summary>
public static class SlaClocks
{
    /// <summary>The actor named on timeline entries the SLA monitor writes.</summary>
    public const string MonitorName = "SLA monitor";

    /// <summary>
    /// The acknowledge and mitigate clocks. Mitigating or resolving also stops the acknowledge clock, since the incident
    /// was clearly being worked.
    /// </summary>
    public static IReadOnlyList<SlaClock> For(
        SlaTargets targets, DateTimeOffset triggeredAt, DateTimeOffset? acknowledgedAt, DateTimeOffset? mitigatedAt,
        DateTimeOffset? resolvedAt, DateTimeOffset now)
    {
        var clocks = new List<SlaClock>(2);
        if (targets.Acknowledge is { } ack)
        {
            clocks.Add(new SlaClock(SlaKind.Acknowledge, triggeredAt + ack, Earliest(acknowledgedAt, mitigatedAt, resolvedAt), now));
        }
        if (targets.Mitigate is { } mitigate)
        {
            clocks.Add(new SlaClock(SlaKind.Mitigate, triggeredAt + mitigate, Earliest(mitigatedAt, resolvedAt), now));
        }
        return clocks;
    }

    private static DateTimeOffset? Earliest(params DateTimeOffset?[] instants) =>
        instants.Where(i => i is not null).Min();

    /// <summary>
    /// Records, once, an SLA clock that this change met too late (the processor records clocks that run out unmet;
    /// a clock met between two of its scans is caught here).
    /// </summary>
    public static IEnumerable<TimelineEvent> LateBreaches(Incident incident, SlaTargets targets, string actor, DateTimeOffset now)
    {
        foreach (var c in SlaClocks.For(targets, incident.ClocksFrom, incident.AcknowledgedForClocks, incident.MitigatedAt, incident.ResolvedAt, now))
        {
            if (!c.Breached || (c.Kind == SlaKind.Acknowledge ? incident.AcknowledgeBreached : incident.MitigateBreached))
            {
                continue;
            }
            MarkBreached(incident, c.Kind);
            yield return new TimelineEvent
            {
                IncidentNumber = incident.Number, Kind = TimelineEventKind.SlaBreached, ActorId = null, ActorName = MonitorName, At = c.Due,
                Text = $"{(c.Kind == SlaKind.Acknowledge ? "Acknowledge" : "Mitigate")} target missed (was due {c.Due:yyyy-MM-dd HH:mm}Z; {actor} acted at {now:HH:mm}Z).",
                To = c.Kind.ToString(),
            };
        }
    }

    /// <summary>Flags the incident as having missed that clock.</summary>
    public static void MarkBreached(Incident incident, SlaKind kind)
    {
        if (kind == SlaKind.Acknowledge)
        {
            incident.AcknowledgeBreached = true;
        }
        else
        {
            incident.MitigateBreached = true;
        }
    }

    /// <summary>"4m 12s", "1h 05m", "-2m 03s" (overdue), for countdowns.</summary>
    public static string Countdown(TimeSpan remaining)
    {
        var sign = remaining < TimeSpan.Zero ? "-" : "";
        var r = remaining.Duration();
        return r.TotalHours >= 1
            ? $"{sign}{(int)r.TotalHours}h {r.Minutes:00}m"
            : $"{sign}{r.Minutes}m {r.Seconds:00}s";
    }
}
