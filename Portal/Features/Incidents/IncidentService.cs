using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using NodaTime.Text;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.Team;

namespace Portal.Features.Incidents;

/// <summary>
/// Every change people make to incidents goes through here (the pages, the API and demo traffic), and every status
/// change through <see cref="IncidentWorkflow"/>, as the alert writer's do. A change commits the incident, its
/// timeline entries and an audit row together, then publishes a live hint.
/// </summary>
public sealed partial class IncidentService(
    IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, IncidentQueries queries, IEnumerable<IIncidentOpened> opened)
{
    private static readonly ZonedDateTimePattern WhenPattern = ZonedDateTimePattern.CreateWithInvariantCulture("HH:mm x", null);

    public async Task<IncidentDetail> CreateAsync(ClaimsPrincipal user, NewIncident input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var title = input.Title?.Trim();
        if (IncidentWorkflow.TitleProblem(title) is { } titleProblem)
        {
            errors["title"] = [titleProblem];
        }
        if (input.Description?.Length > IncidentWorkflow.MaxDescription)
        {
            errors["description"] = [$"The description is {input.Description.Length} characters; at most {IncidentWorkflow.MaxDescription}."];
        }
        BusinessService? service = null;
        if (!string.IsNullOrWhiteSpace(input.Service))
        {
            service = await db.Services.FirstOrDefaultAsync(s => s.Slug == input.Service.Trim(), cancellationToken);
            if (service is null)
            {
                errors["service"] = [$"'{input.Service}' is not a known service slug."];
            }
        }
        Shared.Team.Team? team = null;
        var teamSlug = input.Team?.Trim();
        if (!string.IsNullOrEmpty(teamSlug))
        {
            team = await db.Teams.FirstOrDefaultAsync(t => t.Slug == teamSlug, cancellationToken);
            if (team is null)
            {
                errors["team"] = [$"'{input.Team}' is not a known team slug."];
            }
        }
        else if (service?.OwningTeamId is { } owner)
        {
            team = await db.Teams.FirstOrDefaultAsync(t => t.Id == owner, cancellationToken);
        }
        var region = team?.Region ?? actor.Region;
        if (!string.IsNullOrWhiteSpace(input.Region) && !Regions.TryParse(input.Region, out region))
        {
            errors["region"] = [Regions.NotARegion(input.Region)];
        }
        Person? assignee = null;
        if (!string.IsNullOrWhiteSpace(input.Assignee))
        {
            assignee = await FindPersonAsync(db, input.Assignee, cancellationToken);
            if (assignee is null)
            {
                errors["assignee"] = [$"There is no one with the handle '{input.Assignee}'."];
            }
        }
        if (input.AdvertisersAffected is < 0)
        {
            errors["advertisersAffected"] = ["Advertisers affected cannot be negative."];
        }
        if (input.RevenueAtRiskUsd is < 0)
        {
            errors["revenueAtRiskUsd"] = ["Revenue at risk cannot be negative."];
        }
        var tags = IncidentWorkflow.Tags(input.Tags, out var tagProblem);
        if (tagProblem is not null)
        {
            errors["tags"] = [tagProblem];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var now = clock.GetUtcNow();
        var incident = new Incident
        {
            Title = title!, Description = input.Description, Severity = input.Severity ?? Severity.SEV3, ServiceId = service?.Id,
            TeamId = team?.Id, Region = region, AssigneeId = assignee?.Id, AdvertisersAffected = input.AdvertisersAffected,
            RevenueAtRiskUsd = input.RevenueAtRiskUsd, Tags = tags,
        };
        var events = IncidentWorkflow.Open(incident, By(actor), now, assignee?.Name);
        // The number comes from the database, and the first events and the audit entry name it: two saves, one commit,
        // so no incident ever exists without its "created" event (nor its escalation).
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Incidents.Add(incident);
        var woken = new List<IIncidentOpened>();
        foreach (var hook in opened)
        {
            if (await hook.StageAsync(db, incident, now, cancellationToken))
            {
                woken.Add(hook);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        events.ForEach(e => e.IncidentNumber = incident.Number);
        db.Timeline.AddRange(events);
        db.Audit(user, now, "incident.created", incident.Key);
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        woken.ForEach(hook => hook.Committed());
        await PublishAsync(db, incident.Number, TimelineEventKind.Created, cancellationToken);
        return (await queries.DetailAsync(incident.Number, cancellationToken))!;
    }

    /// <summary>Acknowledge, mitigate, resolve (a note is required) or reopen.</summary>
    public Task<IncidentDetail> ActAsync(ClaimsPrincipal user, long number, IncidentAction action, int? expectedVersion = null, string? note = null, CancellationToken cancellationToken = default)
    {
        if (IncidentWorkflow.NoteProblem(action, note) is { } problem)
        {
            throw new ValidationException("note", problem);
        }
        return ChangeAsync(user, number, expectedVersion, "incident." + IncidentTransitions.Past(action), async (db, incident, actor, targets, now) =>
        {
            if (IncidentWorkflow.WhyNot(incident, action, By(actor)) is { } why)
            {
                throw new ConflictException(why + await LatestChangeAsync(db, incident.Number, actor, prefix: " ", cancellationToken));
            }
            return IncidentWorkflow.Step(incident, action, By(actor), targets, now, note);
        }, cancellationToken);
    }

    /// <summary>Assigns to a person by handle, or unassigns with null.</summary>
    public Task<IncidentDetail> AssignAsync(ClaimsPrincipal user, long number, string? handle, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.assigned", async (db, incident, actor, targets, now) =>
        {
            var assignee = await PersonOrNullAsync(db, handle, "assignee", cancellationToken);
            if (incident.AssigneeId == assignee?.Id)
            {
                throw new ConflictException(assignee is null ? $"{incident.Key} is already unassigned." : $"{incident.Key} is already assigned to {assignee.Name}.");
            }
            var from = incident.AssigneeId is { } previous ? await NameOfAsync(db, previous, cancellationToken) : null;
            incident.AssigneeId = assignee?.Id;
            return IncidentWorkflow.Commit(incident, [IncidentWorkflow.Entry(incident, TimelineEventKind.Assigned, By(actor), now, from: from, to: assignee?.Name)], By(actor), targets, now);
        }, cancellationToken);

    public Task<IncidentDetail> ChangeSeverityAsync(ClaimsPrincipal user, long number, Severity severity, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.severity-changed", (_, incident, actor, targets, now) =>
        {
            if (!Enum.IsDefined(severity))
            {
                throw new ValidationException("severity", "Severity must be SEV1 to SEV5.");
            }
            if (incident.Severity == severity)
            {
                throw new ConflictException($"{incident.Key} is already {severity}.");
            }
            var from = incident.Severity;
            incident.Severity = severity;
            return Task.FromResult(IncidentWorkflow.Commit(incident, [IncidentWorkflow.Entry(incident, TimelineEventKind.SeverityChanged, By(actor), now, from: from.ToString(), to: severity.ToString())], By(actor), targets, now));
        }, cancellationToken);

    /// <summary>Moves the incident to another service, and to its owning team unless a team is named.</summary>
    public Task<IncidentDetail> RouteAsync(ClaimsPrincipal user, long number, string? serviceSlug, string? teamSlug = null, int? expectedVersion = null,
        CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.rerouted", async (db, incident, actor, targets, now) =>
        {
            var service = string.IsNullOrWhiteSpace(serviceSlug) ? null
                : await db.Services.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == serviceSlug.Trim(), cancellationToken)
                  ?? throw new ValidationException("service", $"'{serviceSlug}' is not a known service slug.");
            var teamId = string.IsNullOrWhiteSpace(teamSlug) ? service?.OwningTeamId ?? incident.TeamId
                : await db.Teams.AsNoTracking().Where(t => t.Slug == teamSlug.Trim()).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                  ?? throw new ValidationException("team", $"'{teamSlug}' is not a known team slug.");
            var serviceId = service?.Id ?? incident.ServiceId;
            if (serviceId == incident.ServiceId && teamId == incident.TeamId)
            {
                throw new ConflictException($"{incident.Key} is already there.");
            }
            var from = await RouteNameAsync(db, incident.ServiceId, incident.TeamId, cancellationToken);
            (incident.ServiceId, incident.TeamId) = (serviceId, teamId);
            var to = await RouteNameAsync(db, serviceId, teamId, cancellationToken);
            return IncidentWorkflow.Commit(incident, [IncidentWorkflow.Entry(incident, TimelineEventKind.Rerouted, By(actor), now, from: from, to: to)], By(actor), targets, now);
        }, cancellationToken);

    private static async Task<string> RouteNameAsync(PortalDbContext db, int? serviceId, int? teamId, CancellationToken cancellationToken)
    {
        var service = serviceId is { } s ? await db.Services.AsNoTracking().Where(x => x.Id == s).Select(x => x.Slug).FirstOrDefaultAsync(cancellationToken) : null;
        var team = teamId is { } t ? await db.Teams.AsNoTracking().Where(x => x.Id == t).Select(x => x.Slug).FirstOrDefaultAsync(cancellationToken) : null;
        return $"{service ?? "no service"} / {team ?? "no team"}";
    }

    public Task<IncidentDetail> SetCommanderAsync(ClaimsPrincipal user, long number, string? handle, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.commander-set", async (db, incident, actor, targets, now) =>
        {
            var commander = await PersonOrNullAsync(db, handle, "commander", cancellationToken);
            var from = incident.CommanderId is { } previous ? await NameOfAsync(db, previous, cancellationToken) : null;
            incident.CommanderId = commander?.Id;
            return IncidentWorkflow.Commit(incident, [IncidentWorkflow.Entry(incident, TimelineEventKind.CommanderSet, By(actor), now, from: from, to: commander?.Name)], By(actor), targets, now);
        }, cancellationToken);

    /// <summary>A comment, or with <paramref name="stakeholderUpdate"/> an update for customers or leadership. Neither changes the incident's version.</summary>
    public async Task<TimelineEntry> PostAsync(ClaimsPrincipal user, long number, string? text, bool stakeholderUpdate = false, CancellationToken cancellationToken = default)
    {
        var body = text?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            throw new ValidationException("text", stakeholderUpdate ? "Write the update first." : "Write the comment first.");
        }
        if (body.Length > IncidentWorkflow.MaxText)
        {
            throw new ValidationException("text", $"The text is {body.Length} characters; at most {IncidentWorkflow.MaxText}.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Number == number, cancellationToken) ?? throw NotFound(number);
        var now = clock.GetUtcNow();
        var kind = stakeholderUpdate ? TimelineEventKind.StakeholderUpdate : TimelineEventKind.Comment;
        var entry = IncidentWorkflow.Entry(incident, kind, By(actor), now, body);
        db.Timeline.Add(entry);
        db.Audit(user, now, stakeholderUpdate ? "incident.stakeholder-update" : "incident.commented", incident.Key);
        await db.SaveChangesAsync(cancellationToken);
        await PublishAsync(db, number, kind, cancellationToken);
        return new TimelineEntry(entry.Id, entry.Kind, entry.ActorName, entry.At, entry.Text, null, null);
    }

    /// <summary>One change of a person's: the version checked, the change made through the workflow, one commit, one hint.</summary>
    private async Task<IncidentDetail> ChangeAsync(
        ClaimsPrincipal user, long number, int? expectedVersion, string auditAction,
        Func<PortalDbContext, Incident, Person, SlaTargets, DateTimeOffset, Task<List<TimelineEvent>>> change,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var incident = await db.Incidents.FirstOrDefaultAsync(i => i.Number == number, cancellationToken) ?? throw NotFound(number);
        if (expectedVersion is { } expected && expected != incident.Version)
        {
            throw new ConflictException($"{incident.Key} changed while you were looking" + await LatestChangeAsync(db, number, actor, prefix: ": ", cancellationToken));
        }
        var now = clock.GetUtcNow();
        var events = await change(db, incident, actor, await IncidentQueries.TargetsAsync(db, incident.Severity, cancellationToken), now);
        db.Timeline.AddRange(events);
        db.Audit(user, now, auditAction, incident.Key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            // Someone else's change committed first: nothing of ours was written. Say what they did.
            db.ChangeTracker.Clear();
            throw new ConflictException($"{incident.Key} changed while you were looking" + await LatestChangeAsync(db, number, actor, prefix: ": ", cancellationToken));
        }
        await PublishAsync(db, number, events[0].Kind, cancellationToken);
        return (await queries.DetailAsync(number, cancellationToken))!;
    }

    /// <summary>"Acknowledged by Akira Sato at 09:14 JST." in the viewer's zone, from the latest change on the timeline.</summary>
    private static async Task<string> LatestChangeAsync(PortalDbContext db, long number, Person viewer, string prefix, CancellationToken cancellationToken = default)
    {
        // One change can write several entries (acknowledging also assigns); describe its first, the one the person did.
        // Comments, pages, runbook ticks and automation lines are not changes of the incident (its version stays).
        var changes = db.Timeline.AsNoTracking()
            .Where(t => t.IncidentNumber == number && t.Kind != TimelineEventKind.Comment && t.Kind != TimelineEventKind.StakeholderUpdate
                && t.Kind != TimelineEventKind.Paged && t.Kind != TimelineEventKind.Escalated && t.Kind != TimelineEventKind.RunbookStep
                && t.Kind != TimelineEventKind.Automation);
        var latestVersion = await changes.MaxAsync(t => (int?)t.IncidentVersion, cancellationToken);
        var latest = await changes.Where(t => t.IncidentVersion == latestVersion).OrderBy(t => t.Id).FirstOrDefaultAsync(cancellationToken);
        if (latest is null)
        {
            return ".";
        }
        var zone = TimeZones.GetOrUtc(viewer.DisplayTimeZone ?? viewer.TimeZone);
        var when = WhenPattern.Format(Instant.FromDateTimeOffset(latest.At).InZone(zone));
        var what = latest.Kind switch
        {
            TimelineEventKind.Acknowledged => "Acknowledged",
            TimelineEventKind.StatusChanged => $"Marked {latest.To?.ToLowerInvariant()}",
            TimelineEventKind.Assigned => latest.To is null ? "Unassigned" : $"Assigned to {latest.To}",
            TimelineEventKind.SeverityChanged => $"Changed to {latest.To}",
            TimelineEventKind.Rerouted => $"Moved to {latest.To}",
            TimelineEventKind.CommanderSet => latest.To is null ? "Commander removed" : $"Commander set to {latest.To}",
            TimelineEventKind.SlaBreached => "SLA breached",
            TimelineEventKind.AlertTriggered => "Alert fired",
            TimelineEventKind.AlertAcknowledged => "Alert acknowledged",
            TimelineEventKind.AlertResolved => "Alert resolved",
            _ => "Created",
        };
        return $"{prefix}{what} by {latest.ActorName} at {when}.";
    }

    private async Task PublishAsync(PortalDbContext db, long number, TimelineEventKind kind, CancellationToken cancellationToken) =>
        await feed.PublishAsync(await IncidentQueries.LiveHintAsync(db, number, kind, cancellationToken), cancellationToken);

    private static IncidentActor By(Person person) => new(person.Id, person.Name);

    private static async Task<Person> ActorAsync(PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to work on incidents.");
        return await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.Active, cancellationToken)
            ?? throw new AccessDeniedException("Your person record is missing or deactivated.");
    }

    private static Task<Person?> FindPersonAsync(PortalDbContext db, string handle, CancellationToken cancellationToken)
    {
        var key = handle.Trim().ToLowerInvariant();
        return db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == key && p.Active, cancellationToken);
    }

    private static async Task<Person?> PersonOrNullAsync(PortalDbContext db, string? handle, string field, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(handle))
        {
            return null;
        }
        return await FindPersonAsync(db, handle, cancellationToken)
            ?? throw new ValidationException(field, $"There is no one with the handle '{handle}'.");
    }

    private static Task<string> NameOfAsync(PortalDbContext db, int personId, CancellationToken cancellationToken) =>
        db.People.AsNoTracking().Where(p => p.Id == personId).Select(p => p.Name).FirstAsync(cancellationToken);

    private static NotFoundException NotFound(long number) => new($"There is no incident {IncidentNumber.Format(number)}.");
}
