using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

public sealed record SwapRequestInput(int? ScheduleId, string? Cover, DateTimeOffset? Start, DateTimeOffset? End, [property: MultiLine] string? Reason);

/// <summary>A swap as the API and pages show it, with what the viewer may do with it.</summary>
public sealed record SwapView(
    int Id, int ScheduleId, string Schedule, string Requester, string RequesterName, string Cover, string CoverName,
    DateTimeOffset Start, DateTimeOffset End, string? Reason, SwapState State, string? DecidedBy, int? OverrideId, DateTimeOffset CreatedAt, int Version,
    bool CanAnswer, bool CanApprove, bool CanCancel);

public enum SwapDecision
{
    Accept,
    Decline,
    Approve,
    Reject,
    Cancel,
}

/// <summary>
/// Shift swaps: an engineer asks a teammate to cover part of their on-call time; the teammate accepts or declines;
/// where the schedule says so, a manager of the requester approves; then it becomes an override. Every step
/// notifies the other people involved, and is audited.
/// </summary>
public sealed class SwapService(IDbContextFactory<PortalDbContext> factory, NotificationService notifications, ILiveFeed feed, TimeProvider clock, AuditWriter audit)
{
    public async Task<SwapView> RequestAsync(ClaimsPrincipal user, SwapRequestInput input, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal swap shifts.");
        var now = clock.GetUtcNow();
        var (start, end) = OverrideService.RequireWindow("swap", input.ScheduleId, ("cover", input.Cover, "Name the teammate you ask to cover (their handle)."),
            input.Start, input.End, input.Reason, now);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == input.ScheduleId, cancellationToken)
            ?? throw new NotFoundException($"There is no schedule #{input.ScheduleId}.");
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var requester = people[me];
        var cover = people.Values.FirstOrDefault(p => p.Active && string.Equals(p.Handle, input.Cover!.Trim(), StringComparison.OrdinalIgnoreCase))
            ?? throw new ValidationException("cover", $"There is no active person \"{input.Cover}\".");
        if (cover.Id == me)
        {
            throw new ValidationException("cover", "Ask someone else: you cannot cover your own shift.");
        }
        if (!IsTeammate(schedule, cover, requester))
        {
            throw new ValidationException("cover", $"{cover.Name} is not on \"{schedule.Name}\" or your team; ask a teammate.");
        }

        // The requester must be on call for the whole window: a swap hands over your own time, nobody else's.
        var overrides = await db.Overrides.AsNoTracking().Where(o => o.ScheduleId == schedule.Id && o.End > start && o.Start < end).ToListAsync(cancellationToken);
        var window = new Interval(Instant.FromDateTimeOffset(start), Instant.FromDateTimeOffset(end));
        var computed = RotationCalculator.Compute(schedule.Layers,
            [.. overrides.Select(o => new OverrideWindow(o.Id, o.PersonId, Instant.FromDateTimeOffset(o.Start), Instant.FromDateTimeOffset(o.End)))], window);
        var mine = computed.Shifts.Where(s => s.PersonId == me).Select(s => s.Interval).ToList();
        if (Spans.Subtract([window], mine) is [var hole, ..])
        {
            throw new ValidationException("window", mine.Count == 0
                ? $"You are not on call on \"{schedule.Name}\" between {start:yyyy-MM-dd HH:mm} and {end:yyyy-MM-dd HH:mm} UTC; a swap hands over your own shifts."
                : string.Create(CultureInfo.InvariantCulture,
                    $"You are not on call on \"{schedule.Name}\" from {hole.Start.ToDateTimeOffset():yyyy-MM-dd HH:mm} to {hole.End.ToDateTimeOffset():yyyy-MM-dd HH:mm} UTC; ask for the part you hold."));
        }
        if (await db.Swaps.AnyAsync(s => s.ScheduleId == schedule.Id && s.RequesterId == me && s.Start < end && s.End > start
            && (s.State == SwapState.Requested || s.State == SwapState.AwaitingApproval), cancellationToken))
        {
            throw new ConflictException("You already asked for a swap of part of this window; withdraw that one first.");
        }
        var swap = new SwapRequest
        {
            ScheduleId = schedule.Id, RequesterId = me, CoverId = cover.Id, Start = start, End = end, Reason = string.IsNullOrWhiteSpace(input.Reason) ? null : input.Reason.Trim(),
            State = SwapState.Requested, CreatedAt = now, Version = 1,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Swaps.Add(swap);
        await db.SaveChangesAsync(cancellationToken);
        Audit(db, user, "oncall.swap-requested", schedule.Name, Describe(swap, people));
        var notices = await NotificationService.StageAsync(db, [cover.Id], [],
            new NoticeDraft(NotificationKind.Swap, $"{requester.Name} asks you to cover {schedule.Name} {Window(swap)}", swap.Reason, "/oncall#swaps"), now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterAsync(schedule.Id, notices, cancellationToken);
        return View(swap, schedule.Name, people, user);
    }

    /// <summary>Accept or decline (the teammate asked), approve or reject (a manager above the requester, or an admin), or cancel (the requester).</summary>
    public async Task<SwapView> DecideAsync(ClaimsPrincipal user, int id, SwapDecision decision, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal swap shifts.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var swap = await db.Swaps.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw new NotFoundException($"There is no swap #{id}.");
        if (expectedVersion is { } version && version != swap.Version)
        {
            throw new ConflictException($"Swap #{id} changed since you looked at it: it is now {Words(swap.State)}.");
        }
        var schedule = await db.Schedules.AsNoTracking().FirstAsync(s => s.Id == swap.ScheduleId, cancellationToken);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var (requester, cover) = (people[swap.RequesterId], people[swap.CoverId]);
        var now = clock.GetUtcNow();
        var actor = people[me];
        var tell = new List<int>();
        string title;
        switch (decision)
        {
            case SwapDecision.Accept or SwapDecision.Decline:
                if (me != swap.CoverId)
                {
                    throw await DenyAsync(transaction, user, id, $"Only {cover.Name}, who was asked, can answer this swap.", cancellationToken);
                }
                RequireState(swap, SwapState.Requested);
                if (decision == SwapDecision.Decline)
                {
                    swap.State = SwapState.Declined;
                    title = $"{cover.Name} declined to cover {schedule.Name} {Window(swap)}";
                    tell.Add(requester.Id);
                }
                else if (schedule.SwapsNeedApproval)
                {
                    swap.State = SwapState.AwaitingApproval;
                    title = $"{cover.Name} accepted to cover {requester.Name} on {schedule.Name} {Window(swap)}; it waits for a manager's approval";
                    tell.Add(requester.Id);
                    tell.AddRange(Approvers(requester, people));
                }
                else
                {
                    await BecomeOverrideAsync(db, swap, schedule, cover, people, now, cancellationToken);
                    title = $"{cover.Name} covers you on {schedule.Name} {Window(swap)}";
                    tell.Add(requester.Id);
                }
                break;
            case SwapDecision.Approve or SwapDecision.Reject:
                if (!MayApprove(user, me, requester, people))
                {
                    throw await DenyAsync(transaction, user, id, $"Only a manager of {requester.Name}, or an admin, approves their swaps.", cancellationToken);
                }
                RequireState(swap, SwapState.AwaitingApproval);
                if (decision == SwapDecision.Reject)
                {
                    swap.State = SwapState.Rejected;
                    title = $"{actor.Name} did not approve the swap of {schedule.Name} {Window(swap)}";
                }
                else
                {
                    await BecomeOverrideAsync(db, swap, schedule, cover, people, now, cancellationToken);
                    title = $"{actor.Name} approved: {cover.Name} covers {requester.Name} on {schedule.Name} {Window(swap)}";
                }
                tell.AddRange([requester.Id, cover.Id]);
                break;
            default:
                if (me != swap.RequesterId)
                {
                    throw await DenyAsync(transaction, user, id, $"Only {requester.Name}, who asked, can withdraw this swap.", cancellationToken);
                }
                if (!swap.IsOpen)
                {
                    throw new ConflictException($"Swap #{id} is already {Words(swap.State)}; there is nothing to withdraw.");
                }
                swap.State = SwapState.Cancelled;
                title = $"{requester.Name} withdrew the request to cover {schedule.Name} {Window(swap)}";
                tell.Add(cover.Id);
                break;
        }
        swap.DecidedById = me;
        swap.DecidedAt = now;
        swap.Version++;
        Audit(db, user, $"oncall.swap-{decision.ToString().ToLowerInvariant()}", schedule.Name, Describe(swap, people));
        var notices = await NotificationService.StageAsync(db, [.. tell.Where(p => p != me).Distinct()], [],
            new NoticeDraft(NotificationKind.Swap, title, null, swap.OverrideId is null ? "/oncall#swaps" : $"/oncall/schedules/{schedule.Id}"), now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"Swap #{id} was answered by someone else at the same moment. Reload to see how.");
        }
        await transaction.CommitAsync(cancellationToken);
        await AfterAsync(schedule.Id, notices, cancellationToken);
        return View(swap, schedule.Name, people, user);
    }

    /// <summary>
    /// Ends the decision's transaction (on SQLite it holds the write lock) before the refusal is recorded on a
    /// connection of its own, then returns the 403 to throw.
    /// </summary>
    private async Task<AccessDeniedException> DenyAsync(Microsoft.EntityFrameworkCore.Storage.IDbContextTransaction transaction, ClaimsPrincipal user, int id, string reason,
        CancellationToken cancellationToken)
    {
        await transaction.RollbackAsync(cancellationToken);
        return await audit.DenyAsync(user, $"swap {id}", reason, cancellationToken);
    }

    /// <summary>The swaps the caller asked for, was asked to cover, or may approve: open ones, and those decided in the last two weeks.</summary>
    public async Task<List<SwapView>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal swap shifts.");
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var since = clock.GetUtcNow().AddDays(-14);
        var rows = await db.Swaps.AsNoTracking()
            .Where(s => s.State == SwapState.Requested || s.State == SwapState.AwaitingApproval || s.CreatedAt >= since || s.DecidedAt >= since)
            .OrderByDescending(s => s.Id).Take(500).ToListAsync(cancellationToken);
        var mine = rows.Where(s => s.RequesterId == me || s.CoverId == me
            || (s.State == SwapState.AwaitingApproval && MayApprove(user, me, people[s.RequesterId], people))).Take(100).ToList();
        var ids = mine.Select(s => s.ScheduleId).Distinct().ToList();
        var names = await db.Schedules.AsNoTracking().Where(s => ids.Contains(s.Id)).ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. mine.Select(s => View(s, names.GetValueOrDefault(s.ScheduleId) ?? "", people, user))];
    }

    private static async Task BecomeOverrideAsync(PortalDbContext db, SwapRequest swap, Schedule schedule, Person cover, Dictionary<int, Person> people, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        if (swap.End <= now)
        {
            throw new ConflictException("The window of this swap has passed; ask again for a new one.");
        }
        var created = await OverrideService.StageOverrideAsync(db, schedule, cover, swap.Start < now ? now : swap.Start, swap.End,
            $"Swap #{swap.Id} with {people[swap.RequesterId].Name}" + (swap.Reason is { } r ? $": {r}" : ""), swap.RequesterId, now,
            id => people.GetValueOrDefault(id)?.Name, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        swap.OverrideId = created.Id;
        swap.State = SwapState.Accepted;
    }

    private async Task AfterAsync(int scheduleId, List<LiveNotice> notices, CancellationToken cancellationToken)
    {
        await feed.PublishAsync(new LiveNotice(LiveNotice.ForSchedule(scheduleId), "swap", ""), cancellationToken);
        await notifications.PublishAsync(notices, cancellationToken);
    }

    private static bool IsTeammate(Schedule schedule, Person cover, Person requester) =>
        schedule.Layers.Any(l => l.Members.Contains(cover.Id)) || (cover.TeamId is { } team && (team == schedule.TeamId || team == requester.TeamId));

    private static IEnumerable<int> Approvers(Person requester, Dictionary<int, Person> people) =>
        requester.ManagerId is { } manager ? [manager] : people.Values.Where(p => p.Active && p.Role == PortalRole.Admin).Select(p => p.Id);

    private static bool MayApprove(ClaimsPrincipal user, int me, Person requester, Dictionary<int, Person> people) =>
        user.HasPortalRole(PortalRole.Admin) || ManagerChain.IsAbove(me, requester.Id, people.ToDictionary(p => p.Key, p => p.Value.ManagerId));

    private static void RequireState(SwapRequest swap, SwapState state)
    {
        if (swap.State != state)
        {
            throw new ConflictException($"Swap #{swap.Id} is {Words(swap.State)}, so it cannot be answered now.");
        }
    }

    private static string Words(SwapState state) => state switch
    {
        SwapState.Requested => "waiting for an answer",
        SwapState.AwaitingApproval => "waiting for a manager's approval",
        SwapState.Accepted => "accepted",
        SwapState.Declined => "declined",
        SwapState.Rejected => "rejected by a manager",
        _ => "withdrawn",
    };

    private static string Window(SwapRequest swap) =>
        string.Create(CultureInfo.InvariantCulture, $"from {swap.Start:yyyy-MM-dd HH:mm} to {swap.End:yyyy-MM-dd HH:mm} UTC");

    private static string Describe(SwapRequest swap, Dictionary<int, Person> people) =>
        $"#{swap.Id} {people[swap.RequesterId].Handle} → {people[swap.CoverId].Handle} {Window(swap)}";

    private static SwapView View(SwapRequest s, string schedule, Dictionary<int, Person> people, ClaimsPrincipal user)
    {
        var me = user.GetPersonId() ?? 0;
        var (requester, cover) = (people[s.RequesterId], people[s.CoverId]);
        return new SwapView(s.Id, s.ScheduleId, schedule, requester.Handle, requester.Name, cover.Handle, cover.Name, s.Start, s.End, s.Reason, s.State,
            s.DecidedById is { } d ? people.GetValueOrDefault(d)?.Handle : null, s.OverrideId, s.CreatedAt, s.Version,
            CanAnswer: s.State == SwapState.Requested && s.CoverId == me,
            CanApprove: s.State == SwapState.AwaitingApproval && MayApprove(user, me, requester, people),
            CanCancel: s.IsOpen && s.RequesterId == me);
    }

    private void Audit(PortalDbContext db, ClaimsPrincipal user, string action, string target, string? detail) => db.Audit(user, clock.GetUtcNow(), action, target, detail);
}
