using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.OnCall;
using Portal.Shared.Team;

namespace Portal.Features.OnCall;

/// <summary>
/// Escalation policies as code: levels of targets (people, teams, schedules, other policies) with delays and repeats,
/// the services they page for, and who may change them (the team's managers, those above them, admins).
/// </summary>
public sealed class EscalationPolicyService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
{
    public async Task<List<EscalationPolicyView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var policies = await db.EscalationPolicies.AsNoTracking().OrderBy(p => p.Name).ToListAsync(cancellationToken);
        var names = await NamesAsync(db, cancellationToken);
        return [.. policies.Select(p => View(p, names))];
    }

    public async Task<EscalationPolicyView> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var policy = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw Missing(id);
        return View(policy, await NamesAsync(db, cancellationToken));
    }

    public Task<EscalationPolicyView> CreateAsync(ClaimsPrincipal user, EscalationPolicyDocument document, CancellationToken cancellationToken = default) =>
        SaveAsync(user, null, document, cancellationToken);

    public Task<EscalationPolicyView> UpdateAsync(ClaimsPrincipal user, int id, EscalationPolicyDocument document, CancellationToken cancellationToken = default) =>
        SaveAsync(user, id, document, cancellationToken);

    public async Task DeleteAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var policy = await db.EscalationPolicies.FirstOrDefaultAsync(p => p.Id == id, cancellationToken) ?? throw Missing(id);
        await RequireTeamAsync(db, user, policy.TeamId, $"escalation policy {id}", cancellationToken);
        var users = await db.EscalationPolicies.AsNoTracking().ToListAsync(cancellationToken);
        if (users.FirstOrDefault(p => p.Id != id && p.Levels.Any(l => l.Targets.Any(t => t.Kind == EscalationTargetKind.Policy && t.Id == id))) is { } other)
        {
            throw new ConflictException($"\"{other.Name}\" hands over to \"{policy.Name}\"; change that policy first.");
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await db.Services.Where(s => s.EscalationPolicyId == id).ExecuteUpdateAsync(s => s.SetProperty(x => x.EscalationPolicyId, (int?)null), cancellationToken);
        db.EscalationPolicies.Remove(policy);
        Audit(db, user, "oncall.policy-deleted", policy.Name, null);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private async Task<EscalationPolicyView> SaveAsync(ClaimsPrincipal user, int? id, EscalationPolicyDocument document, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        EscalationPolicy policy;
        if (id is { } existing)
        {
            policy = await db.EscalationPolicies.FirstOrDefaultAsync(p => p.Id == existing, cancellationToken) ?? throw Missing(existing);
            await RequireTeamAsync(db, user, policy.TeamId, $"escalation policy {existing}", cancellationToken);
            if (document.Version is { } version && version != policy.Version)
            {
                throw new ConflictException($"Someone changed \"{policy.Name}\" since you opened it (version {version}, now {policy.Version}). Reload it and make your change again.");
            }
        }
        else
        {
            policy = new EscalationPolicy { Name = "", CreatedAt = now };
            db.EscalationPolicies.Add(policy);
        }
        var names = await NamesAsync(db, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var levels = new List<EscalationLevel>();
        for (var i = 0; i < (document.Levels?.Count ?? 0); i++)
        {
            var input = document.Levels![i];
            var level = new EscalationLevel { DelayMinutes = input.DelayMinutes };
            foreach (var target in input.Targets ?? [])
            {
                if (Resolve(target, names) is { } resolved)
                {
                    level.Targets.Add(resolved);
                }
                else
                {
                    errors[$"levels[{i}].targets"] = [.. errors.GetValueOrDefault($"levels[{i}].targets") ?? [], $"There is no {target.Kind.ToString().ToLowerInvariant()} \"{target.Ref}\"."];
                }
            }
            levels.Add(level);
        }
        foreach (var (field, messages) in EscalationRules.Validate(document.Name, document.Repeat, levels, _ => true))
        {
            errors[field] = [.. errors.GetValueOrDefault(field) ?? [], .. messages];
        }
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(document.Team))
        {
            teamId = names.TeamsBySlug.TryGetValue(document.Team.Trim(), out var team) ? team.Id : null;
            if (teamId is null)
            {
                errors["team"] = [$"There is no team \"{document.Team}\"."];
            }
        }
        var services = new List<BusinessService>();
        foreach (var slug in (document.Services ?? []).Select(s => s.Trim().ToLowerInvariant()).Distinct())
        {
            if (await db.Services.FirstOrDefaultAsync(s => s.Slug == slug, cancellationToken) is { } service)
            {
                services.Add(service);
            }
            else
            {
                errors["services"] = [.. errors.GetValueOrDefault("services") ?? [], $"There is no service \"{slug}\"."];
            }
        }
        if (errors.Count == 0 && EscalationRules.FindLoop(id ?? 0, levels, other => names.Policies.GetValueOrDefault(other)?.Levels) is { } loop)
        {
            var chain = string.Join(" → ", loop.Select(p => p == (id ?? 0) ? $"\"{document.Name!.Trim()}\"" : $"\"{names.Policies.GetValueOrDefault(p)?.Name}\""));
            errors["levels"] = [$"The policy would hand incidents back to itself ({chain}), paging in circles; a policy may hand over only to policies that never come back to it."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        // The policy's (new) team, and every service it is put on, must be the caller's to manage: a policy on
        // another team's service would take over who that team's incidents page.
        var refused = $"escalation policy \"{document.Name!.Trim()}\"";
        var org = await db.OrgAsync(cancellationToken);
        foreach (var (team, target) in services.Select(s => (s.OwningTeamId, $"{refused} on service {s.Slug}")).Prepend((teamId, refused)))
        {
            await audit.RequireAsync(Permissions.MayManageTeam(org, user.AsActor(), team), user, target, TeamRule, cancellationToken);
        }
        var name = document.Name!.Trim();
        if (await db.EscalationPolicies.AnyAsync(p => p.Name == name && p.Id != (id ?? 0), cancellationToken))
        {
            throw new ValidationException("name", $"A policy named \"{name}\" already exists.");
        }
        (policy.Name, policy.Description, policy.TeamId, policy.Repeat, policy.Levels) =
            (name, string.IsNullOrWhiteSpace(document.Description) ? null : document.Description.Trim(), teamId, document.Repeat, levels);
        policy.Version++;
        policy.UpdatedAt = now;

        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"Someone changed \"{policy.Name}\" at the same moment. Reload it and make your change again.");
        }
        if (document.Services is not null)
        {
            // The document's list is the whole truth: services it no longer names stop using this policy.
            var keep = services.Select(s => s.Id).ToList();
            await db.Services.Where(s => s.EscalationPolicyId == policy.Id && !keep.Contains(s.Id)).ExecuteUpdateAsync(s => s.SetProperty(x => x.EscalationPolicyId, (int?)null), cancellationToken);
            foreach (var service in services)
            {
                service.EscalationPolicyId = policy.Id;
            }
        }
        Audit(db, user, id is null ? "oncall.policy-created" : "oncall.policy-updated", policy.Name,
            string.Create(CultureInfo.InvariantCulture, $"version {policy.Version}, {levels.Count} level(s), repeat {policy.Repeat}"));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return View(policy, await NamesAsync(db, cancellationToken));
    }

    private sealed record Catalogue(Dictionary<int, Person> People, Dictionary<string, Person> ByHandle, Dictionary<int, Shared.Team.Team> Teams,
        Dictionary<string, Shared.Team.Team> TeamsBySlug, Dictionary<int, string> Schedules, Dictionary<int, EscalationPolicy> Policies, Dictionary<int, List<string>> ServicesByPolicy);

    private static async Task<Catalogue> NamesAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        var people = await db.People.AsNoTracking().ToListAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToListAsync(cancellationToken);
        var services = await db.Services.AsNoTracking().Where(s => s.EscalationPolicyId != null).Select(s => new { s.Slug, s.EscalationPolicyId }).ToListAsync(cancellationToken);
        return new Catalogue(people.ToDictionary(p => p.Id), people.ToDictionary(p => p.Handle, StringComparer.OrdinalIgnoreCase),
            teams.ToDictionary(t => t.Id), teams.ToDictionary(t => t.Slug, StringComparer.OrdinalIgnoreCase),
            await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken),
            await db.EscalationPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken),
            services.GroupBy(s => s.EscalationPolicyId!.Value).ToDictionary(g => g.Key, g => g.Select(s => s.Slug).Order().ToList()));
    }

    private static EscalationTarget? Resolve(TargetDocument target, Catalogue names)
    {
        var reference = target.Ref?.Trim() ?? "";
        int? id = target.Kind switch
        {
            EscalationTargetKind.Person => names.ByHandle.TryGetValue(reference, out var p) && p.Active ? p.Id : null,
            EscalationTargetKind.Team => names.TeamsBySlug.TryGetValue(reference, out var t) ? t.Id : null,
            EscalationTargetKind.Schedule => int.TryParse(reference, CultureInfo.InvariantCulture, out var s) && names.Schedules.ContainsKey(s) ? s
                : names.Schedules.FirstOrDefault(x => string.Equals(x.Value, reference, StringComparison.OrdinalIgnoreCase)).Key is var byName and > 0 ? byName : null,
            EscalationTargetKind.Policy => int.TryParse(reference, CultureInfo.InvariantCulture, out var q) && names.Policies.ContainsKey(q) ? q
                : names.Policies.Values.FirstOrDefault(x => string.Equals(x.Name, reference, StringComparison.OrdinalIgnoreCase))?.Id,
            _ => null,
        };
        return id is { } found ? new EscalationTarget { Kind = target.Kind, Id = found } : null;
    }

    private static TargetDocument Document(EscalationTarget target, Catalogue names) => target.Kind switch
    {
        EscalationTargetKind.Person => new(target.Kind, names.People.GetValueOrDefault(target.Id)?.Handle ?? $"#{target.Id}", names.People.GetValueOrDefault(target.Id)?.Name),
        EscalationTargetKind.Team => new(target.Kind, names.Teams.GetValueOrDefault(target.Id)?.Slug ?? $"#{target.Id}", names.Teams.GetValueOrDefault(target.Id)?.Name),
        EscalationTargetKind.Schedule => new(target.Kind, target.Id.ToString(CultureInfo.InvariantCulture), names.Schedules.GetValueOrDefault(target.Id)),
        _ => new(target.Kind, target.Id.ToString(CultureInfo.InvariantCulture), names.Policies.GetValueOrDefault(target.Id)?.Name),
    };

    private static EscalationPolicyView View(EscalationPolicy p, Catalogue names) =>
        new(p.Id, p.Name, p.TeamId is { } t ? names.Teams.GetValueOrDefault(t)?.Slug : null, p.Description, p.Repeat,
            [.. p.Levels.Select(l => new LevelDocument(l.DelayMinutes, [.. l.Targets.Select(t => Document(t, names))]))],
            names.ServicesByPolicy.GetValueOrDefault(p.Id) ?? [], p.Version);

    private async Task RequireTeamAsync(PortalDbContext db, ClaimsPrincipal user, int? teamId, string target, CancellationToken cancellationToken) =>
        await audit.RequireAsync(Permissions.MayManageTeam(await db.OrgAsync(cancellationToken), user.AsActor(), teamId), user, target, TeamRule, cancellationToken);

    private const string TeamRule = "Only the team's managers, the managers above them and admins change its escalation policies.";

    private void Audit(PortalDbContext db, ClaimsPrincipal user, string action, string target, string? detail) => db.Audit(user, clock.GetUtcNow(), action, target, detail);

    private static NotFoundException Missing(int id) => new($"There is no escalation policy #{id}.");
}
