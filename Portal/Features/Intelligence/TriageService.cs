using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;

namespace Portal.Features.Intelligence;

/// <summary>One field's suggestion: what it is now, what the neighbours say, how sure, and which neighbours.</summary>
public sealed record TriageSuggestion(string Field, string? Current, string Suggested, double Confidence, IReadOnlyList<string> Neighbours, string? Decided);

/// <summary>The answer: "ready" with the suggestions (empty when the neighbours agree on nothing), or why there are none.</summary>
public sealed record TriageSuggestions(string Status, string? Note, IReadOnlyList<TriageSuggestion> Items)
{
    /// <summary>The suggestions that would change something and nobody has decided on yet.</summary>
    public IEnumerable<TriageSuggestion> Open => Items.Where(i => i.Decided is null && i.Current != i.Suggested);
}

/// <summary>
/// Triage of an incident from its nearest earlier neighbours: the likely service, team and severity, each with its
/// confidence and the neighbours it rests on. Accepting applies them through <see cref="IncidentService"/> (so the
/// usual checks, timeline, audit and live update happen); accepting and overriding are both recorded.
/// </summary>
public sealed class TriageService(IDbContextFactory<PortalDbContext> factory, SimilarIncidentService similar, IncidentIndex index, IncidentService incidents, TimeProvider clock)
{
    public const string Kind = "incident";
    public static readonly IReadOnlyList<string> Fields = ["service", "team", "severity"];

    public async Task<TriageSuggestions> ForIncidentAsync(long number, CancellationToken cancellationToken = default)
    {
        if (similar.Unavailable() is { } unavailable)
        {
            return new(unavailable.Status, unavailable.Note, []);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
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
        var decided = await db.TriageFeedback.AsNoTracking().Where(f => f.Kind == Kind && f.RecordId == number)
            .GroupBy(f => f.Field).Select(g => g.OrderByDescending(f => f.Id).First()).ToDictionaryAsync(f => f.Field, f => f.Outcome, cancellationToken);
        var items = new List<TriageSuggestion>();
        foreach (var (field, current) in new[] { ("service", incident.Service), ("team", incident.Team), ("severity", (string?)incident.Severity.ToString()) })
        {
            var votes = neighbours.Select(n => (n.Id, Value: field switch { "service" => n.Row.Service, "team" => n.Row.Team, _ => n.Row.Severity.ToString() }, n.Score));
            if (TriageRules.Vote(votes) is { } vote)
            {
                items.Add(new TriageSuggestion(field, current, vote.Value, vote.Confidence, [.. vote.Neighbours.Select(IncidentNumber.Format)], decided.GetValueOrDefault(field)));
            }
        }
        return new("ready", null, items);
    }

    /// <summary>
    /// Applies the open suggestions (all, or the one <paramref name="field"/>) through the incident service, then records
    /// each as accepted. A service suggestion moves the team with it unless the team has its own.
    /// </summary>
    public async Task<TriageSuggestions> AcceptAsync(ClaimsPrincipal user, long number, string? field = null, CancellationToken cancellationToken = default)
    {
        var person = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to triage incidents.");
        var (open, all) = await OpenAsync(number, field, cancellationToken);
        var byField = open.ToDictionary(o => o.Field);
        if (byField.TryGetValue("service", out var service) || byField.ContainsKey("team"))
        {
            // A team the neighbours agree with stays, even when the service moves (its owner would be the default).
            var team = byField.GetValueOrDefault("team")?.Suggested ?? all.FirstOrDefault(s => s.Field == "team" && s.Current == s.Suggested)?.Current;
            await incidents.RouteAsync(user, number, service?.Suggested, team, cancellationToken: cancellationToken);
        }
        if (byField.TryGetValue("severity", out var severity))
        {
            await incidents.ChangeSeverityAsync(user, number, Enum.Parse<Severity>(severity.Suggested), cancellationToken: cancellationToken);
        }
        await RecordAsync(number, open.Select(o => (o, o.Suggested, TriageFeedback.Accepted)), person, cancellationToken);
        return await ForIncidentAsync(number, cancellationToken);
    }

    /// <summary>Says the open suggestions (all, or one field) are wrong: recorded as overridden, with what the incident keeps.</summary>
    public async Task<TriageSuggestions> OverrideAsync(ClaimsPrincipal user, long number, string? field = null, CancellationToken cancellationToken = default)
    {
        var person = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to triage incidents.");
        var (open, _) = await OpenAsync(number, field, cancellationToken);
        await RecordAsync(number, open.Select(o => (o, o.Current ?? "none", TriageFeedback.Overridden)), person, cancellationToken);
        return await ForIncidentAsync(number, cancellationToken);
    }

    private async Task<(List<TriageSuggestion> Open, IReadOnlyList<TriageSuggestion> All)> OpenAsync(long number, string? field, CancellationToken cancellationToken)
    {
        if (field is not null && !Fields.Contains(field))
        {
            throw new ValidationException("field", $"'{field}' is not a triage field; one of {string.Join(", ", Fields)}.");
        }
        var suggestions = await ForIncidentAsync(number, cancellationToken);
        if (suggestions.Status != "ready")
        {
            throw new ConflictException(suggestions.Note ?? "There are no suggestions now.");
        }
        var open = suggestions.Open.Where(o => field is null || o.Field == field).ToList();
        return open.Count > 0 ? (open, suggestions.Items) : throw new ConflictException("There is no open suggestion to decide on: it was decided already, or the incident already matches it.");
    }

    private async Task RecordAsync(long number, IEnumerable<(TriageSuggestion Suggestion, string Chosen, string Outcome)> decisions, int person, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        foreach (var (suggestion, chosen, outcome) in decisions)
        {
            db.TriageFeedback.Add(new TriageFeedback
            {
                Kind = Kind, RecordId = number, Field = suggestion.Field, Suggested = suggestion.Suggested, Chosen = chosen, Confidence = suggestion.Confidence,
                Outcome = outcome, ById = person, At = now,
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
