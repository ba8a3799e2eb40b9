using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Demo;

/// <summary>The <c>Demo</c> section.</summary>
public sealed class DemoOptions
{
    /// <summary>true: always seed; false: never; unset: seed an empty database in Development.</summary>
    public bool? Seed { get; set; }
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
    ILogger<DemoSeeder> logger)
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

        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        foreach (var t in world.Teams.Where(t => !teams.ContainsKey(t.Slug)))
        {
            var team = new Team { Slug = t.Slug, Name = t.Name, Region = t.Region };
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
        logger.LogInformation("Demo world seeded: {People} people added", added.Count);
    }
}
