namespace Portal.Shared.Cases;

/// <summary>Who acts on a case: a person, or a named system (the SLA monitor, the mail reader, the advertiser).</summary>
public sealed record CaseActor(int? PersonId, string Name);

/// <summary>
/// The rules of a case's life: which status changes are allowed, how replies and the advertiser's messages move it,
/// and how its SLA clocks pause and run. Every change bumps the version and returns the timeline entries to store.
/// </summary>
public static class CaseWorkflow
{
    public const int MaxSubject = 200;
    public const int MaxBody = 20_000;
    public const int MaxTags = 20;
    public const int MaxTagLength = 40;

    /// <summary>How long after solving an advertiser's message reopens the case rather than opening a follow-up.</summary>
    public static readonly TimeSpan DefaultReopenWindow = TimeSpan.FromDays(7);

    /// <summary>What a person may set a case's status to by hand (New is where cases start, and nothing goes back to it).</summary>
    public static readonly IReadOnlyList<CaseStatus> Settable = [CaseStatus.Open, CaseStatus.PendingAdvertiser, CaseStatus.OnHold, CaseStatus.Solved, CaseStatus.Closed];

    public static string? SubjectProblem(string? subject) =>
        string.IsNullOrWhiteSpace(subject) ? "Give the case a subject."
        : subject.Length > MaxSubject ? $"The subject is {subject.Length} characters; at most {MaxSubject}." : null;

    public static string? BodyProblem(string? body, string what = "message") =>
        string.IsNullOrWhiteSpace(body) ? $"Write the {what} first."
        : body.Length > MaxBody ? $"The {what} is {body.Length} characters; at most {MaxBody}." : null;

    /// <summary>Why <paramref name="to"/> cannot be set now, or null.</summary>
    public static string? WhyNot(SupportCase c, CaseStatus to) => WhyNot(c.Number, c.Status, c.MergedIntoNumber, to);

    /// <summary>Why a case in this state cannot be set to <paramref name="to"/>, or null: for pages that hold a view of the case, not the entity.</summary>
    public static string? WhyNot(long number, CaseStatus status, long? mergedInto, CaseStatus to)
    {
        var key = CaseNumber.Format(number);
        if (!Settable.Contains(to))
        {
            return $"A case cannot be set back to {to}.";
        }
        if (mergedInto is { } survivor)
        {
            return $"{key} was merged into {CaseNumber.Format(survivor)}; work that case instead.";
        }
        if (status == CaseStatus.Closed)
        {
            return $"{key} is closed; a new message from the advertiser opens a follow-up case.";
        }
        if (status == to)
        {
            return $"{key} is already {Label(to)}.";
        }
        if (to == CaseStatus.Closed && status != CaseStatus.Solved)
        {
            return $"Solve {key} before closing it.";
        }
        return null;
    }

    /// <summary>Opens a new case: starts its clocks and writes its first entry.</summary>
    public static List<CaseEvent> Open(SupportCase c, CaseActor actor, CaseSlaPolicy? policy, BusinessCalendar calendar, DateTimeOffset now)
    {
        c.CreatedAt = c.UpdatedAt = now;
        c.Status = CaseStatus.New;
        c.FirstReplyDueAt = policy?.FirstReply is { } f ? CaseSla.Due(calendar, now, f) : null;
        c.ResolutionDueAt = policy?.Resolution is { } r ? CaseSla.Due(calendar, now, r) : null;
        return [Entry(c, CaseEventKind.Created, actor, now, to: c.Channel.ToString())];
    }

    /// <summary>Sets the status: pauses or restarts the clocks, stamps solved and closed.</summary>
    public static List<CaseEvent> SetStatus(SupportCase c, CaseStatus to, CaseActor actor, BusinessCalendar calendar, DateTimeOffset now, string? text = null)
    {
        var from = c.Status;
        var events = new List<CaseEvent>();
        if (from == CaseStatus.Solved && to != CaseStatus.Closed)
        {
            Reopen(c, now);
            events.Add(Entry(c, CaseEventKind.Reopened, actor, now, from: from.ToString(), to: to.ToString()));
        }
        Move(c, to, calendar, now);
        events.Add(Entry(c, CaseEventKind.StatusChanged, actor, now, text, from.ToString(), to.ToString()));
        return Commit(c, events, now);
    }

    /// <summary>
    /// A public reply from the team: the first one meets the first-reply clock. With <paramref name="then"/> the status
    /// changes in the same step (reply and set Pending advertiser, reply and solve); a reply to a New case opens it.
    /// </summary>
    public static List<CaseEvent> Reply(SupportCase c, CaseActor actor, BusinessCalendar calendar, DateTimeOffset now, CaseStatus? then = null)
    {
        c.PublicReplies++;
        c.FirstRepliedAt ??= now;
        var events = new List<CaseEvent> { Entry(c, CaseEventKind.Replied, actor, now) };
        var to = then ?? (c.Status == CaseStatus.New ? CaseStatus.Open : c.Status);
        if (to != c.Status)
        {
            var from = c.Status;
            if (from == CaseStatus.Solved && to != CaseStatus.Closed)
            {
                Reopen(c, now);
                events.Add(Entry(c, CaseEventKind.Reopened, actor, now, from: from.ToString(), to: to.ToString()));
            }
            Move(c, to, calendar, now);
            events.Add(Entry(c, CaseEventKind.StatusChanged, actor, now, null, from.ToString(), to.ToString()));
        }
        return Commit(c, events, now);
    }

    /// <summary>
    /// The advertiser wrote: a case waiting on them, on hold, or solved within <paramref name="reopenWindow"/> opens again
    /// (solved counts as a reopen). Returns null when the case is closed or solved too long ago: the caller opens a
    /// follow-up case instead.
    /// </summary>
    public static List<CaseEvent>? AdvertiserWrote(SupportCase c, CaseActor advertiser, BusinessCalendar calendar, DateTimeOffset now, TimeSpan reopenWindow)
    {
        if (c.Status == CaseStatus.Closed || (c.Status == CaseStatus.Solved && c.SolvedAt is { } solved && now - solved > reopenWindow))
        {
            return null;
        }
        var events = new List<CaseEvent> { Entry(c, CaseEventKind.AdvertiserWrote, advertiser, now) };
        if (c.Status is CaseStatus.PendingAdvertiser or CaseStatus.OnHold or CaseStatus.Solved)
        {
            var from = c.Status;
            if (from == CaseStatus.Solved)
            {
                Reopen(c, now);
                events.Add(Entry(c, CaseEventKind.Reopened, advertiser, now, "The advertiser wrote again after it was solved.", from.ToString(), nameof(CaseStatus.Open)));
            }
            Move(c, CaseStatus.Open, calendar, now);
            events.Add(Entry(c, CaseEventKind.StatusChanged, advertiser, now, null, from.ToString(), nameof(CaseStatus.Open)));
        }
        return Commit(c, events, now);
    }

    /// <summary>Records a clock breached once: by the monitor as it runs out, or by the change that met it late.</summary>
    public static IEnumerable<CaseEvent> Breaches(SupportCase c, BusinessCalendar calendar, DateTimeOffset now)
    {
        foreach (var clock in CaseSla.Clocks(c, calendar, now))
        {
            var already = clock.Kind == CaseClockKind.FirstReply ? c.FirstReplyBreached : c.ResolutionBreached;
            if (!clock.Breached || already)
            {
                continue;
            }
            if (clock.Kind == CaseClockKind.FirstReply)
            {
                c.FirstReplyBreached = true;
            }
            else
            {
                c.ResolutionBreached = true;
            }
            var what = clock.Kind == CaseClockKind.FirstReply ? "First reply" : "Resolution";
            yield return Entry(c, CaseEventKind.SlaBreached, new CaseActor(null, CaseSla.MonitorName), clock.Due,
                $"{what} target missed (was due {clock.Due:yyyy-MM-dd HH:mm}Z).", to: clock.Kind.ToString());
        }
    }

    /// <summary>A timeline entry at the case's current version (<see cref="Commit"/> moves entries to the new one).</summary>
    public static CaseEvent Entry(SupportCase c, CaseEventKind kind, CaseActor actor, DateTimeOffset at, string? text = null, string? from = null, string? to = null) =>
        new()
        {
            CaseNumber = c.Number, Case = c.Number == 0 ? c : null, CaseVersion = c.Version, Kind = kind, ActorId = actor.PersonId,
            ActorName = actor.Name, At = at, Text = text, From = from, To = to,
        };

    /// <summary>Bumps the version and stamps the change; the entries carry the new version.</summary>
    public static List<CaseEvent> Commit(SupportCase c, List<CaseEvent> events, DateTimeOffset now)
    {
        c.Version++;
        c.UpdatedAt = now;
        events.ForEach(e => e.CaseVersion = c.Version);
        return events;
    }

    /// <summary>
    /// The pauses a case's timeline records: each run of pausing statuses, from its status changes (entries name
    /// statuses by their enum names). The last is open while the case is still paused.
    /// </summary>
    public static List<(DateTimeOffset From, DateTimeOffset? To)> PausesFrom(IEnumerable<CaseEvent> timeline)
    {
        var pauses = new List<(DateTimeOffset, DateTimeOffset?)>();
        DateTimeOffset? since = null;
        foreach (var e in timeline.Where(e => e.Kind == CaseEventKind.StatusChanged).OrderBy(e => e.At).ThenBy(e => e.Id))
        {
            var pausing = Enum.TryParse<CaseStatus>(e.To, out var to) && (CaseSla.Pauses(to) || to == CaseStatus.Closed);
            if (pausing && since is null)
            {
                since = e.At;
            }
            else if (!pausing && since is { } start)
            {
                pauses.Add((start, e.At));
                since = null;
            }
        }
        if (since is { } open)
        {
            pauses.Add((open, null));
        }
        return pauses;
    }

    /// <summary>"Pending advertiser" for PendingAdvertiser.</summary>
    public static string Label(CaseStatus status) => status switch
    {
        CaseStatus.PendingAdvertiser => "Pending advertiser",
        CaseStatus.OnHold => "On hold",
        _ => status.ToString(),
    };

    private static void Reopen(SupportCase c, DateTimeOffset now)
    {
        c.ReopenCount++;
        c.LastReopenedAt = now;
        c.SolvedAt = null;
    }

    private static void Move(SupportCase c, CaseStatus to, BusinessCalendar calendar, DateTimeOffset now)
    {
        var wasPaused = c.ClocksPausedSince;
        if (wasPaused is { } since && !CaseSla.Pauses(to))
        {
            if (c.FirstRepliedAt is null && c.FirstReplyDueAt is { } first)
            {
                c.FirstReplyDueAt = CaseSla.Resume(calendar, first, since, now);
            }
            if (c.ResolutionDueAt is { } resolution)
            {
                c.ResolutionDueAt = CaseSla.Resume(calendar, resolution, since, now);
            }
            c.ClocksPausedSince = null;
        }
        else if (wasPaused is null && CaseSla.Pauses(to))
        {
            c.ClocksPausedSince = now;
        }
        if (to == CaseStatus.Solved)
        {
            c.SolvedAt = now;
        }
        if (to == CaseStatus.Closed)
        {
            c.ClosedAt = now;
            c.ClocksPausedSince ??= now;
        }
        c.Status = to;
    }
}
