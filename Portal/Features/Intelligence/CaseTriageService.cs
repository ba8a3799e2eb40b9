using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Cases;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>
/// Triage of a case from its nearest earlier cases: the likely category, priority and team, applied through
/// <see cref="CaseService"/> when accepted.
/// </summary>
public sealed class CaseTriageService(IDbContextFactory<PortalDbContext> factory, SimilarIncidentService similar, SimilarCaseService cases, CaseIndex index,
    CaseService service, TimeProvider clock) : TriageBase(factory, clock)
{
    public override string Kind => "case";

    public override IReadOnlyList<string> Fields { get; } = ["category", "priority", "team"];

    public override async Task<TriageSuggestions> SuggestAsync(long number, CancellationToken cancellationToken = default)
    {
        if (similar.Unavailable() is { } unavailable)
        {
            return new(unavailable.Status, unavailable.Note, []);
        }
        await using var db = await Factory.CreateDbContextAsync(cancellationToken);
        var c = await db.Cases.AsNoTracking().Where(x => x.Number == number)
            .Select(x => new { x.CreatedAt, x.Category, x.Priority, x.Region, Team = x.Team == null ? null : x.Team.Slug })
            .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFoundException($"There is no case {CaseNumber.Format(number)}.");
        if (await cases.QueryAsync(db, number, cancellationToken) is not { } query)
        {
            return new("failed", "The embedding model could not read this case.", []);
        }
        var nearest = index.Nearest(query, TriageRules.Neighbours * 6, id => id != number);
        var ids = nearest.Select(n => n.Id).ToList();
        // Merged duplicates were filed by whoever wrote them, not triaged: they do not vote.
        var rows = await db.Cases.AsNoTracking().Where(x => ids.Contains(x.Number) && x.CreatedAt < c.CreatedAt && x.MergedIntoNumber == null)
            .Select(x => new { x.Number, x.Category, x.Priority, x.Region, Team = x.Team == null ? null : x.Team.Slug })
            .ToDictionaryAsync(x => x.Number, cancellationToken);
        var decided = await DecidedAsync(db, number, cancellationToken);
        var neighbours = nearest.Where(n => rows.ContainsKey(n.Id)).Take(TriageRules.Neighbours).Select(n => (n.Id, Row: rows[n.Id], Score: (double)n.Score)).ToList();
        var items = Vote([("category", c.Category), ("priority", c.Priority.ToString())], neighbours,
            (field, row) => field == "category" ? row.Category : row.Priority.ToString(), CaseNumber.Format, decided);
        // Teams are regional: the same words from another region's advertiser say nothing of which team this case is for.
        var regional = nearest.Where(n => rows.TryGetValue(n.Id, out var row) && row.Region == c.Region).Take(TriageRules.Neighbours)
            .Select(n => (n.Id, Row: rows[n.Id], Score: (double)n.Score)).ToList();
        items.AddRange(Vote([("team", c.Team)], regional, (_, row) => row.Team, CaseNumber.Format, decided));
        return new("ready", null, items);
    }

    protected override async Task ApplyAsync(ClaimsPrincipal user, long number, IReadOnlyDictionary<string, TriageSuggestion> open, IReadOnlyList<TriageSuggestion> all,
        CancellationToken cancellationToken)
    {
        if (open.ContainsKey("category") || open.ContainsKey("team"))
        {
            await service.RouteAsync(user, number, open.GetValueOrDefault("category")?.Suggested, open.GetValueOrDefault("team")?.Suggested, cancellationToken: cancellationToken);
        }
        if (open.TryGetValue("priority", out var priority))
        {
            await service.SetPriorityAsync(user, number, Enum.Parse<CasePriority>(priority.Suggested), cancellationToken: cancellationToken);
        }
    }
}
