using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Shared;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

/// <summary>Merging duplicates into the incident that survives, and undoing it; both are recorded (<see cref="IncidentMerge"/>).</summary>
public sealed partial class IncidentService
{
    /// <summary>
    /// Merges incident <paramref name="number"/> into <paramref name="into"/>: it is resolved and points there, its open
    /// alerts move there (their repeats land on the survivor), and both timelines say so. <paramref name="suggestedScore"/>
    /// is the similarity when a suggestion proposed it.
    /// </summary>
    public async Task<IncidentDetail> MergeAsync(ClaimsPrincipal user, long number, string? into, double? suggestedScore = null, int? expectedVersion = null,
        CancellationToken cancellationToken = default)
    {
        if (!IncidentNumber.TryParse(into, out var survivor))
        {
            throw new ValidationException("into", "Name the incident to merge into (like INC-1042).");
        }
        if (survivor == number)
        {
            throw new ValidationException("into", "An incident cannot be merged into itself.");
        }
        if (suggestedScore is < -1 or > 1 || suggestedScore is double.NaN)
        {
            throw new ValidationException("suggestedScore", "The suggestion's score is a cosine, from -1 to 1.");
        }
        var detail = await ChangeAsync(user, number, expectedVersion, "incident.merged", async (db, incident, actor, targets, now) =>
        {
            var target = await db.Incidents.FirstOrDefaultAsync(i => i.Number == survivor, cancellationToken)
                ?? throw new ValidationException("into", $"There is no incident {IncidentNumber.Format(survivor)}.");
            if (!IncidentTransitions.IsOpen(target.Status) || target.MergedIntoNumber is not null)
            {
                throw new ValidationException("into", $"{target.Key} is resolved; merge into an open incident.");
            }
            if (incident.MergedIntoNumber is { } merged)
            {
                throw new ConflictException($"{incident.Key} was already merged into {IncidentNumber.Format(merged)}.");
            }
            if (!IncidentTransitions.IsOpen(incident.Status))
            {
                throw new ConflictException($"{incident.Key} is resolved; only an open incident is merged.");
            }
            var moved = await db.Alerts.Where(a => a.IncidentNumber == number && a.OpenKey != null).ToListAsync(cancellationToken);
            moved.ForEach(a => a.IncidentNumber = survivor);
            incident.MergedIntoNumber = survivor;
            var events = IncidentWorkflow.Step(incident, IncidentAction.Resolve, By(actor), targets, now, $"Merged into {target.Key}.");
            var alerts = moved.Count == 0 ? "" : $" {moved.Count} open alert{(moved.Count == 1 ? "" : "s")} moved there.";
            events.Insert(0, IncidentWorkflow.Entry(incident, TimelineEventKind.Merged, By(actor), now, $"Merged into {target.Key} as the same problem.{alerts}", to: target.Key));
            events[0].IncidentVersion = incident.Version;
            db.Timeline.Add(IncidentWorkflow.Entry(target, TimelineEventKind.Merged, By(actor), now, $"{incident.Key} was merged into this incident.{alerts}", from: incident.Key));
            db.IncidentMerges.Add(new IncidentMerge
            {
                MergedNumber = number, SurvivorNumber = survivor, ById = actor.Id, At = now, SuggestedScore = suggestedScore, MovedAlertIds = [.. moved.Select(a => a.Id)],
            });
            return events;
        }, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await PublishAsync(db, survivor, TimelineEventKind.Merged, cancellationToken);
        return detail;
    }

    /// <summary>Undoes the merge of <paramref name="number"/>: it reopens on its own, its moved alerts come back, both timelines say so.</summary>
    public async Task<IncidentDetail> UnmergeAsync(ClaimsPrincipal user, long number, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        long survivor = 0;
        var detail = await ChangeAsync(user, number, expectedVersion, "incident.unmerged", async (db, incident, actor, targets, now) =>
        {
            survivor = incident.MergedIntoNumber ?? throw new ConflictException($"{incident.Key} is not merged into another incident.");
            var merge = await db.IncidentMerges.Where(m => m.MergedNumber == number && m.UnmergedAt == null).OrderByDescending(m => m.Id).FirstOrDefaultAsync(cancellationToken);
            if (merge is not null)
            {
                (merge.UnmergedAt, merge.UnmergedById) = (now, actor.Id);
                var ids = merge.MovedAlertIds;
                await db.Alerts.Where(a => ids.Contains(a.Id) && a.IncidentNumber == survivor).ForEachAsync(a => a.IncidentNumber = number, cancellationToken);
            }
            incident.MergedIntoNumber = null;
            var key = IncidentNumber.Format(survivor);
            var events = IncidentWorkflow.Step(incident, IncidentAction.Reopen, By(actor), targets, now, $"Unmerged from {key}: not the same problem.");
            events.Insert(0, IncidentWorkflow.Entry(incident, TimelineEventKind.Unmerged, By(actor), now, $"Unmerged from {key}: not the same problem.", from: incident.Key, to: key));
            events[0].IncidentVersion = incident.Version;
            var target = await db.Incidents.FirstAsync(i => i.Number == survivor, cancellationToken);
            db.Timeline.Add(IncidentWorkflow.Entry(target, TimelineEventKind.Unmerged, By(actor), now, $"{incident.Key} was unmerged from this incident.", from: incident.Key, to: key));
            return events;
        }, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await PublishAsync(db, survivor, TimelineEventKind.Unmerged, cancellationToken);
        return detail;
    }
}
