using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
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
/// Triage of one kind of record (incidents, cases) from its nearest earlier neighbours: the subclass suggests and
/// applies; accepting and overriding are recorded here alike (<see cref="TriageFeedback"/>: the accuracy figure).
/// </summary>
public abstract class TriageBase(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    protected IDbContextFactory<PortalDbContext> Factory { get; } = factory;

    /// <summary>"incident" or "case".</summary>
    public abstract string Kind { get; }

    public abstract IReadOnlyList<string> Fields { get; }

    public abstract Task<TriageSuggestions> SuggestAsync(long number, CancellationToken cancellationToken = default);

    /// <summary>Applies the open suggestions through the record's own service (its checks, timeline, audit and live update).</summary>
    protected abstract Task ApplyAsync(ClaimsPrincipal user, long number, IReadOnlyDictionary<string, TriageSuggestion> open, IReadOnlyList<TriageSuggestion> all,
        CancellationToken cancellationToken);

    /// <summary>Applies the open suggestions (all, or the one <paramref name="field"/>), then records each as accepted.</summary>
    public async Task<TriageSuggestions> AcceptAsync(ClaimsPrincipal user, long number, string? field = null, CancellationToken cancellationToken = default)
    {
        var person = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to triage.");
        var (open, all) = await OpenAsync(number, field, cancellationToken);
        await ApplyAsync(user, number, open.ToDictionary(o => o.Field), all, cancellationToken);
        await RecordAsync(number, open.Select(o => (o, o.Suggested, TriageFeedback.Accepted)), person, cancellationToken);
        return await SuggestAsync(number, cancellationToken);
    }

    /// <summary>Says the open suggestions (all, or one field) are wrong: recorded as overridden, with what the record keeps.</summary>
    public async Task<TriageSuggestions> OverrideAsync(ClaimsPrincipal user, long number, string? field = null, CancellationToken cancellationToken = default)
    {
        var person = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to triage.");
        var (open, _) = await OpenAsync(number, field, cancellationToken);
        await RecordAsync(number, open.Select(o => (o, o.Current ?? "none", TriageFeedback.Overridden)), person, cancellationToken);
        return await SuggestAsync(number, cancellationToken);
    }

    /// <summary>Each field's latest decision on this record.</summary>
    protected async Task<Dictionary<string, string>> DecidedAsync(PortalDbContext db, long number, CancellationToken cancellationToken) =>
        await db.TriageFeedback.AsNoTracking().Where(f => f.Kind == Kind && f.RecordId == number)
            .GroupBy(f => f.Field).Select(g => g.OrderByDescending(f => f.Id).First()).ToDictionaryAsync(f => f.Field, f => f.Outcome, cancellationToken);

    /// <summary>One suggestion per field the neighbours agree on.</summary>
    protected static List<TriageSuggestion> Vote<TRow>(IEnumerable<(string Field, string? Current)> fields, IReadOnlyList<(long Id, TRow Row, double Score)> neighbours,
        Func<string, TRow, string?> value, Func<long, string> key, IReadOnlyDictionary<string, string> decided)
    {
        var items = new List<TriageSuggestion>();
        foreach (var (field, current) in fields)
        {
            if (TriageRules.Vote(neighbours.Select(n => (n.Id, value(field, n.Row), n.Score))) is { } vote)
            {
                items.Add(new TriageSuggestion(field, current, vote.Value, vote.Confidence, [.. vote.Neighbours.Select(key)], decided.GetValueOrDefault(field)));
            }
        }
        return items;
    }

    private async Task<(List<TriageSuggestion> Open, IReadOnlyList<TriageSuggestion> All)> OpenAsync(long number, string? field, CancellationToken cancellationToken)
    {
        if (field is not null && !Fields.Contains(field))
        {
            throw new ValidationException("field", $"'{field}' is not a triage field; one of {string.Join(", ", Fields)}.");
        }
        var suggestions = await SuggestAsync(number, cancellationToken);
        if (suggestions.Status != "ready")
        {
            throw new ConflictException(suggestions.Note ?? "There are no suggestions now.");
        }
        var open = suggestions.Open.Where(o => field is null || o.Field == field).ToList();
        return open.Count > 0 ? (open, suggestions.Items) : throw new ConflictException("There is no open suggestion to decide on: it was decided already, or the record already matches it.");
    }

    private async Task RecordAsync(long number, IEnumerable<(TriageSuggestion Suggestion, string Chosen, string Outcome)> decisions, int person, CancellationToken cancellationToken)
    {
        await using var db = await Factory.CreateDbContextAsync(cancellationToken);
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
