using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>
/// Triage of an incident from its nearest earlier neighbours: the likely service, team and severity, each with its
/// confidence and the neighbours it rests on. Accepting applies them through <see cref="IncidentService"/>.
/// </summary>
public sealed class TriageService(IDbContextFactory<PortalDbContext> factory, SimilarIncidentService similar, IncidentIndex index, IncidentService incidents, TimeProvider clock)
    : TriageBase(factory, clock)
{
    public override string Kind => "incident";

    public override IReadOnlyList<string> Fields { get; } = ["service", "team", "severity"];

    public override async Task<TriageSuggestions> SuggestAsync(long number, CancellationToken cancellationToken = default)
    {
        if (similar.Unavailable() is { } unavailable)
        {
            return new(unavailable.Status, unavailable.Note, []);
        }
        await using var db = await Factory.CreateDbContextAsync(cancellationToken);
        var incident = await db.Incidents.AsNoTracking().Where(i => i.Number == number)
            .Select(i => new { i.TriggeredAt, Service = i.Service == null ? null : i.Service.Slug, Team = i.Team == null ? null : i.Team.Slug, i.Severity })
            .FirstOrDefaultAsync(cancellationToken) ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(number)}.");
        if (await similar.QueryAsync(db, number, cancellationToken) is not { } query)
        {
            return new("failed", "The embedding model could not read this incident.", []);
        }
        var nearest = index.Nearest(query, TriageRules.Neighbours * 3, id => id != number);
        var ids = nearest.Select(n => n.Id).ToList();
        var rows = await db.Incidents.AsNoTracking().Where(i => ids.Contains(i.Number) && i.TriggeredAt < incident.TriggeredAt)
            .Select(i => new { i.Number, Service = i.Service == null ? null : i.Service.Slug, Team = i.Team == null ? null : i.Team.Slug, i.Severity })
            .ToDictionaryAsync(i => i.Number, cancellationToken);
        var neighbours = nearest.Where(n => rows.ContainsKey(n.Id)).Take(TriageRules.Neighbours).Select(n => (n.Id, Row: rows[n.Id], Score: (double)n.Score)).ToList();
        var items = Vote([("service", incident.Service), ("team", incident.Team), ("severity", incident.Severity.ToString())], neighbours,
            (field, row) => field switch { "service" => row.Service, "team" => row.Team, _ => row.Severity.ToString() }, IncidentNumber.Format,
            await DecidedAsync(db, number, cancellationToken));
        return new("ready", null, items);
    }

    /// <summary>A service suggestion moves the team with it unless the team has its own, or the neighbours agree with the team it has.</summary>
    protected override async Task ApplyAsync(ClaimsPrincipal user, long number, IReadOnlyDictionary<string, TriageSuggestion> open, IReadOnlyList<TriageSuggestion> all,
        CancellationToken cancellationToken)
    {
        if (open.TryGetValue("service", out var service) || open.ContainsKey("team"))
        {
            var team = open.GetValueOrDefault("team")?.Suggested ?? all.FirstOrDefault(s => s.Field == "team" && s.Current == s.Suggested)?.Current;
            await incidents.RouteAsync(user, number, service?.Suggested, team, cancellationToken: cancellationToken);
        }
        if (open.TryGetValue("severity", out var severity))
        {
            await incidents.ChangeSeverityAsync(user, number, Enum.Parse<Severity>(severity.Suggested), cancellationToken: cancellationToken);
        }
    }
}
