using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;

namespace Portal.Tests.Support;

/// <summary>The seeded world as plain text lines, so two databases can be compared whatever their ids.</summary>
public static class WorldSnapshot
{
    public static async Task<IReadOnlyList<string>> TakeAsync(IDbContextFactory<PortalDbContext> factory)
    {
        await using var db = await factory.CreateDbContextAsync();
        var teams = await db.Teams.AsNoTracking().OrderBy(t => t.Slug).Select(t => $"team {t.Slug} {t.Name} {t.Region}").ToListAsync();
        var people = await db.People.AsNoTracking().OrderBy(p => p.Handle)
            .Select(p => $"person {p.Handle} {p.Name} {p.Email} {p.Region} {p.TimeZone} {p.Role} {p.Level} team={(p.Team == null ? "-" : p.Team.Slug)} manager={(p.Manager == null ? "-" : p.Manager.Handle)}")
            .ToListAsync();
        var services = await db.Services.AsNoTracking().OrderBy(s => s.Slug)
            .Select(s => $"service {s.Slug} {s.Name} {s.Tier} team={(s.OwningTeam == null ? "-" : s.OwningTeam.Slug)}")
            .ToListAsync();
        return [.. teams, .. people, .. services];
    }
}
