using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;
using Portal.Shared.Intelligence;

namespace Portal.Features.Demo;

/// <summary>
/// What people did with the intelligence in the demo history: triage suggestions accepted or overridden on a share
/// of the resolved incidents, and drafts written, used, edited or rejected. So the admin page's accuracy is not empty.
/// </summary>
internal static class DemoIntelligenceSeeder
{
    public static async Task SeedAsync(PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await db.TriageFeedback.AnyAsync(cancellationToken))
        {
            return;
        }
        var random = new Random(Portal.Shared.Demo.DemoWorld.Seed + 21);
        var services = await db.Services.AsNoTracking().Select(s => new { s.Id, s.Slug }).ToListAsync(cancellationToken);
        var incidents = await db.Incidents.AsNoTracking().Where(i => i.Status == IncidentStatus.Resolved && i.ServiceId != null)
            .OrderBy(i => i.Number).Select(i => new { i.Number, i.ServiceId, i.Severity, i.TriggeredAt, i.AssigneeId }).ToListAsync(cancellationToken);
        foreach (var incident in incidents.Where((_, n) => n % 5 == 0))
        {
            var slug = services.First(s => s.Id == incident.ServiceId).Slug;
            var at = incident.TriggeredAt.AddMinutes(3);
            var serviceRight = random.NextDouble() < 0.92;
            var suggestedService = serviceRight ? slug : services[random.Next(services.Count)].Slug;
            db.TriageFeedback.Add(new TriageFeedback
            {
                Kind = "incident", RecordId = incident.Number, Field = "service", Suggested = suggestedService, Chosen = slug, Confidence = Math.Round(0.55 + random.NextDouble() * 0.45, 2),
                Outcome = suggestedService == slug ? TriageFeedback.Accepted : TriageFeedback.Overridden, ById = incident.AssigneeId, At = at,
            });
            var severityRight = random.NextDouble() < 0.74;
            var suggestedSeverity = severityRight ? incident.Severity : (Severity)Math.Clamp((int)incident.Severity + (random.NextDouble() < 0.5 ? -1 : 1), 0, 4);
            db.TriageFeedback.Add(new TriageFeedback
            {
                Kind = "incident", RecordId = incident.Number, Field = "severity", Suggested = suggestedSeverity.ToString(), Chosen = incident.Severity.ToString(),
                Confidence = Math.Round(0.5 + random.NextDouble() * 0.4, 2), Outcome = suggestedSeverity == incident.Severity ? TriageFeedback.Accepted : TriageFeedback.Overridden,
                ById = incident.AssigneeId, At = at,
            });
        }
        string Outcome() => random.NextDouble() switch { < 0.5 => DraftRecord.Accepted, < 0.85 => DraftRecord.Edited, _ => DraftRecord.Rejected };
        string[] kinds = [DraftRules.CatchUp, DraftRules.Stakeholder, DraftRules.Rca];
        foreach (var (incident, n) in incidents.Where((_, n) => n % 9 == 0).Select((i, n) => (i, n)))
        {
            var kind = kinds[n % kinds.Length];
            db.Drafts.Add(new DraftRecord
            {
                Kind = kind, Subject = IncidentNumber.Format(incident.Number), Source = "offline", Text = $"Draft: {kind} for {IncidentNumber.Format(incident.Number)}, written offline from the records.",
                Citations = IncidentNumber.Format(incident.Number), Outcome = Outcome(), ById = incident.AssigneeId, CreatedAt = incident.TriggeredAt.AddMinutes(20),
                DecidedAt = incident.TriggeredAt.AddMinutes(24),
            });
        }
        var solved = await db.Cases.AsNoTracking().Where(c => c.Status == CaseStatus.Solved || c.Status == CaseStatus.Closed).OrderBy(c => c.Number)
            .Select(c => new { c.Number, c.CreatedAt, c.AssigneeId, c.Category, c.Priority }).Take(400).ToListAsync(cancellationToken);
        var categories = solved.Select(c => c.Category).Distinct().Order(StringComparer.Ordinal).ToList();
        foreach (var c in solved.Where((_, n) => n % 6 == 0))
        {
            // Case triage as people decided it: the category is usually right, the priority less often.
            var category = random.NextDouble() < 0.88 ? c.Category : categories[random.Next(categories.Count)];
            var priority = random.NextDouble() < 0.7 ? c.Priority : (CasePriority)Math.Clamp((int)c.Priority + (random.NextDouble() < 0.5 ? -1 : 1), 0, 3);
            foreach (var (field, suggested, chosen) in new[] { ("category", category, c.Category), ("priority", priority.ToString(), c.Priority.ToString()) })
            {
                db.TriageFeedback.Add(new TriageFeedback
                {
                    Kind = "case", RecordId = c.Number, Field = field, Suggested = suggested, Chosen = chosen, Confidence = Math.Round(0.5 + random.NextDouble() * 0.5, 2),
                    Outcome = suggested == chosen ? TriageFeedback.Accepted : TriageFeedback.Overridden, ById = c.AssigneeId, At = c.CreatedAt.AddMinutes(2),
                });
            }
        }
        foreach (var c in solved.Where((_, n) => n % 16 == 0))
        {
            db.Drafts.Add(new DraftRecord
            {
                Kind = DraftRules.CaseReply, Subject = CaseNumber.Format(c.Number), Source = "offline", Text = $"Draft: reply to {CaseNumber.Format(c.Number)}, written offline from solved cases like it.",
                Outcome = Outcome(), ById = c.AssigneeId, CreatedAt = c.CreatedAt.AddMinutes(30), DecidedAt = c.CreatedAt.AddMinutes(33),
            });
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
