using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Features.Cases;

/// <summary>Who a proactive notice would reach now: the incident's region (one tier, or all), less those who already wrote in.</summary>
public sealed record NoticeAudience(RegionCode Region, AdvertiserTier? Tier, int Advertisers, int Managed, decimal SpendUsd, int Contacts, int AlreadyAsked);

/// <summary>An incident's proactive notice: sent (and how many of those told wrote in since), or the audience and draft words to approve.</summary>
public sealed record NoticeState(ProactiveNotice? Sent, int WroteInSince, NoticeAudience Audience, string DraftSubject, string DraftBody);

/// <summary>The notice the commander approves: its words, and one tier or every tier ("Managed", "SelfServe", or empty).</summary>
public sealed record NoticeRequest(string? Subject, [property: MultiLine] string? Body, string? Tier);

/// <summary>
/// Proactive notices: the incident's commander (or a manager) approves one notice to the advertisers an open incident
/// likely affects, before they write in. It is committed with its recipients and their emails (the outbox) in one step,
/// once per incident; an answer to it opens a case already linked to the incident. Metrics count the advertisers told
/// before they asked.
/// </summary>
public sealed class ProactiveNoticeService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, CaseOptions options, AuditWriter audit,
    IncidentService incidents, CaseMailSignal mail)
{
    public async Task<NoticeState> StateAsync(long incidentNumber, AdvertiserTier? tier, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var incident = await IncidentAsync(db, incidentNumber, cancellationToken);
        var sent = await db.ProactiveNotices.AsNoTracking().FirstOrDefaultAsync(n => n.IncidentNumber == incidentNumber, cancellationToken);
        var wroteIn = sent is null ? 0 : await db.ProactiveRecipients.Where(r => r.IncidentNumber == incidentNumber)
            .CountAsync(r => db.Cases.Any(c => c.AdvertiserId == r.AdvertiserId && c.CreatedAt >= r.NotifiedAt), cancellationToken);
        var audience = await AudienceAsync(db, incident, sent?.Tier ?? tier, cancellationToken);
        var (subject, body) = ProactiveRules.Draft(incident.Title, incident.Region);
        return new NoticeState(sent, wroteIn, audience, subject, body);
    }

    public async Task<ProactiveNotice> SendAsync(ClaimsPrincipal user, long incidentNumber, NoticeRequest request, CancellationToken cancellationToken = default)
    {
        var errors = ProactiveRules.Problems(request.Subject, request.Body);
        AdvertiserTier? tier = null;
        if (!string.IsNullOrWhiteSpace(request.Tier))
        {
            if (AdvertiserRules.TryParseTier(request.Tier, out var parsed))
            {
                tier = parsed;
            }
            else
            {
                errors["tier"] = [$"'{request.Tier}' is not a tier; use Managed or SelfServe, or leave it empty for every advertiser."];
            }
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var incident = await IncidentAsync(db, incidentNumber, cancellationToken);
        var actorId = user.GetPersonId();
        var actor = actorId is null ? null : await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == actorId && p.Active, cancellationToken);
        await audit.RequireAsync(actor is not null && (incident.CommanderId == actor.Id || actor.Role >= PortalRole.Manager), user, incident.Key + " proactive notice",
            "Only the incident's commander, or a manager, approves a notice to advertisers.", cancellationToken);
        if (incident.Status == IncidentStatus.Resolved)
        {
            throw new ConflictException($"{incident.Key} is resolved; a notice goes out while advertisers may still be hurt, before they write in.");
        }
        if (await db.ProactiveNotices.AnyAsync(n => n.IncidentNumber == incidentNumber, cancellationToken))
        {
            throw new ConflictException($"A notice about {incident.Key} was already sent.");
        }
        var targets = await Audience(db, incident, tier).OrderBy(a => a.Id).Select(a => new { a.Id, a.BillingEmails }).ToListAsync(cancellationToken);
        if (targets.Count == 0)
        {
            throw new ConflictException($"No advertiser in {incident.Region}{(tier is { } t ? $" ({t})" : "")} is left to tell: every one has already written in.");
        }
        if (targets.Count > ProactiveRules.MaxAdvertisers)
        {
            throw new ValidationException("tier", $"{targets.Count} advertisers is more than one notice should reach (at most {ProactiveRules.MaxAdvertisers}); narrow it to one tier.");
        }

        var now = clock.GetUtcNow();
        var notice = new ProactiveNotice
        {
            IncidentNumber = incidentNumber, Subject = request.Subject!.Trim(), Body = request.Body!.Trim(), Tier = tier, SentAt = now, SentBy = actor!.Name,
            Advertisers = targets.Count,
        };
        db.ProactiveNotices.Add(notice);
        db.ProactiveRecipients.AddRange(targets.Select(a => new ProactiveRecipient { IncidentNumber = incidentNumber, AdvertiserId = a.Id, NotifiedAt = now }));
        db.CaseMails.AddRange(targets.SelectMany(a => a.BillingEmails.Select((to, i) => CaseMailOutbox.Notice(notice, a.Id, i, to, options, now))));
        db.Audit(user, now, "incident.proactive-notice", incident.Key, $"{targets.Count} advertisers in {incident.Region}{(tier is { } x ? $" ({x})" : "")}");
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // Two approvals at once: the notice's key lets one through.
            throw new ConflictException($"A notice about {incident.Key} was already sent.");
        }
        mail.Wake();
        await incidents.PostAsync(user, incidentNumber,
            $"Proactive notice sent to {targets.Count} advertiser{(targets.Count == 1 ? "" : "s")} in {incident.Region}{(tier is { } y ? $" ({y})" : "")} before they wrote in:\n\n**{notice.Subject}**\n\n{notice.Body}",
            stakeholderUpdate: true, cancellationToken);
        return notice;
    }

    private static async Task<NoticeAudience> AudienceAsync(PortalDbContext db, Incident incident, AdvertiserTier? tier, CancellationToken cancellationToken)
    {
        var rows = await Audience(db, incident, tier).GroupBy(a => a.Tier)
            .Select(g => new { Tier = g.Key, Count = g.Count(), Spend = g.Sum(a => a.MonthlySpendUsd ?? 0), Contacts = g.Sum(a => a.BillingEmails.Count) })
            .ToListAsync(cancellationToken);
        var asked = await db.CaseIncidents.Where(l => l.IncidentNumber == incident.Number)
            .Join(db.Cases, l => l.CaseNumber, c => c.Number, (l, c) => c.AdvertiserId).Distinct().CountAsync(cancellationToken);
        return new NoticeAudience(incident.Region, tier, rows.Sum(r => r.Count), rows.Where(r => r.Tier == AdvertiserTier.Managed).Sum(r => r.Count),
            rows.Sum(r => r.Spend), rows.Sum(r => r.Contacts), asked);
    }

    /// <summary>The advertisers a notice about the incident would reach: its region, the tier if one is named, none who has a case linked to it.</summary>
    private static IQueryable<Advertiser> Audience(PortalDbContext db, Incident incident, AdvertiserTier? tier)
    {
        var number = incident.Number;
        var region = incident.Region;
        var advertisers = db.Advertisers.AsNoTracking().Where(a => a.Region == region
            && !db.CaseIncidents.Any(l => l.IncidentNumber == number && db.Cases.Any(c => c.Number == l.CaseNumber && c.AdvertiserId == a.Id)));
        return tier is { } t ? advertisers.Where(a => a.Tier == t) : advertisers;
    }

    private static async Task<Incident> IncidentAsync(PortalDbContext db, long number, CancellationToken cancellationToken) =>
        await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == number, cancellationToken)
        ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(number)}.");
}
