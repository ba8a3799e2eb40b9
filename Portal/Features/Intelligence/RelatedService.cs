using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Cases;
using Portal.Features.Incidents;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>Another open incident close to this one; <see cref="LikelySame"/> when it is close enough in meaning and time to merge.</summary>
public sealed record RelatedIncident(long Number, string Key, string Title, IncidentStatus Status, DateTimeOffset TriggeredAt, double Score, bool LikelySame, string Reason);

/// <summary>An open case not linked to the incident that reads like it.</summary>
public sealed record CaseToLink(long Number, string Key, string Subject, string Advertiser, CaseStatus Status, DateTimeOffset CreatedAt, double Score);

public sealed record RelatedNow(string Status, string? Note, IReadOnlyList<RelatedIncident> Incidents, IReadOnlyList<CaseToLink> Cases);

/// <summary>
/// What is going on now beside an open incident: other open incidents that are likely the same problem (a merge
/// suggestion; merging and unmerging are recorded by the incident service) and open cases that read like it (to link).
/// </summary>
public sealed class RelatedService(IDbContextFactory<PortalDbContext> factory, SimilarIncidentService similar, IncidentIndex index, CaseIndex cases,
    IncidentService incidents, CaseIncidentService links, IntelligenceOptions options)
{
    private const int Candidates = 40;

    public async Task<RelatedNow> ForIncidentAsync(long number, CancellationToken cancellationToken = default)
    {
        if (similar.Unavailable() is { } unavailable)
        {
            return new(unavailable.Status, unavailable.Note, [], []);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var incident = await db.Incidents.AsNoTracking().Where(i => i.Number == number).Select(i => new { i.Title, i.Status, i.TriggeredAt, i.MergedIntoNumber })
            .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(number)}.");
        if (!IncidentTransitions.IsOpen(incident.Status) || incident.MergedIntoNumber is not null)
        {
            return new("ready", "Resolved: nothing to merge or link now.", [], []);
        }
        if (await similar.QueryAsync(db, number, cancellationToken) is not { } query)
        {
            return new("failed", "The embedding model could not read this incident.", [], []);
        }
        var nearest = index.Nearest(query, Candidates, id => id != number);
        var ids = nearest.Select(n => n.Id).ToList();
        var open = await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Number) && i.Status != IncidentStatus.Resolved && i.MergedIntoNumber == null)
            .Select(i => new { i.Number, i.Title, i.Status, i.TriggeredAt }).ToDictionaryAsync(i => i.Number, cancellationToken);
        var related = nearest.Where(n => open.ContainsKey(n.Id) && n.Score >= options.SimilarThreshold).Select(n =>
        {
            var row = open[n.Id];
            var same = SimilarityRules.LikelySame(n.Score, row.TriggeredAt - incident.TriggeredAt);
            return new RelatedIncident(row.Number, IncidentNumber.Format(row.Number), row.Title, row.Status, row.TriggeredAt, Math.Round(n.Score, 3), same,
                SimilarityRules.Reason(null, null, incident.Title, row.Title));
        }).Take(SimilarIncidentService.Top).ToList();

        await cases.CatchUpAsync(db, cancellationToken);
        var caseNearest = cases.Nearest(query, Candidates, _ => true);
        var caseIds = caseNearest.Select(n => n.Id).ToList();
        var linked = await db.CaseIncidents.AsNoTracking().Where(l => l.IncidentNumber == number).Select(l => l.CaseNumber).ToListAsync(cancellationToken);
        var openCases = await db.Cases.AsNoTracking()
            .Where(c => caseIds.Contains(c.Number) && !linked.Contains(c.Number) && c.MergedIntoNumber == null && c.Status != CaseStatus.Solved && c.Status != CaseStatus.Closed)
            .Select(c => new { c.Number, c.Subject, Advertiser = c.Advertiser!.Name, c.Status, c.CreatedAt }).ToDictionaryAsync(c => c.Number, cancellationToken);
        var toLink = caseNearest.Where(n => openCases.TryGetValue(n.Id, out var c) && SimilarityRules.LinkCase(n.Score, c.CreatedAt, incident.TriggeredAt))
            .Select(n => (Case: openCases[n.Id], n.Score))
            .Select(x => new CaseToLink(x.Case.Number, CaseNumber.Format(x.Case.Number), x.Case.Subject, x.Case.Advertiser, x.Case.Status, x.Case.CreatedAt, Math.Round(x.Score, 3)))
            .Take(SimilarIncidentService.Top).ToList();
        return new("ready", null, related, toLink);
    }

    /// <summary>Merges the later of the two into the earlier, as the suggestion said, recording its score.</summary>
    public async Task<RelatedNow> MergeAsync(ClaimsPrincipal user, long number, long other, CancellationToken cancellationToken = default)
    {
        var now = await ForIncidentAsync(number, cancellationToken);
        var suggestion = now.Incidents.FirstOrDefault(i => i.Number == other && i.LikelySame)
            ?? throw new ConflictException($"{IncidentNumber.Format(other)} is no longer suggested as the same problem.");
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var triggered = await db.Incidents.Where(i => i.Number == number).Select(i => i.TriggeredAt).FirstAsync(cancellationToken);
            var (duplicate, survivor) = suggestion.TriggeredAt <= triggered ? (number, other) : (other, number);
            await incidents.MergeAsync(user, duplicate, IncidentNumber.Format(survivor), suggestion.Score, cancellationToken: cancellationToken);
        }
        return await ForIncidentAsync(number, cancellationToken);
    }

    /// <summary>Links a suggested case to the incident through the cases' own link (its timeline, audit and live update).</summary>
    public async Task<RelatedNow> LinkAsync(ClaimsPrincipal user, long number, long caseNumber, CancellationToken cancellationToken = default)
    {
        await links.LinkAsync(user, caseNumber, number, cancellationToken);
        return await ForIncidentAsync(number, cancellationToken);
    }
}
