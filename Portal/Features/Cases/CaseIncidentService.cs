using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.Team;

namespace Portal.Features.Cases;

/// <summary>A case as an incident lists it.</summary>
public sealed record LinkedCase(long Number, string Key, string Subject, CaseStatus Status, string AdvertiserAccountId, string AdvertiserName, decimal? MonthlySpendUsd);

/// <summary>An incident as a case lists it (linked, or suggested).</summary>
public sealed record LinkedIncident(long Number, string Key, string Title, Severity Severity, IncidentStatus Status, string? Service);

/// <summary>What an incident's cases add up to: the advertisers who wrote in, their spend, and the one update if it was sent.</summary>
public sealed record IncidentCases(IReadOnlyList<LinkedCase> Cases, int Advertisers, decimal SpendUsd, IncidentCaseUpdate? UpdateSent);

/// <summary>
/// Cases and incidents, joined: link any number of cases to an incident (from either side), suggest the open incident
/// a new case may belong to (its advertiser's region, its category's services), add up the advertisers behind an
/// incident, and send one update to every linked case once the incident is mitigated or resolved.
/// </summary>
public sealed class CaseIncidentService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, CaseService cases, IncidentService incidents, AuditWriter audit)
{
    public const int MaxSuggestions = 5;

    public async Task LinkAsync(ClaimsPrincipal user, long caseNumber, long incidentNumber, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (c, incident, actor) = await FindAsync(db, user, caseNumber, incidentNumber, cancellationToken);
        if (await db.CaseIncidents.AnyAsync(l => l.CaseNumber == caseNumber && l.IncidentNumber == incidentNumber, cancellationToken))
        {
            throw new ConflictException($"{c.Key} is already linked to {incident.Key}.");
        }
        var now = clock.GetUtcNow();
        db.CaseIncidents.Add(new CaseIncident { CaseNumber = caseNumber, IncidentNumber = incidentNumber, LinkedAt = now, LinkedBy = actor.Name });
        db.CaseEvents.Add(CaseWorkflow.Entry(c, CaseEventKind.IncidentLinked, new CaseActor(actor.Id, actor.Name), now, $"Linked to {incident.Key}: {incident.Title}", to: incident.Key));
        db.Audit(user, now, "case.incident-linked", c.Key, incident.Key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"{c.Key} is already linked to {incident.Key}.");
        }
        await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, caseNumber, CaseEventKind.IncidentLinked, cancellationToken), cancellationToken);
    }

    public async Task UnlinkAsync(ClaimsPrincipal user, long caseNumber, long incidentNumber, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (c, incident, actor) = await FindAsync(db, user, caseNumber, incidentNumber, cancellationToken);
        var removed = await db.CaseIncidents.Where(l => l.CaseNumber == caseNumber && l.IncidentNumber == incidentNumber).ExecuteDeleteAsync(cancellationToken);
        if (removed == 0)
        {
            throw new ConflictException($"{c.Key} is not linked to {incident.Key}.");
        }
        var now = clock.GetUtcNow();
        db.CaseEvents.Add(CaseWorkflow.Entry(c, CaseEventKind.IncidentUnlinked, new CaseActor(actor.Id, actor.Name), now, $"Unlinked from {incident.Key}", from: incident.Key));
        db.Audit(user, now, "case.incident-unlinked", c.Key, incident.Key);
        await db.SaveChangesAsync(cancellationToken);
        await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, caseNumber, CaseEventKind.IncidentUnlinked, cancellationToken), cancellationToken);
    }

    /// <summary>The cases linked to an incident, the distinct advertisers and their monthly spend, and the update if sent.</summary>
    public async Task<IncidentCases> ForIncidentAsync(long incidentNumber, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var linked = await db.CaseIncidents.AsNoTracking().Where(l => l.IncidentNumber == incidentNumber)
            .Join(db.Cases, l => l.CaseNumber, c => c.Number, (l, c) => c)
            .OrderBy(c => c.Number)
            .Select(c => new LinkedCase(c.Number, CaseNumber.Prefix + c.Number, c.Subject, c.Status, c.Advertiser!.AccountId, c.Advertiser.Name, c.Advertiser.MonthlySpendUsd))
            .Take(500)
            .ToListAsync(cancellationToken);
        var advertisers = linked.GroupBy(c => c.AdvertiserAccountId).Select(g => g.First()).ToList();
        var update = await db.IncidentCaseUpdates.AsNoTracking().FirstOrDefaultAsync(u => u.IncidentNumber == incidentNumber, cancellationToken);
        return new IncidentCases(linked, advertisers.Count, advertisers.Sum(a => a.MonthlySpendUsd ?? 0), update);
    }

    /// <summary>The incidents a case is linked to, and open incidents it may belong to (same region, a service its category concerns).</summary>
    public async Task<(IReadOnlyList<LinkedIncident> Linked, IReadOnlyList<LinkedIncident> Suggested)> ForCaseAsync(long caseNumber, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == caseNumber, cancellationToken) ?? throw NotFound(caseNumber);
        var linkedNumbers = await db.CaseIncidents.AsNoTracking().Where(l => l.CaseNumber == caseNumber).Select(l => l.IncidentNumber).ToListAsync(cancellationToken);
        var linked = await Project(db.Incidents.AsNoTracking().Where(i => linkedNumbers.Contains(i.Number))).ToListAsync(cancellationToken);
        var services = CaseServices.For(c.Category).ToList();
        var suggested = await Project(db.Incidents.AsNoTracking()
                .Where(i => i.Status != IncidentStatus.Resolved && i.Region == c.Region && !linkedNumbers.Contains(i.Number)
                    && i.Service != null && services.Contains(i.Service.Slug))
                .OrderByDescending(i => i.Number))
            .Take(MaxSuggestions).ToListAsync(cancellationToken);
        return (linked, suggested);
    }

    /// <summary>
    /// Sends one public reply to every linked case that is still open to replies, once the incident is mitigated or
    /// resolved; each is recorded on its case (and mailed), and the incident's timeline says how many. Once per incident:
    /// the marker is committed first, so two commanders clicking at once send one update.
    /// </summary>
    public async Task<int> SendUpdateAsync(ClaimsPrincipal user, long incidentNumber, string? body, CancellationToken cancellationToken = default)
    {
        if (CaseWorkflow.BodyProblem(body, "update") is { } problem)
        {
            throw new ValidationException("body", problem);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == incidentNumber, cancellationToken)
            ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(incidentNumber)}.");
        await audit.RequireAsync(incident.CommanderId == actor.Id || actor.Role >= PortalRole.Manager, user, incident.Key + " case update",
            "Only the incident's commander, or a manager, sends the update to its linked cases.", cancellationToken);
        if (incident.Status is not (IncidentStatus.Mitigated or IncidentStatus.Resolved))
        {
            throw new ConflictException($"{incident.Key} is {incident.Status.ToString().ToLowerInvariant()}; send the update to its cases once it is mitigated or resolved.");
        }
        if (await db.IncidentCaseUpdates.AnyAsync(u => u.IncidentNumber == incidentNumber, cancellationToken))
        {
            throw new ConflictException($"The update to {incident.Key}'s cases was already sent.");
        }
        var targets = await db.CaseIncidents.AsNoTracking().Where(l => l.IncidentNumber == incidentNumber)
            .Join(db.Cases, l => l.CaseNumber, c => c.Number, (l, c) => c)
            .Where(c => c.Status != CaseStatus.Closed && c.MergedIntoNumber == null)
            .Select(c => c.Number).ToListAsync(cancellationToken);
        var now = clock.GetUtcNow();
        db.IncidentCaseUpdates.Add(new IncidentCaseUpdate { IncidentNumber = incidentNumber, SentAt = now, SentBy = actor.Name, Cases = targets.Count });
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new ConflictException($"The update to {incident.Key}'s cases was already sent.");
        }
        var sent = 0;
        foreach (var number in targets)
        {
            try
            {
                await cases.ReplyAsync(user, number, body, cancellationToken: cancellationToken);
                sent++;
            }
            catch (ConflictException)
            {
                // Closed or merged in the meantime: nothing to tell there.
            }
        }
        await incidents.PostAsync(user, incidentNumber, $"Update sent to {sent} linked advertiser case{(sent == 1 ? "" : "s")}:\n\n{body!.Trim()}", stakeholderUpdate: true, cancellationToken);
        return sent;
    }

    private static IQueryable<LinkedIncident> Project(IQueryable<Incident> incidents) =>
        incidents.Select(i => new LinkedIncident(i.Number, IncidentNumber.Prefix + i.Number, i.Title, i.Severity, i.Status, i.Service == null ? null : i.Service.Slug));

    private static async Task<(SupportCase Case, Incident Incident, Person Actor)> FindAsync(PortalDbContext db, ClaimsPrincipal user, long caseNumber, long incidentNumber,
        CancellationToken cancellationToken)
    {
        var actor = await ActorAsync(db, user, cancellationToken);
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == caseNumber, cancellationToken) ?? throw NotFound(caseNumber);
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == incidentNumber, cancellationToken)
            ?? throw new ValidationException("incident", $"There is no incident {IncidentNumber.Format(incidentNumber)}.");
        return (c, incident, actor);
    }

    private static async Task<Person> ActorAsync(PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to work on cases.");
        return await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.Active, cancellationToken)
            ?? throw new AccessDeniedException("Your person record is missing or deactivated.");
    }

    private static NotFoundException NotFound(long number) => new($"There is no case {CaseNumber.Format(number)}.");
}
