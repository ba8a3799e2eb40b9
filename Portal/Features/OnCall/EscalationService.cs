using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;

namespace Portal.Features.OnCall;

/// <summary>Wakes the escalation processor on this node when an incident starts escalating.</summary>
public sealed class EscalationSignal : Background.ProcessorSignal;

/// <summary>
/// Escalation policies as code, and the escalation of triggered incidents: each due step is claimed through the
/// escalation's version, so any number of nodes can process steps and each level is paged once.
/// </summary>
public sealed class EscalationService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, NotificationService notifications, TimeProvider clock, AuditWriter audit)
{
    public const string Escalator = "Escalation";

    /// <summary>
    /// Starts the escalation of a new incident whose service has a policy, in the caller's unit of work: the
    /// incident and its escalation commit together. Returns whether it did.
    /// </summary>
    public static bool Stage(PortalDbContext db, Incident incident, int? policyId, DateTimeOffset now)
    {
        if (policyId is not { } id || incident.Status != IncidentStatus.Triggered)
        {
            return false;
        }
        db.Escalations.Add(new IncidentEscalation { Incident = incident, PolicyId = id, State = EscalationState.Active, NextAt = now, StartedAt = now, Version = 1 });
        return true;
    }

    /// <summary>The policy of a service, for <see cref="Stage"/>.</summary>
    public static Task<int?> PolicyOfAsync(PortalDbContext db, int? serviceId, CancellationToken cancellationToken) =>
        serviceId is { } id
            ? db.Services.Where(s => s.Id == id).Select(s => s.EscalationPolicyId).FirstOrDefaultAsync(cancellationToken)
            : Task.FromResult<int?>(null);

    // ---- policies as code ----

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

    /// <summary>Where an incident's escalation stands, or null when its service has no policy.</summary>
    public async Task<EscalationStatus?> StatusAsync(long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var e = await db.Escalations.AsNoTracking().FirstOrDefaultAsync(x => x.IncidentNumber == incident, cancellationToken);
        var policy = e is null ? null : await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == e.PolicyId, cancellationToken);
        return e is null || policy is null ? null
            : new EscalationStatus(e.IncidentNumber, policy.Id, policy.Name, e.State, e.Level, policy.Levels.Count, e.Round, e.NextAt);
    }

    // ---- the processor's work ----

    /// <summary>Takes every escalation step that is due now. Returns how many steps this call took (others may have taken the rest).</summary>
    public async Task<int> ProcessDueAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        List<long> due;
        await using (var scan = await factory.CreateDbContextAsync(cancellationToken))
        {
            due = await scan.Escalations.AsNoTracking().Where(e => e.State == EscalationState.Active && e.NextAt <= now)
                .OrderBy(e => e.NextAt).Select(e => e.IncidentNumber).Take(200).ToListAsync(cancellationToken);
        }
        var taken = 0;
        foreach (var number in due)
        {
            cancellationToken.ThrowIfCancellationRequested();
            // A step, once begun, runs to its end: it is short, and stopping a node must not abandon a claimed step halfway.
            if (await StepAsync(number, now, CancellationToken.None))
            {
                taken++;
            }
        }
        return taken;
    }

    private async Task<bool> StepAsync(long number, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var escalation = await db.Escalations.FirstOrDefaultAsync(e => e.IncidentNumber == number, cancellationToken);
        if (escalation is not { State: EscalationState.Active } || escalation.NextAt > now)
        {
            return false;
        }
        // Claim the step first. The incident is read after the claim, inside the same transaction, so an acknowledgement
        // that commits meanwhile is seen here (on SQLite the transaction holds the write lock; on PostgreSQL the window is
        // one statement) and nobody is paged for an incident someone already owns.
        escalation.Version++;
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            return false;
        }
        escalation.Version++;
        var incident = await db.Incidents.AsNoTracking().FirstAsync(i => i.Number == number, cancellationToken);
        var policy = await db.EscalationPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Id == escalation.PolicyId, cancellationToken);
        var notices = new List<LiveNotice>();
        TimelineEventKind? written = null;
        if (incident.Status != IncidentStatus.Triggered || policy is null)
        {
            // Acknowledged, mitigated or resolved since the last step (the timeline already says by whom): stop quietly.
            (escalation.State, escalation.NextAt) = (EscalationState.Stopped, null);
        }
        else
        {
            var step = EscalationRules.Step(policy, escalation.Level, escalation.Round);
            if (escalation.Level > 0 || escalation.Round > 0)
            {
                db.Timeline.Add(Entry(incident, TimelineEventKind.Escalated, now, EscalatedText(policy, escalation, step)));
                written = TimelineEventKind.Escalated;
            }
            if (step.Finishes)
            {
                (escalation.State, escalation.NextAt) = (EscalationState.Exhausted, null);
            }
            else
            {
                var level = step.NotifyLevel!.Value;
                var paged = await PageAsync(db, policy.Levels[level].Targets, now, cancellationToken);
                var wait = paged.People.Count == 0 ? TimeSpan.Zero : step.Wait;
                db.Timeline.Add(Entry(incident, TimelineEventKind.Paged, now, PagedText(level, paged, wait)));
                written = TimelineEventKind.Paged;
                var draft = new NoticeDraft(NotificationKind.Page, $"{incident.Key} {incident.Severity}: {incident.Title}",
                    $"Level {level + 1} of \"{policy.Name}\". Acknowledge within {Minutes(step.Wait)} or it escalates.", $"/incidents/{incident.Key}", incident.Number);
                notices = await NotificationService.StageAsync(db, [.. paged.People.Keys], paged.Teams, draft, now, cancellationToken);
                (escalation.Level, escalation.Round, escalation.NextAt) = (step.NextLevel, step.NextRound, now + wait);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        if (written is { } kind)
        {
            await feed.PublishAsync(await IncidentQueries.LiveHintAsync(db, number, kind, cancellationToken), cancellationToken);
        }
        await notifications.PublishAsync(notices, cancellationToken);
        return true;
    }

    /// <summary>The people a level pages (each named with what put them there), the teams whose channels hear of it, and what reached nobody.</summary>
    private sealed record Paging(Dictionary<int, string> People, HashSet<int> Teams, List<string> Nobody);

    private static async Task<Paging> PageAsync(PortalDbContext db, List<EscalationTarget> targets, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var paging = new Paging([], [], []);
        var people = await db.People.AsNoTracking().Where(p => p.Active).ToDictionaryAsync(p => p.Id, cancellationToken);
        var schedules = await db.Schedules.AsNoTracking().ToListAsync(cancellationToken);
        var policies = await db.EscalationPolicies.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var onCall = await OnCallService.OnCallAtAsync(db, schedules, now, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Name, cancellationToken);
        var seen = new HashSet<int>();
        Expand(targets);
        return paging;

        void Expand(List<EscalationTarget> level)
        {
            foreach (var target in level)
            {
                switch (target.Kind)
                {
                    case EscalationTargetKind.Person when people.TryGetValue(target.Id, out var named):
                        paging.People.TryAdd(target.Id, named.Name);
                        break;
                    case EscalationTargetKind.Schedule when schedules.FirstOrDefault(s => s.Id == target.Id) is { } schedule:
                        OnSchedule(schedule);
                        break;
                    case EscalationTargetKind.Team when teams.TryGetValue(target.Id, out var team):
                        paging.Teams.Add(target.Id);
                        var ofTeam = schedules.Where(s => s.TeamId == target.Id).ToList();
                        if (ofTeam.Count == 0)
                        {
                            paging.Nobody.Add($"{team} (no schedule)");
                        }
                        ofTeam.ForEach(OnSchedule);
                        break;
                    case EscalationTargetKind.Policy when policies.TryGetValue(target.Id, out var other) && seen.Add(other.Id) && other.Levels.Count > 0:
                        Expand(other.Levels[0].Targets);
                        break;
                }
            }
        }

        void OnSchedule(Schedule schedule)
        {
            if (schedule.TeamId is { } team)
            {
                paging.Teams.Add(team);
            }
            if (onCall.TryGetValue(schedule.Id, out var person) && people.TryGetValue(person, out var who))
            {
                paging.People.TryAdd(person, $"{who.Name} (on call for {schedule.Name})");
            }
            else
            {
                paging.Nobody.Add($"{schedule.Name} (nobody on call)");
            }
        }
    }

    private static string PagedText(int level, Paging paged, TimeSpan wait)
    {
        if (paged.People.Count == 0)
        {
            return $"Level {level + 1} found nobody to page: {string.Join(", ", paged.Nobody)}. Escalating at once.";
        }
        var text = $"Level {level + 1} paged {string.Join("; ", paged.People.Values)}. Escalates in {Minutes(wait)} unless acknowledged.";
        return paged.Nobody.Count > 0 ? $"{text} Not reached: {string.Join(", ", paged.Nobody)}." : text;
    }

    private static string EscalatedText(EscalationPolicy policy, IncidentEscalation escalation, EscalationStep step)
    {
        var previous = escalation.Level == 0 ? policy.Levels.Count : escalation.Level;
        var waited = Minutes(TimeSpan.FromMinutes(policy.Levels[Math.Min(previous, policy.Levels.Count) - 1].DelayMinutes));
        if (step.Finishes)
        {
            var rounds = policy.Repeat > 0 ? $", {policy.Repeat + 1} times over" : "";
            return $"Not acknowledged within {waited} of the last level: every level of \"{policy.Name}\" was paged{rounds}. Escalation finished.";
        }
        return escalation.Level == 0
            ? $"Not acknowledged within {waited}: starting \"{policy.Name}\" again from level 1 (repeat {escalation.Round} of {policy.Repeat})."
            : $"Not acknowledged within {waited}: escalating to level {escalation.Level + 1}.";
    }

    private static string Minutes(TimeSpan span) => span.TotalMinutes == 1 ? "1 minute" : $"{span.TotalMinutes:0} minutes";

    private static TimelineEvent Entry(Incident incident, TimelineEventKind kind, DateTimeOffset now, string text) =>
        // Not a change of the incident: its version stays, so a person acknowledging at this moment never conflicts with it.
        new() { IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = kind, ActorName = Escalator, At = now, Text = text };

    // ---- names ----

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
