using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.Runbooks;

namespace Portal.Features.Runbooks;

/// <summary>
/// Runbooks during an incident: the runbooks that fit it (by service, alerts and words), ticking steps on its timeline,
/// and what people answered when asked whether a runbook helped.
/// </summary>
public sealed class IncidentRunbookService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, IEnumerable<IRunbookMatcher> matchers)
{
    /// <summary>Ticks (or unticks) a step of a runbook for an incident: one entry on the incident's timeline, seen live by everyone on it.</summary>
    public async Task TickAsync(ClaimsPrincipal user, string slug, long incident, int step, bool done, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await RunbookService.ActorAsync(db, user, cancellationToken);
        var (runbook, _) = await RunbookService.FindAsync(db, slug, cancellationToken);
        var target = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == incident, cancellationToken)
            ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(incident)}.");
        var steps = RunbookRules.Steps(runbook.Body);
        var chosen = steps.FirstOrDefault(s => s.Number == step) ?? throw new ValidationException("step", $"\"{runbook.Title}\" has {steps.Count} step(s); there is no step {step}.");
        var now = clock.GetUtcNow();
        db.Timeline.Add(new TimelineEvent
        {
            IncidentNumber = incident, IncidentVersion = target.Version, Kind = TimelineEventKind.RunbookStep, ActorId = actor.Id, ActorName = actor.Name, At = now,
            Text = $"Step {chosen.Number} '{chosen.Text}' of \"{runbook.Title}\" {(done ? "done" : "undone")} by {actor.Name}", From = runbook.Slug,
            To = $"{chosen.Number}:{(done ? "done" : "undone")}",
        });
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = actor.Handle, ActorId = actor.Id, Action = "runbook.step", Target = target.Key, Detail = $"{runbook.Slug} step {step} {(done ? "done" : "undone")}" });
        await db.SaveChangesAsync(cancellationToken);
        await feed.PublishAsync(await IncidentQueries.LiveHintAsync(db, incident, TimelineEventKind.RunbookStep, cancellationToken), cancellationToken);
    }

    /// <summary>The steps of a runbook ticked for an incident (the latest tick or untick of each wins).</summary>
    public async Task<HashSet<int>> DoneStepsAsync(string slug, long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (runbook, _) = await RunbookService.FindAsync(db, slug, cancellationToken);
        var ticks = await db.Timeline.AsNoTracking().Where(t => t.IncidentNumber == incident && t.Kind == TimelineEventKind.RunbookStep && t.From == runbook.Slug)
            .OrderBy(t => t.Id).Select(t => t.To).ToListAsync(cancellationToken);
        var done = new HashSet<int>();
        foreach (var tick in ticks)
        {
            if (tick?.Split(':') is [var n, var state] && int.TryParse(n, out var number))
            {
                _ = state == "done" ? done.Add(number) : done.Remove(number);
            }
        }
        return done;
    }

    /// <summary>Counts a use of a runbook: opened from an incident (once per person and incident), or marked helpful or not (the latest answer counts).</summary>
    public async Task RecordUseAsync(ClaimsPrincipal user, string slug, long? incident, RunbookUse use, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (runbook, _) = await RunbookService.FindAsync(db, slug, cancellationToken);
        var me = user.GetPersonId();
        var previous = db.RunbookUsages.Where(u => u.RunbookId == runbook.Id && u.PersonId == me && u.IncidentNumber == incident);
        if (use == RunbookUse.Opened && await previous.AnyAsync(u => u.Kind == RunbookUse.Opened, cancellationToken))
        {
            return;
        }
        if (use != RunbookUse.Opened)
        {
            await previous.Where(u => u.Kind != RunbookUse.Opened).ExecuteDeleteAsync(cancellationToken);
        }
        db.RunbookUsages.Add(new RunbookUsage { RunbookId = runbook.Id, IncidentNumber = incident, PersonId = me, Kind = use, At = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Runbooks for an incident, best first: those written for its service, for its alerts' classes and labels, then
    /// those whose words are closest to its title and description. Each comes with the reasons it was chosen.
    /// </summary>
    public async Task<List<RunbookSuggestion>> SuggestAsync(long incident, int limit = 5, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var subject = await db.Incidents.AsNoTracking().Where(i => i.Number == incident)
            .Select(i => new { i.Title, i.Description, Service = i.Service == null ? null : i.Service.Slug }).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"There is no incident {IncidentNumber.Format(incident)}.");
        var alerts = await db.Alerts.AsNoTracking().Where(a => a.IncidentNumber == incident).Select(a => a.Labels).Take(50).ToListAsync(cancellationToken);
        var classes = alerts.Select(RunbookRules.AlertClass).OfType<string>().ToHashSet();
        var labels = alerts.SelectMany(l => l.Select(p => $"{p.Key}={p.Value}")).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var text = await RunbookSearch.SearchAsync(db, $"{subject.Title} {subject.Description}", 10, cancellationToken);
        var now = clock.GetUtcNow();
        var scored = new Dictionary<int, (int Score, List<string> Reasons)>();
        void Add(int id, int score, string reason)
        {
            var (s, reasons) = scored.GetValueOrDefault(id, (0, []));
            reasons.Add(reason);
            scored[id] = (s + score, reasons);
        }
        var runbooks = await db.Runbooks.AsNoTracking().ToListAsync(cancellationToken);
        foreach (var runbook in runbooks)
        {
            if (subject.Service is { } service && runbook.Services.Contains(service, StringComparer.OrdinalIgnoreCase))
            {
                Add(runbook.Id, 40, $"written for {service}");
            }
            foreach (var alertClass in runbook.AlertClasses.Where(classes.Contains))
            {
                Add(runbook.Id, 50, $"alert class {alertClass}");
            }
            foreach (var label in runbook.Labels.Where(labels.Contains))
            {
                Add(runbook.Id, 20, $"label {label}");
            }
        }
        for (var i = 0; i < text.Count; i++)
        {
            Add(text[i].RunbookId, Math.Max(5, 30 - (i * 5)), i == 0 ? "closest words to the incident" : "similar words");
        }
        var byId = runbooks.ToDictionary(r => r.Id);
        // Matches by meaning join the rules: the closer the section, the more it counts; each quotes what matched.
        var citations = new Dictionary<int, RunbookCitation>();
        foreach (var matcher in matchers)
        {
            foreach (var match in await matcher.MatchAsync(incident, cancellationToken))
            {
                if (byId.ContainsKey(match.RunbookId) && !citations.ContainsKey(match.RunbookId))
                {
                    citations[match.RunbookId] = match.Citation;
                    Add(match.RunbookId, (int)Math.Round(60 * match.Citation.Similarity), $"section “{match.Citation.Section}” matches by meaning");
                }
            }
        }
        return [.. scored.OrderByDescending(s => s.Value.Score).ThenBy(s => byId[s.Key].Title).Take(limit)
            .Select(s => new RunbookSuggestion(byId[s.Key].Slug, byId[s.Key].Title, s.Value.Score, s.Value.Reasons,
                RunbookRules.IsStale(byId[s.Key].LastReviewedAt, byId[s.Key].ReviewIntervalDays, now), citations.GetValueOrDefault(s.Key)))];
    }
}
