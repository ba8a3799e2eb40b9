using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Features.Rca;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Demo;
using Portal.Shared.OnCall;
using Portal.Shared.Team;

namespace Portal.Features.Demo;

/// <summary>The <c>Demo</c> section.</summary>
public sealed class DemoOptions
{
    /// <summary>true: always seed; false: never; unset: seed an empty database in Development.</summary>
    public bool? Seed { get; set; }

    /// <summary>Whether seeding includes the fifteen weeks of incident history (default true).</summary>
    public bool History { get; set; } = true;
}

/// <summary>
/// Writes the demo world into the database. Idempotent: what exists (by slug or handle) is left as it is,
/// so a restart, or a person's own edits, never duplicate or overwrite anything.
/// </summary>
public sealed class DemoSeeder(
    IDbContextFactory<PortalDbContext> factory,
    IOptions<DemoOptions> options,
    IHostEnvironment environment,
    TimeProvider clock,
    IServiceScopeFactory scopes,
    IConfiguration configuration,
    ILogger<DemoSeeder> logger) : IStartupSeeder
{
    public async Task SeedIfWantedAsync(CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var wanted = options.Value.Seed switch
        {
            true => true,
            false => false,
            null => environment.IsDevelopment() && !await db.People.AnyAsync(cancellationToken),
        };
        if (wanted)
        {
            await SeedAsync(db, DemoWorld.Generate(), cancellationToken);
        }
    }

    internal async Task SeedAsync(PortalDbContext db, DemoWorld world, CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var stages = new List<string>();
        void Stage(string name)
        {
            stages.Add($"{name} {watch.ElapsedMilliseconds} ms");
            watch.Restart();
        }
        // Two transactions around the runbook import, which writes through contexts of its own: each part lands
        // whole or not at all, and the thousands of saves inside commit (and flush to disk) once, not one by one.
        var added = await InTransactionAsync(db, async () =>
        {
            var people = await SeedPeopleAndOnCallAsync(db, world, now, cancellationToken);
            await DemoCaseSeeder.SeedAdvertisersAsync(db, now, cancellationToken);
            return people;
        }, cancellationToken);
        Stage("people");
        await SeedRunbooksAsync(db, cancellationToken);
        Stage("runbooks");
        var incidents = await InTransactionAsync(db, async () =>
        {
            var count = options.Value.History ? await DemoHistorySeeder.SeedIncidentsAsync(db, world, now, cancellationToken) : 0;
            Stage("incidents");
            if (options.Value.History)
            {
                await DemoCaseSeeder.SeedCasesAsync(db, world, now, cancellationToken);
                Stage("cases");
                await DemoIntelligenceSeeder.SeedAsync(db, cancellationToken);
                Stage("intelligence");
            }
            // The history above is saved; tracking its thousands of rows would make every save below scan them all again.
            db.ChangeTracker.Clear();
            await DemoCoachingSeeder.SeedAsync(db, world, now, cancellationToken);
            return count;
        }, cancellationToken);
        Stage("coaching");
        if (incidents > 0)
        {
            // The recurrence rules group the history by its alerts, oldest first, as they would have as it happened: so a
            // problem that came back after its RCA's fix is flagged by the same rule a live incident meets.
            var alerted = await db.Alerts.AsNoTracking().Select(a => a.IncidentNumber).Distinct().ToListAsync(cancellationToken);
            using var scope = scopes.CreateScope();
            await scope.ServiceProvider.GetRequiredService<RecurrenceService>().AssignFamiliesAsync(alerted, cancellationToken);
        }
        Stage("recurrence families");
        if (options.Value.History)
        {
            await DemoAutomationSeeder.SeedAsync(db, world, now, DemoBilling.BaseUrl(configuration), cancellationToken);
            Stage("automation");
        }
        logger.LogInformation("Demo world seeded: {People} people and {Incidents} incidents added ({Stages})", added, incidents, string.Join(", ", stages));
    }

    private static async Task<T> InTransactionAsync<T>(PortalDbContext db, Func<Task<T>> work, CancellationToken cancellationToken)
    {
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var result = await work();
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    /// <summary>Teams, people, services, the monitor's integration, schedules and escalation; returns how many people were added.</summary>
    private static async Task<int> SeedPeopleAndOnCallAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var t in world.Teams.Where(t => !teams.ContainsKey(t.Slug)))
        {
            var team = new Shared.Team.Team { Slug = t.Slug, Name = t.Name, Region = t.Region };
            db.Teams.Add(team);
            teams[t.Slug] = team;
        }
        await db.SaveChangesAsync(cancellationToken);

        var people = await db.People.ToDictionaryAsync(p => p.Handle, cancellationToken);
        var added = new List<(Person Person, string? ManagerHandle)>();
        foreach (var p in world.People.Where(p => !people.ContainsKey(p.Handle)))
        {
            var person = new Person
            {
                Handle = p.Handle,
                Name = p.Name,
                Email = p.Email,
                Region = p.Region,
                TimeZone = p.TimeZone,
                Role = p.Role,
                Level = p.Level,
                TeamId = p.TeamSlug is null ? null : teams[p.TeamSlug].Id,
                CreatedAt = now,
            };
            db.People.Add(person);
            people[p.Handle] = person;
            added.Add((person, p.ManagerHandle));
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var (person, managerHandle) in added)
        {
            person.ManagerId = managerHandle is null ? null : people[managerHandle].Id;
        }

        var services = await db.Services.Select(s => s.Slug).ToHashSetAsync(cancellationToken);
        foreach (var s in world.Services.Where(s => !services.Contains(s.Slug)))
        {
            db.Services.Add(new BusinessService
            {
                Slug = s.Slug,
                Name = s.Name,
                Description = s.Description,
                Tier = s.Tier,
                OwningTeamId = teams[s.TeamSlug].Id,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        if (!await db.Integrations.AnyAsync(i => i.Name == DemoWorld.MonitorName, cancellationToken))
        {
            db.Integrations.Add(new Integration
            {
                Name = DemoWorld.MonitorName, Kind = IntegrationKind.EventsV2, KeyHash = IntegrationKeys.Hash(DemoWorld.MonitorKey),
                KeyHint = IntegrationKeys.Hint(DemoWorld.MonitorKey), ServiceId = await db.Services.Where(s => s.Slug == "payments").Select(s => (int?)s.Id).FirstOrDefaultAsync(cancellationToken),
                CreatedAt = now,
            });
            await db.SaveChangesAsync(cancellationToken);
        }
        await SeedOnCallAsync(db, world, now, cancellationToken);
        await SeedEscalationAsync(db, world, now, cancellationToken);
        return added.Count;
    }

    /// <summary>The schedules and overrides, once: only into an empty schedules table.</summary>
    private static async Task SeedOnCallAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.Schedules.AnyAsync(cancellationToken))
        {
            return;
        }
        var people = await db.People.ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, t => t.Id, cancellationToken);
        var schedules = new Dictionary<string, Schedule>();
        foreach (var demo in DemoSchedules.Generate(world))
        {
            var schedule = new Schedule
            {
                Name = demo.Name, Description = demo.Description, TeamId = demo.TeamSlug is null ? null : teams[demo.TeamSlug], CreatedAt = now, UpdatedAt = now,
                SwapsNeedApproval = demo.TeamSlug is not null,
                Layers = [.. demo.Layers.Select(l => new ScheduleLayer
                {
                    Name = l.Name, Members = [.. l.Members.Select(h => people[h])], Rotation = l.Rotation, ShiftHours = l.ShiftHours, Handoff = l.Handoff,
                    Zone = l.Zone, StartDate = DemoSchedules.Start, Restrictions = [.. l.Restrictions],
                })],
            };
            db.Schedules.Add(schedule);
            schedules[demo.Name] = schedule;
        }
        await db.SaveChangesAsync(cancellationToken);
        var hour = new DateTimeOffset(now.Year, now.Month, now.Day, now.Hour, 0, 0, TimeSpan.Zero);
        foreach (var o in DemoSchedules.Overrides(world))
        {
            db.Overrides.Add(new ScheduleOverride
            {
                ScheduleId = schedules[o.Schedule].Id, PersonId = people[o.Handle], Start = hour + o.FromNow, End = hour + o.FromNow + o.Length, Reason = o.Reason, CreatedAt = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>The folder of the demo's runbooks, next to the portal's binaries.</summary>
    public static string RunbookFolder => Path.Combine(AppContext.BaseDirectory, "Features", "Demo", "Runbooks");

    /// <summary>
    /// Once, into an empty runbooks table: the billing estate's runbooks, imported the way a team keeping them in git would.
    /// </summary>
    private async Task SeedRunbooksAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Runbooks.AnyAsync(cancellationToken) || !System.IO.Directory.Exists(RunbookFolder))
        {
            return;
        }
        var report = await new Runbooks.RunbookSync(factory, new Runbooks.RunbookOptions(), clock, new Infrastructure.Auth.AuditWriter(factory, clock, new Infrastructure.Web.ClientOrigin())).ImportAsync(null, RunbookFolder, cancellationToken);
        foreach (var bad in report.Files.Where(f => f.Outcome == Features.Runbooks.ImportOutcome.Invalid))
        {
            logger.LogWarning("Demo runbook {File} was not imported: {Reason}", bad.File, bad.Reason);
        }
    }

    /// <summary>
    /// Once, into an empty policies table: each regional team's escalation policy (its schedule, then its manager,
    /// then the head of support; once more after that) on the services it owns, and a swap waiting for an answer.
    /// </summary>
    private static async Task SeedEscalationAsync(PortalDbContext db, DemoWorld world, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (await db.EscalationPolicies.AnyAsync(cancellationToken))
        {
            return;
        }
        var people = await db.People.ToDictionaryAsync(p => p.Handle, p => p.Id, cancellationToken);
        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, t => t.Id, cancellationToken);
        var schedules = await db.Schedules.ToDictionaryAsync(s => s.Name, cancellationToken);
        var head = world.People.First(p => p.Role == PortalRole.Admin);
        var policies = new Dictionary<int, EscalationPolicy>();
        foreach (var team in world.Teams)
        {
            if (!schedules.TryGetValue(DemoSchedules.RegionalName(team.Region), out var regional))
            {
                continue;
            }
            var manager = world.People.First(p => p.Role == PortalRole.Manager && p.TeamSlug == team.Slug);
            var policy = new EscalationPolicy
            {
                Name = $"{team.Name} escalation", TeamId = teams[team.Slug], Repeat = 1, Version = 1, CreatedAt = now, UpdatedAt = now,
                Description = $"Whoever is on call for {team.Name}, then their manager, then the head of support.",
                Levels =
                [
                    new() { DelayMinutes = 15, Targets = [new() { Kind = EscalationTargetKind.Schedule, Id = regional.Id }] },
                    new() { DelayMinutes = 15, Targets = [new() { Kind = EscalationTargetKind.Person, Id = people[manager.Handle] }] },
                    new() { DelayMinutes = 30, Targets = [new() { Kind = EscalationTargetKind.Person, Id = people[head.Handle] }] },
                ],
            };
            db.EscalationPolicies.Add(policy);
            policies[teams[team.Slug]] = policy;
        }
        await db.SaveChangesAsync(cancellationToken);
        foreach (var service in await db.Services.Where(s => s.OwningTeamId != null).ToListAsync(cancellationToken))
        {
            service.EscalationPolicyId = policies.GetValueOrDefault(service.OwningTeamId!.Value)?.Id;
        }

        // A JP engineer asks a teammate to cover the first four hours of their next shift.
        if (schedules.TryGetValue(DemoSchedules.RegionalName(RegionCode.JP), out var jp))
        {
            var window = new NodaTime.Interval(NodaTime.Instant.FromDateTimeOffset(now.AddDays(1)), NodaTime.Instant.FromDateTimeOffset(now.AddDays(9)));
            var next = RotationCalculator.Compute(jp.Layers, [], window).Shifts.FirstOrDefault(s => (s.End - s.Start).TotalHours >= 4);
            var cover = next is null ? 0 : jp.Layers[0].Members.FirstOrDefault(m => m != next.PersonId);
            if (next is not null && cover is var coverId and > 0)
            {
                db.Swaps.Add(new SwapRequest
                {
                    ScheduleId = jp.Id, RequesterId = next.PersonId, CoverId = coverId, Start = next.Start.ToDateTimeOffset(), End = next.Start.ToDateTimeOffset().AddHours(4),
                    Reason = "Parents' evening at school", State = SwapState.Requested, CreatedAt = now.AddHours(-3), Version = 1,
                });
                db.Notifications.Add(new Notification
                {
                    PersonId = coverId, Kind = NotificationKind.Swap, CreatedAt = now.AddHours(-3), Link = "/oncall#swaps",
                    Title = $"{await db.People.Where(p => p.Id == next.PersonId).Select(p => p.Name).FirstAsync(cancellationToken)} asks you to cover {jp.Name} for four hours",
                    Body = "Parents' evening at school",
                });
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }

}
