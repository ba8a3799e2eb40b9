using NodaTime;
using Portal.Shared.Directory;

namespace Portal.Shared.Cases;

/// <summary>An admin-editable case SLA: first-reply and resolution targets of a priority, for one tier or for all.</summary>
public sealed class CaseSlaPolicy
{
    public int Id { get; set; }
    public CasePriority Priority { get; set; }

    /// <summary>The tier it applies to; null applies to every tier without a policy of its own.</summary>
    public AdvertiserTier? Tier { get; set; }

    public int? FirstReplyMinutes { get; set; }
    public int? ResolutionMinutes { get; set; }

    /// <summary>Whether the minutes are business minutes of the case's region, or calendar minutes.</summary>
    public bool BusinessHours { get; set; }

    public TimeSpan? FirstReply => FirstReplyMinutes is { } m ? TimeSpan.FromMinutes(m) : null;
    public TimeSpan? Resolution => ResolutionMinutes is { } m ? TimeSpan.FromMinutes(m) : null;
}

/// <summary>Which case clock.</summary>
public enum CaseClockKind
{
    FirstReply,
    Resolution,
}

/// <summary>One clock of one case at one instant.</summary>
/// <param name="Kind">Which clock.</param>
/// <param name="Due">When it runs out, pauses so far included.</param>
/// <param name="MetAt">When it was met (first public reply, or solved), if it was.</param>
/// <param name="Paused">True while the case waits on the advertiser or is on hold.</param>
/// <param name="Left">Working time left: while paused, what was left when it paused; zero once met.</param>
/// <param name="Now">The instant it was read at.</param>
public sealed record CaseClock(CaseClockKind Kind, DateTimeOffset Due, DateTimeOffset? MetAt, bool Paused, TimeSpan Left, DateTimeOffset Now)
{
    public bool Met => MetAt is not null;

    /// <summary>Met late, or unmet, running and past due.</summary>
    public bool Breached => MetAt is { } met ? met > Due : !Paused && Now > Due;
}

/// <summary>
/// The case SLA rules. A clock starts when the case is opened and counts working time of the case's calendar (every
/// hour on calendar-hour policies, the region's business hours otherwise). Pending advertiser, On hold and Solved pause
/// both clocks; when the case runs again each unmet clock's due moves on by the working time it spent paused, unless it
/// was already overdue when it paused. Solving meets the resolution clock; reopening unmeets it.
/// </summary>
public static class CaseSla
{
    /// <summary>The actor named on timeline entries the SLA monitor writes.</summary>
    public const string MonitorName = "SLA monitor";

    public const int MaxMinutes = 90 * 24 * 60;

    /// <summary>The defaults: P1 1 h / 8 h and P2 4 h / 24 h on the calendar; P3 4 h / 3 days and P4 8 h / 5 days in business hours, tighter for managed advertisers.</summary>
    public static IReadOnlyList<CaseSlaPolicy> Defaults { get; } =
    [
        new() { Id = 1, Priority = CasePriority.P1, FirstReplyMinutes = 60, ResolutionMinutes = 480, BusinessHours = false },
        new() { Id = 2, Priority = CasePriority.P2, FirstReplyMinutes = 240, ResolutionMinutes = 1440, BusinessHours = false },
        new() { Id = 3, Priority = CasePriority.P3, FirstReplyMinutes = 240, ResolutionMinutes = 1620, BusinessHours = true },
        new() { Id = 4, Priority = CasePriority.P4, FirstReplyMinutes = 480, ResolutionMinutes = 2700, BusinessHours = true },
        new() { Id = 5, Priority = CasePriority.P3, Tier = AdvertiserTier.Managed, FirstReplyMinutes = 120, ResolutionMinutes = 1080, BusinessHours = true },
        new() { Id = 6, Priority = CasePriority.P4, Tier = AdvertiserTier.Managed, FirstReplyMinutes = 240, ResolutionMinutes = 1620, BusinessHours = true },
    ];

    /// <summary>The policy of a priority and tier: the tier's own, else the one for every tier, else none.</summary>
    public static CaseSlaPolicy? PolicyFor(IEnumerable<CaseSlaPolicy> policies, CasePriority priority, AdvertiserTier tier)
    {
        var list = policies.Where(p => p.Priority == priority).ToList();
        return list.FirstOrDefault(p => p.Tier == tier) ?? list.FirstOrDefault(p => p.Tier is null);
    }

    /// <summary>What is wrong with targets an admin typed, per field (empty when fine).</summary>
    public static Dictionary<string, string[]> Check(int? firstReplyMinutes, int? resolutionMinutes)
    {
        var errors = new Dictionary<string, string[]>();
        if (firstReplyMinutes is < 1 or > MaxMinutes)
        {
            errors["firstReplyMinutes"] = [$"First reply is 1 to {MaxMinutes} minutes (90 days), or empty for no clock."];
        }
        if (resolutionMinutes is < 1 or > MaxMinutes)
        {
            errors["resolutionMinutes"] = [$"Resolution is 1 to {MaxMinutes} minutes (90 days), or empty for no clock."];
        }
        if (errors.Count == 0 && firstReplyMinutes is { } f && resolutionMinutes is { } r && r < f)
        {
            errors["resolutionMinutes"] = [$"Resolution ({r} min) cannot be due before the first reply ({f} min)."];
        }
        return errors;
    }

    /// <summary>When <paramref name="target"/> of working time from <paramref name="from"/> runs out.</summary>
    public static DateTimeOffset Due(BusinessCalendar calendar, DateTimeOffset from, TimeSpan target) =>
        calendar.Add(Instant.FromDateTimeOffset(from), Duration.FromTimeSpan(target)).ToDateTimeOffset();

    /// <summary>
    /// Where a due moves when a pause from <paramref name="pausedSince"/> ends at <paramref name="resumedAt"/>: on by
    /// the working time paused, or nowhere when the clock was already overdue as it paused.
    /// </summary>
    public static DateTimeOffset Resume(BusinessCalendar calendar, DateTimeOffset due, DateTimeOffset pausedSince, DateTimeOffset resumedAt)
    {
        if (pausedSince >= due)
        {
            return due;
        }
        var paused = calendar.WorkingBetween(Instant.FromDateTimeOffset(pausedSince), Instant.FromDateTimeOffset(resumedAt));
        return calendar.Add(Instant.FromDateTimeOffset(due), paused).ToDateTimeOffset();
    }

    /// <summary>
    /// The due of a clock read from its whole history: the instant at which the working time outside pauses reaches
    /// the target. The same answer the step-by-step <see cref="Resume"/> gives; null while the target is not reached
    /// before an open pause (To null).
    /// </summary>
    public static DateTimeOffset? DueFromHistory(BusinessCalendar calendar, DateTimeOffset opened, TimeSpan target,
        IEnumerable<(DateTimeOffset From, DateTimeOffset? To)> pauses)
    {
        var left = Duration.FromTimeSpan(target);
        var at = Instant.FromDateTimeOffset(opened);
        foreach (var (from, to) in pauses.OrderBy(p => p.From))
        {
            var pauseStart = Instant.FromDateTimeOffset(from);
            var before = calendar.WorkingBetween(at, pauseStart);
            if (before >= left)
            {
                break;
            }
            left -= before;
            if (to is not { } end)
            {
                return null;
            }
            at = Instant.FromDateTimeOffset(end);
        }
        return calendar.Add(at, left).ToDateTimeOffset();
    }

    /// <summary>The case's clocks now, from what is stored on it.</summary>
    public static IReadOnlyList<CaseClock> Clocks(SupportCase c, BusinessCalendar calendar, DateTimeOffset now)
    {
        var clocks = new List<CaseClock>(2);
        var paused = c.ClocksPausedSince;
        TimeSpan Left(DateTimeOffset due, bool met) => met ? TimeSpan.Zero
            : paused is { } since ? (since >= due ? due - since : calendar.WorkingBetween(Instant.FromDateTimeOffset(since), Instant.FromDateTimeOffset(due)).ToTimeSpan())
            : now >= due ? due - now : calendar.WorkingBetween(Instant.FromDateTimeOffset(now), Instant.FromDateTimeOffset(due)).ToTimeSpan();
        if (c.FirstReplyDueAt is { } first)
        {
            clocks.Add(new CaseClock(CaseClockKind.FirstReply, first, c.FirstRepliedAt, paused is not null && c.FirstRepliedAt is null, Left(first, c.FirstRepliedAt is not null), now));
        }
        if (c.ResolutionDueAt is { } resolution)
        {
            var met = c.IsDone ? c.SolvedAt ?? c.ClosedAt : null;
            clocks.Add(new CaseClock(CaseClockKind.Resolution, resolution, met, paused is not null && met is null, Left(resolution, met is not null), now));
        }
        return clocks;
    }

    /// <summary>Whether a status pauses the clocks.</summary>
    public static bool Pauses(CaseStatus status) => status is CaseStatus.PendingAdvertiser or CaseStatus.OnHold or CaseStatus.Solved;

    /// <summary>"3h 10m", "2d 4h", for what is left; negative reads as overdue.</summary>
    public static string Describe(TimeSpan left)
    {
        var r = left.Duration();
        var text = r.TotalDays >= 1 ? $"{(int)r.TotalDays}d {r.Hours}h" : r.TotalHours >= 1 ? $"{(int)r.TotalHours}h {r.Minutes:00}m" : $"{Math.Max(1, (int)Math.Ceiling(r.TotalMinutes))}m";
        return left < TimeSpan.Zero ? text + " overdue" : text;
    }
}
