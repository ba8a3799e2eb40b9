using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.OnCall;
using Portal.Shared.Team;

namespace Portal.Features.OnCall;

/// <summary>
/// Schedules and who is on call (overrides: <see cref="OverrideService"/>). Everyone signed in reads; the schedule's
/// team managers, those above them and admins change schedules. Every change is audited.
/// </summary>
public sealed class OnCallService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
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

    internal sealed record World(Dictionary<int, Person> People, Dictionary<string, Person> ByHandle, Dictionary<int, Shared.Team.Team> Teams, Dictionary<string, Shared.Team.Team> TeamsBySlug);

    internal static async Task<World> WorldAsync(PortalDbContext db, CancellationToken cancellationToken)
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

    private void Audit(PortalDbContext db, ClaimsPrincipal user, string action, string target, string? detail) => db.Audit(user, clock.GetUtcNow(), action, target, detail);

    internal static NotFoundException Missing(int id) => new($"There is no schedule #{id}.");
}
