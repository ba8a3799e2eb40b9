using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;

namespace Portal.Features.Cases;

/// <summary>An incident that touched an advertiser: when they were told of it (a proactive notice), when they first wrote in about it.</summary>
public sealed record TouchedIncident(long Number, string Key, string Title, Severity Severity, IncidentStatus Status, DateTimeOffset TriggeredAt,
    DateTimeOffset? ToldAt, DateTimeOffset? WroteAt);

/// <summary>One answered survey of an advertiser's case.</summary>
public sealed record SurveyAnswer(long CaseNumber, string CaseKey, int Score, string? Comment, DateTimeOffset AnsweredAt);

/// <summary>What an advertiser lived through: the incidents that touched them and their CSAT history (good of answered, of surveys sent).</summary>
public sealed record AdvertiserHistory(IReadOnlyList<TouchedIncident> Incidents, IReadOnlyList<SurveyAnswer> Surveys, int Good, int Answered, int SurveysSent);

/// <summary>An advertiser's incidents and survey answers, for their page.</summary>
public sealed class AdvertiserHistoryService(IDbContextFactory<PortalDbContext> factory)
{
    public const int Recent = 20;

    public async Task<AdvertiserHistory> ForAsync(int advertiserId, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var wrote = await db.CaseIncidents.AsNoTracking()
            .Join(db.Cases.Where(c => c.AdvertiserId == advertiserId), l => l.CaseNumber, c => c.Number, (l, c) => new { l.IncidentNumber, c.CreatedAt })
            .GroupBy(x => x.IncidentNumber).Select(g => new { Number = g.Key, At = g.Min(x => x.CreatedAt) })
            .OrderByDescending(x => x.Number).Take(Recent).ToListAsync(cancellationToken);
        var told = await db.ProactiveRecipients.AsNoTracking().Where(r => r.AdvertiserId == advertiserId)
            .OrderByDescending(r => r.IncidentNumber).Take(Recent).Select(r => new { Number = r.IncidentNumber, At = r.NotifiedAt }).ToListAsync(cancellationToken);
        var numbers = wrote.Select(w => w.Number).Concat(told.Select(t => t.Number)).Distinct().OrderDescending().Take(Recent).ToList();
        var incidents = await db.Incidents.AsNoTracking().Where(i => numbers.Contains(i.Number))
            .Select(i => new { i.Number, i.Title, i.Severity, i.Status, i.TriggeredAt }).ToListAsync(cancellationToken);
        var touched = incidents.OrderByDescending(i => i.Number).Select(i => new TouchedIncident(i.Number, IncidentNumber.Format(i.Number), i.Title, i.Severity, i.Status,
            i.TriggeredAt, told.FirstOrDefault(t => t.Number == i.Number)?.At, wrote.FirstOrDefault(w => w.Number == i.Number)?.At)).ToList();

        var surveys = db.CaseSurveys.AsNoTracking().Where(s => s.Case!.AdvertiserId == advertiserId);
        var answers = await surveys.Where(s => s.AnsweredAt != null && s.Score != null).OrderByDescending(s => s.AnsweredAt).Take(Recent)
            .Select(s => new SurveyAnswer(s.CaseNumber, CaseNumber.Prefix + s.CaseNumber, s.Score!.Value, s.Comment, s.AnsweredAt!.Value)).ToListAsync(cancellationToken);
        var counts = await surveys.GroupBy(_ => 1).Select(g => new
        {
            Sent = g.Count(),
            Answered = g.Count(s => s.Score != null),
            Good = g.Count(s => s.Score >= 4),
        }).FirstOrDefaultAsync(cancellationToken);
        return new AdvertiserHistory(touched, answers, counts?.Good ?? 0, counts?.Answered ?? 0, counts?.Sent ?? 0);
    }
}
