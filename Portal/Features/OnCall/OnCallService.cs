using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

/// <summary>
/// Schedules, overrides, and who is on call. Everyone signed in reads; managers and admins change schedules; an override
/// is made by the person it puts on call, anyone above them, or an admin. Every change is audited.
/// </summary>
public sealed class OnCallService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, ILiveFeed feed, NotificationService notifications, AuditWriter audit)
{
    public const int MaxWindowDays = 400;

    public async Task<List<ScheduleSummary>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var world = await WorldAsync(db, cancellationToken);
        var now = clock.GetUtcNow();
        var overrides = await OverridesAround(db, schedules.Select(s => s.Id).ToList(), now, cancellationToken);
        return [.. schedules.Select(s =>
        {
            var team = s.TeamId is { } t ? world.Teams.GetValueOrDefault(t) : null;
            return new ScheduleSummary(s.Id, s.Name, team?.Slug, team?.Name, team?.Region, s.Layers.Count, Now(s, overrides, world, now));
        })];
    }

    public async Task<ScheduleView> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw Missing(id);
        return View(schedule, await WorldAsync(db, cancellationToken));
    }

    public async Task<ScheduleView> CreateAsync(ClaimsPrincipal user, ScheduleDocument document, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var world = await WorldAsync(db, cancellationToken);
        var now = clock.GetUtcNow();
        var schedule = new Schedule { Name = "", CreatedAt = now };
        Apply(schedule, document, world);
        await RequireTeamAsync(db, user, schedule.TeamId, $"schedule \"{schedule.Name}\"", cancellationToken);
        await RequireUniqueNameAsync(db, schedule.Name, null, cancellationToken);
        schedule.UpdatedAt = now;
        db.Schedules.Add(schedule);
        Audit(db, user, "oncall.schedule-created", schedule.Name, $"{schedule.Layers.Count} layer(s)");
        await db.SaveChangesAsync(cancellationToken);
        return View(schedule, world);
    }

    public async Task<ScheduleView> UpdateAsync(ClaimsPrincipal user, int id, ScheduleDocument document, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw Missing(id);
        await RequireTeamAsync(db, user, schedule.TeamId, $"schedule {id}", cancellationToken);
        if (document.Version is { } version && version != schedule.Version)
        {
            throw new ConflictException($"Someone changed \"{schedule.Name}\" since you opened it (version {version}, now {schedule.Version}). Reload it and make your change again.");
        }
        var world = await WorldAsync(db, cancellationToken);
        Apply(schedule, document, world);
        // Moving a schedule to another team needs the right over that team too.
        await RequireTeamAsync(db, user, schedule.TeamId, $"schedule {id}", cancellationToken);
        await RequireUniqueNameAsync(db, schedule.Name, id, cancellationToken);
        schedule.Version++;
        schedule.UpdatedAt = clock.GetUtcNow();
        Audit(db, user, "oncall.schedule-updated", schedule.Name, $"version {schedule.Version}, {schedule.Layers.Count} layer(s)");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"Someone changed \"{schedule.Name}\" at the same moment. Reload it and make your change again.");
        }
        return View(schedule, world);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.FirstOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw Missing(id);
        await RequireTeamAsync(db, user, schedule.TeamId, $"schedule {id}", cancellationToken);
        db.Schedules.Remove(schedule);
        Audit(db, user, "oncall.schedule-deleted", schedule.Name, null);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The final shifts, each layer's shifts and the gaps of a schedule between two instants.</summary>
    public async Task<ScheduleShifts> ShiftsAsync(int id, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        if (to <= from)
        {
            throw new ValidationException("to", "The window must end after it starts.");
        }
        if (to - from > TimeSpan.FromDays(MaxWindowDays))
        {
            throw new ValidationException("to", $"Ask for at most {MaxWindowDays} days at a time.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == id, cancellationToken) ?? throw Missing(id);
        var world = await WorldAsync(db, cancellationToken);
        var overrides = await db.Overrides.AsNoTracking().Where(o => o.ScheduleId == id && o.End > from && o.Start < to).ToListAsync(cancellationToken);
        var window = new Interval(Instant.FromDateTimeOffset(from), Instant.FromDateTimeOffset(to));
        var computed = RotationCalculator.Compute(schedule.Layers, Windows(overrides), window);
        return new ScheduleShifts(id, from, to,
            [.. computed.Shifts.Select(s => ShiftOf(s, schedule, world))],
            [.. computed.Gaps.Select(g => new GapView(g.Start.ToDateTimeOffset(), g.End.ToDateTimeOffset()))],
            [.. computed.Layers.Select(layer => layer.Select(s => ShiftOf(s, schedule, world)).ToList())]);
    }

    /// <summary>Who is on call at an instant (now by default) on each schedule, filtered by team slug and region.</summary>
    public async Task<List<OnCallNow>> OnCallAsync(string? team, RegionCode? region, DateTimeOffset? at, CancellationToken cancellationToken = default)
    {
        var when = at ?? clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var world = await WorldAsync(db, cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().OrderBy(s => s.Name).ToListAsync(cancellationToken);
        var overrides = await OverridesAround(db, schedules.Select(s => s.Id).ToList(), when, cancellationToken);
        return [.. schedules
            .Select(s => (Schedule: s, Team: s.TeamId is { } t ? world.Teams.GetValueOrDefault(t) : null))
            .Where(x => team is null || string.Equals(x.Team?.Slug, team, StringComparison.OrdinalIgnoreCase))
            .Where(x => region is null || x.Team?.Region == region)
            .Select(x => new OnCallNow(x.Schedule.Id, x.Schedule.Name, x.Team?.Slug, x.Team?.Name, x.Team?.Region, Now(x.Schedule, overrides, world, when), when))];
    }

    /// <summary>The schedules a person is on call for right now, with until when.</summary>
    public async Task<List<OnCallNow>> ForPersonNowAsync(string handle, CancellationToken cancellationToken = default) =>
        [.. (await OnCallAsync(null, null, null, cancellationToken)).Where(n => n.Person?.Handle == handle)];

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
        var world = await WorldAsync(db, cancellationToken);
        var names = await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. rows.Select(o => OverrideOf(o, names.GetValueOrDefault(o.ScheduleId) ?? "", world))];
    }

    public async Task<OverrideView> CreateOverrideAsync(ClaimsPrincipal user, OverrideRequest request, CancellationToken cancellationToken = default)
    {
        var (start, end) = RequireWindow("override", request.ScheduleId, ("person", request.Person, "Name the person who takes over (their handle)."),
            request.Start, request.End, request.Reason, clock.GetUtcNow());
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var schedule = await db.Schedules.AsNoTracking().FirstOrDefaultAsync(s => s.Id == request.ScheduleId, cancellationToken) ?? throw Missing(request.ScheduleId!.Value);
        var world = await WorldAsync(db, cancellationToken);
        var handle = request.Person!.Trim();
        var person = world.ByHandle.GetValueOrDefault(handle) is { Active: true } found ? found
            : throw new ValidationException("person", $"There is no active person \"{handle}\".");
        await RequireMayOverrideAsync(db, user, person, cancellationToken);

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var created = await StageOverrideAsync(db, schedule, person, start, end, request.Reason, user.GetPersonId(), now, id => world.People.GetValueOrDefault(id)?.Name, cancellationToken);
        Audit(db, user, "oncall.override-created", schedule.Name, string.Create(CultureInfo.InvariantCulture, $"{person.Handle} {start:u} – {end:u}"));
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
        var world = await WorldAsync(db, cancellationToken);
        var person = world.People[row.PersonId];
        if (row.CreatedById != user.GetPersonId())
        {
            await RequireMayOverrideAsync(db, user, person, cancellationToken);
        }
        var schedule = await db.Schedules.Where(s => s.Id == row.ScheduleId).Select(s => s.Name).FirstAsync(cancellationToken);
        db.Overrides.Remove(row);
        Audit(db, user, "oncall.override-deleted", schedule, string.Create(CultureInfo.InvariantCulture, $"#{id} {person.Handle} {row.Start:u} – {row.End:u}"));
        var notices = person.Id == user.GetPersonId() ? [] : await NotificationService.StageAsync(db, [person.Id], [],
            new NoticeDraft(NotificationKind.Override, $"Your override on {schedule} from {row.Start:yyyy-MM-dd HH:mm} UTC was removed",
                $"Removed by {world.People.GetValueOrDefault(user.GetPersonId() ?? 0)?.Name ?? "an admin"}.", $"/oncall/schedules/{row.ScheduleId}"),
            clock.GetUtcNow(), cancellationToken);
        await db.SaveChangesAsync(cancellationToken);
        await AfterChangeAsync(row.ScheduleId, "override-deleted", notices, cancellationToken);
    }

    /// <summary>Who each schedule puts on call at an instant (by person id; absent in a gap), overrides included.</summary>
    public static async Task<Dictionary<int, int>> OnCallAtAsync(PortalDbContext db, IReadOnlyList<Schedule> schedules, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var overrides = await OverridesAround(db, [.. schedules.Select(s => s.Id)], at, cancellationToken);
        var onCall = new Dictionary<int, int>();
        foreach (var schedule in schedules)
        {
            if (RotationCalculator.OnCallAt(schedule.Layers, Windows(overrides.Where(o => o.ScheduleId == schedule.Id)), Instant.FromDateTimeOffset(at)) is { } shift)
            {
                onCall[schedule.Id] = shift.PersonId;
            }
        }
        return onCall;
    }

    private sealed record World(Dictionary<int, Person> People, Dictionary<string, Person> ByHandle, Dictionary<int, Shared.Team.Team> Teams, Dictionary<string, Shared.Team.Team> TeamsBySlug);

    private static async Task<World> WorldAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var people = await db.People.AsNoTracking().ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToListAsync(cancellationToken);
        return new World(people.ToDictionary(p => p.Id), people.ToDictionary(p => p.Handle, StringComparer.OrdinalIgnoreCase),
            teams.ToDictionary(t => t.Id), teams.ToDictionary(t => t.Slug, StringComparer.OrdinalIgnoreCase));
    }

    private static async Task<List<ScheduleOverride>> OverridesAround(PortalDbContext db, List<int> scheduleIds, DateTimeOffset at, CancellationToken cancellationToken)
    {
        var (from, to) = (at.AddDays(-8), at.AddDays(8));
        return await db.Overrides.AsNoTracking().Where(o => scheduleIds.Contains(o.ScheduleId) && o.End > from && o.Start < to).ToListAsync(cancellationToken);
    }

    private static List<OverrideWindow> Windows(IEnumerable<ScheduleOverride> overrides) =>
        [.. overrides.Select(o => new OverrideWindow(o.Id, o.PersonId, Instant.FromDateTimeOffset(o.Start), Instant.FromDateTimeOffset(o.End)))];

    private static OnCallPerson? Now(Schedule schedule, List<ScheduleOverride> overrides, World world, DateTimeOffset at)
    {
        var shift = RotationCalculator.OnCallAt(schedule.Layers, Windows(overrides.Where(o => o.ScheduleId == schedule.Id)), Instant.FromDateTimeOffset(at));
        if (shift is null || !world.People.TryGetValue(shift.PersonId, out var person))
        {
            return null;
        }
        return new OnCallPerson(person.Handle, person.Name, person.TimeZone, shift.Start.ToDateTimeOffset(), shift.End.ToDateTimeOffset(), SourceName(shift, schedule));
    }

    private static string SourceName(Shift shift, Schedule schedule) =>
        shift.Source.IsOverride ? "override" : schedule.Layers[shift.Source.Layer!.Value] is { Name: { Length: > 0 } name } ? name : $"Layer {shift.Source.Layer + 1}";

    private static ShiftView ShiftOf(Shift shift, Schedule schedule, World world)
    {
        var person = world.People.GetValueOrDefault(shift.PersonId);
        return new ShiftView(person?.Handle ?? $"#{shift.PersonId}", person?.Name ?? "(removed)", person?.TimeZone ?? "UTC", shift.Start.ToDateTimeOffset(), shift.End.ToDateTimeOffset(),
            shift.Source.Layer, shift.Source.IsOverride ? null : SourceName(shift, schedule), shift.Source.OverrideId);
    }

    private static OverrideView OverrideOf(ScheduleOverride o, string schedule, World world)
    {
        var person = world.People.GetValueOrDefault(o.PersonId);
        var by = o.CreatedById is { } c ? world.People.GetValueOrDefault(c)?.Handle : null;
        return new OverrideView(o.Id, o.ScheduleId, schedule, person?.Handle ?? "", person?.Name ?? "", o.Start, o.End, o.Reason, by);
    }

    private static ScheduleView View(Schedule s, World world) =>
        new(s.Id, s.Name, s.TeamId is { } t ? world.Teams.GetValueOrDefault(t)?.Slug : null, s.Description, s.SwapsNeedApproval,
            [.. s.Layers.Select(l => new LayerDocument(l.Name, [.. l.Members.Select(m => world.People.GetValueOrDefault(m)?.Handle ?? $"#{m}")], l.Rotation,
                l.ShiftHours, l.Handoff.ToString("HH:mm", CultureInfo.InvariantCulture), l.Zone, l.StartDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                [.. l.Restrictions.Select(r => new RestrictionDocument([.. r.Days], r.From.ToString("HH:mm", CultureInfo.InvariantCulture), r.To.ToString("HH:mm", CultureInfo.InvariantCulture)))]))],
            s.Version);

    /// <summary>Reads a document into the schedule, or throws one validation error naming every broken rule.</summary>
    private static void Apply(Schedule schedule, ScheduleDocument document, World world)
    {
        var errors = new Dictionary<string, string[]>();
        var layers = new List<ScheduleLayer>();
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(document.Team))
        {
            if (world.TeamsBySlug.TryGetValue(document.Team.Trim(), out var team))
            {
                teamId = team.Id;
            }
            else
            {
                errors["team"] = [$"There is no team \"{document.Team}\"."];
            }
        }
        if (document.Description is { Length: > 2000 })
        {
            errors["description"] = ["A description is at most 2000 characters."];
        }
        for (var i = 0; i < (document.Layers?.Count ?? 0); i++)
        {
            var input = document.Layers![i];
            var at = $"layers[{i}]";
            var layer = new ScheduleLayer
            {
                Name = input.Name?.Trim() ?? "", Rotation = input.Rotation, ShiftHours = input.ShiftHours ?? 12, Zone = input.Zone?.Trim() ?? "",
            };
            foreach (var handle in input.Members ?? [])
            {
                if (world.ByHandle.TryGetValue(handle.Trim(), out var person) && person.Active)
                {
                    layer.Members.Add(person.Id);
                }
                else
                {
                    errors[$"{at}.members"] = [.. errors.GetValueOrDefault($"{at}.members") ?? [], $"There is no active person \"{handle}\"."];
                }
            }
            if (TryTime(input.Handoff, out var handoff))
            {
                layer.Handoff = handoff;
            }
            else
            {
                errors[$"{at}.handoff"] = ["Give the handoff time as HH:mm, for example 09:00."];
            }
            if (DateOnly.TryParseExact(input.StartDate, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var startDate))
            {
                layer.StartDate = startDate;
            }
            else
            {
                errors[$"{at}.startDate"] = ["Give the start date as yyyy-MM-dd, for example 2026-11-30."];
            }
            for (var r = 0; r < (input.Restrictions?.Count ?? 0); r++)
            {
                var restriction = input.Restrictions![r];
                if (TryTime(restriction.From, out var from) && TryTime(restriction.To, out var to))
                {
                    layer.Restrictions.Add(new LayerRestriction { Days = [.. (restriction.Days ?? []).Distinct().Order()], From = from, To = to });
                }
                else
                {
                    errors[$"{at}.restrictions[{r}]"] = ["Give a window's start and end as HH:mm, for example 09:00 and 17:00."];
                }
            }
            layers.Add(layer);
        }
        foreach (var (field, messages) in ScheduleRules.Validate(document.Name, layers, id => world.People.TryGetValue(id, out var p) && p.Active))
        {
            errors[field] = [.. errors.GetValueOrDefault(field) ?? [], .. messages];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        schedule.Name = document.Name!.Trim();
        schedule.Description = string.IsNullOrWhiteSpace(document.Description) ? null : document.Description.Trim();
        schedule.TeamId = teamId;
        schedule.SwapsNeedApproval = document.SwapsNeedApproval;
        schedule.Layers = layers;
    }

    private static bool TryTime(string? text, out TimeOnly time) =>
        TimeOnly.TryParseExact(text?.Trim(), ["HH:mm", "H:mm", "HH:mm:ss"], CultureInfo.InvariantCulture, DateTimeStyles.None, out time);

    private static async Task RequireUniqueNameAsync(PortalDbContext db, string name, int? except, CancellationToken cancellationToken)
    {
        if (await db.Schedules.AnyAsync(s => s.Name == name && s.Id != except, cancellationToken))
        {
            throw new ValidationException("name", $"A schedule named \"{name}\" already exists.");
        }
    }

    private async Task RequireTeamAsync(PortalDbContext db, ClaimsPrincipal user, int? teamId, string target, CancellationToken cancellationToken) =>
        await audit.RequireAsync(Permissions.MayManageTeam(await db.OrgAsync(cancellationToken), user.AsActor(), teamId), user, target,
            "Only the schedule's team managers, the managers above them and admins change it.", cancellationToken);

    /// <summary>The person it puts on call, anyone above them in the reporting line, or an admin.</summary>
    private async Task RequireMayOverrideAsync(PortalDbContext db, ClaimsPrincipal user, Person person, CancellationToken cancellationToken) =>
        await audit.RequireAsync(Permissions.MayActFor(await db.OrgAsync(cancellationToken), user.AsActor(), person.Id), user, $"overrides of {person.Handle}",
            $"Only {person.Name}, their manager or an admin can put {person.Name} on call or take them off.", cancellationToken);

    private void Audit(PortalDbContext db, ClaimsPrincipal user, string action, string target, string? detail) => db.Audit(user, clock.GetUtcNow(), action, target, detail);

    private static NotFoundException Missing(int id) => new($"There is no schedule #{id}.");
}
