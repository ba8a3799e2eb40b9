using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

/// <summary>
/// Overrides: someone on call for a window in place of the rotation, made by the person it puts on call, anyone above
/// them, or an admin (and by accepted swaps, through <see cref="StageOverrideAsync"/>). Every change is audited.
/// </summary>
public sealed class OverrideService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, ILiveFeed feed, NotificationService notifications, AuditWriter audit)
{
    public async Task<List<OverrideView>> OverridesAsync(int? scheduleId, DateTimeOffset? from, DateTimeOffset? to, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var start = from ?? clock.GetUtcNow();
        var query = db.Overrides.AsNoTracking().Where(o => o.End > start);
        if (scheduleId is { } id)
        {
            query = query.Where(o => o.ScheduleId == id);
        }
        if (to is { } end)
        {
            query = query.Where(o => o.Start < end);
        }
        var rows = await query.OrderBy(o => o.Start).Take(500).ToListAsync(cancellationToken);
        var world = await OnCallService.WorldAsync(db, cancellationToken);
        var names = await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. rows.Select(o => OverrideOf(o, names.GetValueOrDefault(o.ScheduleId) ?? "", world))];
    }

    public async Task<OverrideView> CreateOverrideAsync(ClaimsPrincipal user, OverrideRequest request, CancellationToken cancellationToken = default)
    {
        var (start, end) = RequireWindow("override", request.ScheduleId, ("person", request.Person, "Name the person who takes over (their handle)."),
            request.Start, request.End, request.Reason, clock.GetUtcNow());
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.ScheduleId, cancellationToken) ?? throw OnCallService.Missing(request.ScheduleId!.Value);
        var world = await OnCallService.WorldAsync(db, cancellationToken);
        var handle = request.Person!.Trim();
        var person = world.ByHandle.GetValueOrDefault(handle) is { Active: true } found ? found
            : throw new ValidationException("person", $"There is no active person \"{handle}\".");
        await RequireMayOverrideAsync(db, user, person, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var created = await StageOverrideAsync(db, schedule, person, start, end, request.Reason, user.GetPersonId(), now, id => world.People.GetValueOrDefault(id)?.Name, cancellationToken);
        db.Audit(user, clock.GetUtcNow(), "oncall.override-created", schedule.Name, string.Create(CultureInfo.InvariantCulture, $"{person.Handle} {start:u} – {end:u}"));
        var notices = person.Id == user.GetPersonId() ? [] : await NotificationService.StageAsync(db, [person.Id], [],
            new NoticeDraft(NotificationKind.Override, $"You are on call for {schedule.Name} from {start:yyyy-MM-dd HH:mm} to {end:yyyy-MM-dd HH:mm} UTC",
                $"Override by {world.People.GetValueOrDefault(user.GetPersonId() ?? 0)?.Name ?? "an admin"}" + (created.Reason is { } r ? $": {r}" : "."), $"/oncall/schedules/{schedule.Id}"),
            now, cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await AfterChangeAsync(schedule.Id, "override-created", notices, cancellationToken);
        return OverrideOf(created, schedule.Name, world);
    }

    /// <summary>
    /// The checks an override and a swap share: a schedule, a person, a window that is not in the past nor too long,
    /// a short reason. Returns the window in UTC, or throws naming every problem.
    /// </summary>
    internal static (DateTimeOffset Start, DateTimeOffset End) RequireWindow(string what, int? scheduleId, (string Field, string? Value, string Missing) person,
        DateTimeOffset? start, DateTimeOffset? end, string? reason, DateTimeOffset now)
    {
        var errors = new Dictionary<string, string[]>();
        if (scheduleId is null)
        {
            errors["scheduleId"] = ["Name the schedule."];
        }
        if (string.IsNullOrWhiteSpace(person.Value))
        {
            errors[person.Field] = [person.Missing];
        }
        if (start is null || end is null)
        {
            errors["window"] = [$"Give the {what} a start and an end."];
        }
        if (reason is { Length: > 500 })
        {
            errors["reason"] = ["A reason is at most 500 characters."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var (from, to) = (start!.Value.ToUniversalTime(), end!.Value.ToUniversalTime());
        return ScheduleRules.WhyNotOverride(from, to, now) is { } why ? throw new ValidationException("window", why) : (from, to);
    }

    /// <summary>
    /// Adds an override in the caller's transaction, or throws naming the override it would overlap. Used by overrides
    /// made directly and by accepted shift swaps.
    /// </summary>
    internal static async Task<ScheduleOverride> StageOverrideAsync(PortalDbContext db, Schedule schedule, Person person, DateTimeOffset start, DateTimeOffset end,
        string? reason, int? createdBy, DateTimeOffset now, Func<int, string?> nameOf, CancellationToken cancellationToken)
    {
        var existing = await db.Overrides.AsNoTracking().Where(o => o.ScheduleId == schedule.Id && o.Start < end && o.End > start).ToListAsync(cancellationToken);
        if (ScheduleRules.FirstOverlap(existing, start, end) is { } clash)
        {
            var who = nameOf(clash.PersonId) ?? "someone";
            throw new ConflictException($"It overlaps {who}'s override on \"{schedule.Name}\" from {clash.Start:yyyy-MM-dd HH:mm} to {clash.End:yyyy-MM-dd HH:mm} UTC "
                + $"(#{clash.Id}). Change or remove that one first.");
        }
        var created = new ScheduleOverride
        {
            ScheduleId = schedule.Id, PersonId = person.Id, Start = start, End = end, Reason = string.IsNullOrWhiteSpace(reason) ? null : reason.Trim(),
            CreatedById = createdBy, CreatedAt = now,
        };
        db.Overrides.Add(created);
        return created;
    }

    /// <summary>After a committed change to a schedule's overrides: pages showing it re-read, and the people it concerns hear of it.</summary>
    private async Task AfterChangeAsync(int scheduleId, string kind, List<LiveNotice> notices, CancellationToken cancellationToken)
    {
        await feed.PublishAsync(new LiveNotice(LiveNotice.ForSchedule(scheduleId), kind, ""), cancellationToken);
        await notifications.PublishAsync(notices, cancellationToken);
    }

    public async Task DeleteOverrideAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Overrides.FirstOrDefaultAsync(o => o.Id == id, cancellationToken) ?? throw new NotFoundException($"There is no override #{id}.");
        var world = await OnCallService.WorldAsync(db, cancellationToken);
        var person = world.People[row.PersonId];
        if (row.CreatedById != user.GetPersonId())
        {
            await RequireMayOverrideAsync(db, user, person, cancellationToken);
        }
        var schedule = await db.Schedules.Where(s => s.Id == row.ScheduleId).Select(s => s.Name).FirstAsync(cancellationToken);
        db.Overrides.Remove(row);
        db.Audit(user, clock.GetUtcNow(), "oncall.override-deleted", schedule, string.Create(CultureInfo.InvariantCulture, $"#{id} {person.Handle} {row.Start:u} – {row.End:u}"));
        var notices = person.Id == user.GetPersonId() ? [] : await NotificationService.StageAsync(db, [person.Id], [],
            new NoticeDraft(NotificationKind.Override, $"Your override on {schedule} from {row.Start:yyyy-MM-dd HH:mm} UTC was removed",
                $"Removed by {world.People.GetValueOrDefault(user.GetPersonId() ?? 0)?.Name ?? "an admin"}.", $"/oncall/schedules/{row.ScheduleId}"),
            clock.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await AfterChangeAsync(row.ScheduleId, "override-deleted", notices, cancellationToken);
    }

    /// <summary>The person it puts on call, anyone above them in the reporting line, or an admin.</summary>
    private async Task RequireMayOverrideAsync(PortalDbContext db, ClaimsPrincipal user, Person person, CancellationToken cancellationToken) =>
        await audit.RequireAsync(Permissions.MayActFor(await db.OrgAsync(cancellationToken), user.AsActor(), person.Id), user, $"overrides of {person.Handle}",
            $"Only {person.Name}, their manager or an admin can put {person.Name} on call or take them off.", cancellationToken);

    private static OverrideView OverrideOf(ScheduleOverride o, string schedule, OnCallService.World world)
    {
        var person = world.People.GetValueOrDefault(o.PersonId);
        var by = o.CreatedById is { } c ? world.People.GetValueOrDefault(c)?.Handle : null;
        return new OverrideView(o.Id, o.ScheduleId, schedule, person?.Handle ?? "", person?.Name ?? "", o.Start, o.End, o.Reason, by);
    }
}
