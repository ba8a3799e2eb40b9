using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Components.Layout;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Features.Directory;

public sealed record TeamView(int Id, string Slug, string Name, RegionCode Region, int Members);

public sealed record ServiceView(int Id, string Slug, string Name, string? Description, ServiceTier Tier, string? TeamSlug, string? TeamName);

/// <summary>People, teams and the service catalogue: who is who, and who owns what.</summary>
public sealed class PeopleService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock) : IExternalPeople, IViewerDirectory
{
    public async Task<IReadOnlyList<PersonView>> ListAsync(RegionCode? region = null, string? teamSlug = null, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var people = db.People.AsNoTracking().Where(p => p.Active);
        if (region is { } r)
        {
            people = people.Where(p => p.Region == r);
        }
        if (!string.IsNullOrWhiteSpace(teamSlug))
        {
            people = people.Where(p => p.Team != null && p.Team.Slug == teamSlug);
        }
        return await Project(people.OrderBy(p => p.Team == null ? "" : p.Team.Name).ThenByDescending(p => p.Role).ThenBy(p => p.Name)).ToListAsync(cancellationToken);
    }

    public async Task<PersonView?> FindAsync(string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = handle.Trim().ToLowerInvariant();
        return await Project(db.People.AsNoTracking().Where(p => p.Handle == key)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The signed-in person, or null when the principal is not a portal person.</summary>
    public async Task<PersonView?> MeAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        if (user.GetPersonId() is not { } id)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await Project(db.People.AsNoTracking().Where(p => p.Id == id)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>How the viewer stands to the person (self, manager above them, admin, or none): which of their pages they may open.</summary>
    public async Task<Relation> RelationAsync(ClaimsPrincipal viewer, string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return (await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken)).Relation;
    }

    /// <summary>The full entity, for signing in.</summary>
    public async Task<Person?> FindForSignInAsync(string handle, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = handle.Trim().ToLowerInvariant();
        return await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == key && p.Active, cancellationToken);
    }

    public async Task<IReadOnlyList<TeamView>> TeamsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Teams.AsNoTracking()
            .OrderBy(t => t.Name)
            .Select(t => new TeamView(t.Id, t.Slug, t.Name, t.Region, db.People.Count(p => p.TeamId == t.Id && p.Active)))
            .ToListAsync(cancellationToken);
    }

    public async Task<IReadOnlyList<ServiceView>> ServicesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.Services.AsNoTracking()
            .OrderBy(s => s.Tier).ThenBy(s => s.Name)
            .Select(s => new ServiceView(s.Id, s.Slug, s.Name, s.Description, s.Tier,
                s.OwningTeam == null ? null : s.OwningTeam.Slug, s.OwningTeam == null ? null : s.OwningTeam.Name))
            .ToListAsync(cancellationToken);
    }

    /// <summary>Saves how the signed-in person wants the portal shown to them.</summary>
    public async Task SetPreferencesAsync(ClaimsPrincipal user, string? displayTimeZone, bool darkMode, CancellationToken cancellationToken = default)
    {
        var id = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to save preferences.");
        if (displayTimeZone is not null && !TimeZones.IsValid(displayTimeZone))
        {
            throw new ValidationException("displayTimeZone", $"'{displayTimeZone}' is not an IANA time zone (e.g. Asia/Tokyo).");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var person = await db.People.FirstOrDefaultAsync(p => p.Id == id, cancellationToken)
            ?? throw new NotFoundException("Your person record no longer exists.");
        if (person.DisplayTimeZone == displayTimeZone && person.DarkMode == darkMode)
        {
            return;
        }
        (person.DisplayTimeZone, person.DarkMode) = (displayTimeZone, darkMode);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(user, AuditActions.PreferencesChanged, person.Handle, $"zone={displayTimeZone ?? "own"}, dark={darkMode}", cancellationToken);
    }

    /// <summary>
    /// Finds the person an Entra ID sign-in belongs to (object id, then email) or creates them. Entra's app roles, when
    /// present, are the source of truth for the portal role.
    /// </summary>
    public async Task<Person> MatchOrCreateExternalAsync(string objectId, string email, string name, PortalRole? role, CancellationToken cancellationToken = default)
    {
        var normalizedEmail = email.Trim().ToLowerInvariant();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var person = await db.People.FirstOrDefaultAsync(p => p.ExternalId == objectId, cancellationToken)
            ?? await db.People.FirstOrDefaultAsync(p => p.Email == normalizedEmail, cancellationToken);
        if (person is null)
        {
            var handle = await FreeHandleAsync(db, normalizedEmail, cancellationToken);
            person = new Person
            {
                Handle = handle,
                Name = name,
                Email = normalizedEmail,
                Region = RegionCode.US,
                TimeZone = Regions.Get(RegionCode.US).DefaultTimeZone,
                Role = role ?? PortalRole.Engineer,
                CreatedAt = clock.GetUtcNow(),
            };
            db.People.Add(person);
        }
        person.ExternalId = objectId;
        if (role is { } r)
        {
            person.Role = r;
        }
        await db.SaveChangesAsync(cancellationToken);
        return person;
    }

    private static async Task<string> FreeHandleAsync(PortalDbContext db, string email, CancellationToken cancellationToken)
    {
        var local = new string([.. email.Split('@')[0].Select(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' ? c : '-')]).Trim('.', '-');
        var stem = Slugs.IsValidHandle(local) ? local : "person";
        var candidate = stem;
        for (var n = 2; await db.People.AnyAsync(p => p.Handle == candidate, cancellationToken); n++)
        {
            candidate = $"{stem}-{n}";
        }
        return candidate;
    }

    private static IQueryable<PersonView> Project(IQueryable<Person> people) =>
        people.Select(p => new PersonView(
            p.Id, p.Handle, p.Name, p.Email, p.Role, p.Level,
            p.Team == null ? null : p.Team.Slug, p.Team == null ? null : p.Team.Name,
            p.Region, p.TimeZone,
            p.Manager == null ? null : p.Manager.Handle, p.Manager == null ? null : p.Manager.Name,
            p.DisplayTimeZone, p.DarkMode));
}
