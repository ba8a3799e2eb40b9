using System.Globalization;
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

/// <summary>A filter and page of the queue. Status: "open" (default), "all", or one status name.</summary>
public sealed record IncidentQuery(
    string? Status = null, IReadOnlyList<Severity>? Severities = null, RegionCode? Region = null, string? Team = null,
    string? Service = null, string? Assignee = null, bool Mine = false, bool Unassigned = false, bool Breached = false,
    string? Search = null, string? Sort = null, string? Cursor = null, int Limit = 50, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record IncidentPage(IReadOnlyList<IncidentRow> Items, string? NextCursor);

/// <summary>
/// Every change to incidents goes through here: the pages, the API and background work use the same rules.
/// A change commits the incident, its timeline entries and an audit row together, then publishes a live hint.
/// </summary>
public sealed class IncidentService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, IEnumerable<IIncidentOpened> opened)
{
    public const int MaxTitle = 200;
    public const int MaxDescription = 20_000;
    public const int MaxText = 10_000;
    public const int MaxLimit = 500;
    private const int MaxTags = 20;
    private const int MaxTagLength = 40;
    private static readonly ZonedDateTimePattern WhenPattern = ZonedDateTimePattern.CreateWithInvariantCulture("HH:mm x", null);

    public async Task<IncidentDetail> CreateAsync(ClaimsPrincipal user, NewIncident input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var title = input.Title?.Trim();
        if (string.IsNullOrEmpty(title))
        {
            errors["title"] = ["Give the incident a title."];
        }
        else if (title.Length > MaxTitle)
        {
            errors["title"] = [$"The title is {title.Length} characters; at most {MaxTitle}."];
        }
        if (input.Description?.Length > MaxDescription)
        {
            errors["description"] = [$"The description is {input.Description.Length} characters; at most {MaxDescription}."];
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
        var tags = (input.Tags ?? []).Select(t => t.Trim().ToLowerInvariant()).Where(t => t.Length > 0).Distinct().ToList();
        if (tags.Count > MaxTags || tags.Any(t => t.Length > MaxTagLength))
        {
            errors["tags"] = [$"At most {MaxTags} tags of at most {MaxTagLength} characters each."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var now = clock.GetUtcNow();
        var incident = new Incident
        {
            Title = title!,
            Description = input.Description,
            Severity = input.Severity ?? Severity.SEV3,
            ServiceId = service?.Id,
            TeamId = team?.Id,
            Region = region,
            AssigneeId = assignee?.Id,
            TriggeredAt = now,
            UpdatedAt = now,
            AdvertisersAffected = input.AdvertisersAffected,
            RevenueAtRiskUsd = input.RevenueAtRiskUsd,
            Tags = tags,
        };
        // The number comes from the database, and the first events and the audit entry name it: two saves, one commit,
        // so no incident ever exists without its "created" event.
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

        db.Timeline.Add(Event(incident, TimelineEventKind.Created, actor, now, text: incident.Title, to: incident.Severity.ToString()));
        if (assignee is not null)
        {
            db.Timeline.Add(Event(incident, TimelineEventKind.Assigned, actor, now, to: assignee.Name));
        }
        db.AuditEntries.Add(Audit(actor, "incident.created", incident, now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        woken.ForEach(hook => hook.Committed());
        await PublishAsync(db, incident.Number, TimelineEventKind.Created, cancellationToken);
        return (await DetailAsync(incident.Number, cancellationToken))!;
    }

    /// <summary>Acknowledge, mitigate, resolve (a note is required) or reopen.</summary>
    public Task<IncidentDetail> ActAsync(ClaimsPrincipal user, long number, IncidentAction action, int? expectedVersion = null, string? note = null, CancellationToken cancellationToken = default)
    {
        if (action == IncidentAction.Resolve && string.IsNullOrWhiteSpace(note))
        {
            throw new ValidationException("note", "Say how it was resolved: the resolution note is required.");
        }
        if (note?.Length > MaxText)
        {
            throw new ValidationException("note", $"The note is {note.Length} characters; at most {MaxText}.");
        }
        return ChangeAsync(user, number, expectedVersion, "incident." + IncidentTransitions.Past(action), async (db, incident, actor, now) =>
        {
            if (IncidentTransitions.WhyNot(incident.Key, incident.Status, action) is { } why)
            {
                throw new ConflictException(why + await LatestChangeAsync(db, incident.Number, actor, prefix: " ", cancellationToken));
            }
            var from = incident.Status;
            incident.Status = IncidentTransitions.Next(from, action)!.Value;
            var events = new List<TimelineEvent>();
            switch (action)
            {
                case IncidentAction.Acknowledge:
                    incident.AcknowledgedAt = now;
                    events.Add(Event(incident, TimelineEventKind.Acknowledged, actor, now, from: from.ToString(), to: incident.Status.ToString()));
                    if (incident.AssigneeId is null)
                    {
                        // Whoever acknowledges owns it until someone assigns it elsewhere.
                        incident.AssigneeId = actor.Id;
                        events.Add(Event(incident, TimelineEventKind.Assigned, actor, now, to: actor.Name));
                    }
                    break;
                case IncidentAction.Mitigate:
                    incident.MitigatedAt = now;
                    events.Add(Event(incident, TimelineEventKind.StatusChanged, actor, now, note, from.ToString(), incident.Status.ToString()));
                    break;
                case IncidentAction.Resolve:
                    incident.ResolvedAt = now;
                    incident.ResolutionNote = note!.Trim();
                    events.Add(Event(incident, TimelineEventKind.StatusChanged, actor, now, incident.ResolutionNote, from.ToString(), incident.Status.ToString()));
                    break;
                default:
                    (incident.MitigatedAt, incident.ResolvedAt, incident.ResolutionNote) = (null, null, null);
                    events.Add(Event(incident, TimelineEventKind.StatusChanged, actor, now, note, from.ToString(), incident.Status.ToString()));
                    break;
            }
            return events;
        }, cancellationToken);
    }

    /// <summary>Assigns to a person by handle, or unassigns with null.</summary>
    public Task<IncidentDetail> AssignAsync(ClaimsPrincipal user, long number, string? handle, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.assigned", async (db, incident, actor, now) =>
        {
            var assignee = await PersonOrNullAsync(db, handle, "assignee", cancellationToken);
            if (incident.AssigneeId == assignee?.Id)
            {
                throw new ConflictException(assignee is null ? $"{incident.Key} is already unassigned." : $"{incident.Key} is already assigned to {assignee.Name}.");
            }
            var from = incident.AssigneeId is { } previous ? await NameOfAsync(db, previous, cancellationToken) : null;
            incident.AssigneeId = assignee?.Id;
            return [Event(incident, TimelineEventKind.Assigned, actor, now, from: from, to: assignee?.Name)];
        }, cancellationToken);

    public Task<IncidentDetail> ChangeSeverityAsync(ClaimsPrincipal user, long number, Severity severity, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.severity-changed", (_, incident, actor, now) =>
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
            return Task.FromResult<IReadOnlyList<TimelineEvent>>([Event(incident, TimelineEventKind.SeverityChanged, actor, now, from: from.ToString(), to: severity.ToString())]);
        }, cancellationToken);

    public Task<IncidentDetail> SetCommanderAsync(ClaimsPrincipal user, long number, string? handle, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "incident.commander-set", async (db, incident, actor, now) =>
        {
            var commander = await PersonOrNullAsync(db, handle, "commander", cancellationToken);
            var from = incident.CommanderId is { } previous ? await NameOfAsync(db, previous, cancellationToken) : null;
            incident.CommanderId = commander?.Id;
            return [Event(incident, TimelineEventKind.CommanderSet, actor, now, from: from, to: commander?.Name)];
        }, cancellationToken);

    /// <summary>A comment, or with <paramref name="stakeholderUpdate"/> an update for customers or leadership. Neither changes the incident's version.</summary>
    public async Task<TimelineEntry> PostAsync(ClaimsPrincipal user, long number, string? text, bool stakeholderUpdate = false, CancellationToken cancellationToken = default)
    {
        var body = text?.Trim();
        if (string.IsNullOrEmpty(body))
        {
            throw new ValidationException("text", stakeholderUpdate ? "Write the update first." : "Write the comment first.");
        }
        if (body.Length > MaxText)
        {
            throw new ValidationException("text", $"The text is {body.Length} characters; at most {MaxText}.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var incident = await db.Incidents.AsNoTracking().FirstOrDefaultAsync(i => i.Number == number, cancellationToken)
            ?? throw NotFound(number);
        var now = clock.GetUtcNow();
        var kind = stakeholderUpdate ? TimelineEventKind.StakeholderUpdate : TimelineEventKind.Comment;
        var entry = Event(incident, kind, actor, now, body);
        db.Timeline.Add(entry);
        db.AuditEntries.Add(Audit(actor, stakeholderUpdate ? "incident.stakeholder-update" : "incident.commented", incident, now));
        await db.SaveChangesAsync(cancellationToken);
        await PublishAsync(db, number, kind, cancellationToken);
        return new TimelineEntry(entry.Id, entry.Kind, entry.ActorName, entry.At, entry.Text, null, null);
    }

    public async Task<IncidentDetail?> DetailAsync(long number, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var i = await db.Incidents.AsNoTracking()
            .Where(x => x.Number == number)
            .Select(x => new
            {
                Incident = x,
                Service = x.Service == null ? null : x.Service.Slug,
                Team = x.Team == null ? null : x.Team.Slug,
                Assignee = x.Assignee == null ? null : x.Assignee.Handle,
                AssigneeName = x.Assignee == null ? null : x.Assignee.Name,
                Commander = x.Commander == null ? null : x.Commander.Handle,
                CommanderName = x.Commander == null ? null : x.Commander.Name,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (i is null)
        {
            return null;
        }
        var timeline = await db.Timeline.AsNoTracking()
            .Where(t => t.IncidentNumber == number)
            .OrderBy(t => t.Id)
            .Select(t => new TimelineEntry(t.Id, t.Kind, t.ActorName, t.At, t.Text, t.From, t.To))
            .ToListAsync(cancellationToken);
        var targets = await TargetsAsync(db, i.Incident.Severity, cancellationToken);
        var x = i.Incident;
        var sla = SlaClocks.For(targets, x.TriggeredAt, x.AcknowledgedAt, x.MitigatedAt, x.ResolvedAt, clock.GetUtcNow());
        return new IncidentDetail(
            x.Number, x.Key, x.Title, x.Description, x.Severity, x.Status, i.Service, i.Team, x.Region, i.Assignee, i.AssigneeName,
            i.Commander, i.CommanderName, x.TriggeredAt, x.AcknowledgedAt, x.MitigatedAt, x.ResolvedAt, x.UpdatedAt,
            x.AdvertisersAffected, x.RevenueAtRiskUsd, x.Tags, x.ResolutionNote, x.Version, sla, timeline);
    }

    /// <summary>One page of the queue, newest first (or by severity), with a keyset cursor that stays stable under inserts.</summary>
    public async Task<IncidentPage> ListAsync(ClaimsPrincipal user, IncidentQuery query, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var limit = query.Limit;
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }
        var bySeverity = string.Equals(query.Sort, "severity", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(query.Sort) && !bySeverity && !string.Equals(query.Sort, "newest", StringComparison.OrdinalIgnoreCase))
        {
            errors["sort"] = [$"'{query.Sort}' is not a sort; use newest or severity."];
        }
        IncidentStatus? onlyStatus = null;
        var status = string.IsNullOrWhiteSpace(query.Status) ? "open" : query.Status.Trim();
        if (!status.Equals("open", StringComparison.OrdinalIgnoreCase) && !status.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (Enum.TryParse<IncidentStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
            {
                onlyStatus = parsed;
            }
            else
            {
                errors["status"] = [$"'{query.Status}' is not a status; use open, all, Triggered, Acknowledged, Mitigated or Resolved."];
            }
        }
        Cursor? cursor = Cursor.TryParse(query.Cursor, bySeverity, out var c) ? c : null;
        if (!string.IsNullOrEmpty(query.Cursor) && cursor is null)
        {
            errors["cursor"] = ["The cursor is not one this list gave out (it may belong to another sort)."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Incidents.AsNoTracking();
        if (onlyStatus is { } only)
        {
            rows = rows.Where(i => i.Status == only);
        }
        else if (status.Equals("open", StringComparison.OrdinalIgnoreCase))
        {
            rows = rows.Where(i => i.Status != IncidentStatus.Resolved);
        }
        if (query.Severities is { Count: > 0 } severities)
        {
            rows = rows.Where(i => severities.Contains(i.Severity));
        }
        if (query.Region is { } region)
        {
            rows = rows.Where(i => i.Region == region);
        }
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            rows = rows.Where(i => i.Team != null && i.Team.Slug == query.Team);
        }
        if (!string.IsNullOrWhiteSpace(query.Service))
        {
            rows = rows.Where(i => i.Service != null && i.Service.Slug == query.Service);
        }
        if (!string.IsNullOrWhiteSpace(query.Assignee))
        {
            var handle = query.Assignee.Trim().ToLowerInvariant();
            rows = rows.Where(i => i.Assignee != null && i.Assignee.Handle == handle);
        }
        if (query.Mine)
        {
            var me = user.GetPersonId();
            rows = rows.Where(i => i.AssigneeId == me);
        }
        if (query.Unassigned)
        {
            rows = rows.Where(i => i.AssigneeId == null);
        }
        if (query.Breached)
        {
            rows = rows.Where(i => i.AcknowledgeBreached || i.MitigateBreached);
        }
        // Triggered in [From, To): the window a metric counted, for drilling down from it.
        if (query.From is { } from)
        {
            rows = rows.Where(i => i.TriggeredAt >= from);
        }
        if (query.To is { } to)
        {
            rows = rows.Where(i => i.TriggeredAt < to);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim();
            if (IncidentNumber.TryParse(search, out var number))
            {
                rows = rows.Where(i => i.Number == number || i.Title.Contains(search));
            }
            else
            {
                var lower = search.ToLower(CultureInfo.InvariantCulture);
                rows = rows.Where(i => i.Title.ToLower().Contains(lower));
            }
        }
        if (cursor is { } after)
        {
            rows = bySeverity
                ? rows.Where(i => i.Severity > after.Severity || (i.Severity == after.Severity && i.Number < after.Number))
                : rows.Where(i => i.Number < after.Number);
        }
        rows = bySeverity ? rows.OrderBy(i => i.Severity).ThenByDescending(i => i.Number) : rows.OrderByDescending(i => i.Number);

        var items = await rows.Take(limit + 1)
            .Select(i => new IncidentRow(
                i.Number, IncidentNumber.Prefix + i.Number, i.Title, i.Severity, i.Status,
                i.Service == null ? null : i.Service.Slug, i.Team == null ? null : i.Team.Slug, i.Region,
                i.Assignee == null ? null : i.Assignee.Handle, i.Assignee == null ? null : i.Assignee.Name,
                i.TriggeredAt, i.UpdatedAt, i.Version, i.AcknowledgeBreached || i.MitigateBreached,
                i.AcknowledgedAt, i.MitigatedAt, i.ResolvedAt))
            .ToListAsync(cancellationToken);
        var next = items.Count > limit ? new Cursor(items[limit - 1].Severity, items[limit - 1].Number).Format(bySeverity) : null;
        return new IncidentPage(items.Take(limit).ToList(), next);
    }

    public async Task<IReadOnlyList<SlaPolicy>> SlaPoliciesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.SlaPolicies.AsNoTracking().OrderBy(p => p.Severity).ToListAsync(cancellationToken);
    }

    private async Task<IncidentDetail> ChangeAsync(
        ClaimsPrincipal user, long number, int? expectedVersion, string auditAction,
        Func<PortalDbContext, Incident, Person, DateTimeOffset, Task<IReadOnlyList<TimelineEvent>>> change,
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
        var events = (await change(db, incident, actor, now)).ToList();
        events.AddRange(SlaClocks.LateBreaches(incident, await TargetsAsync(db, incident.Severity, cancellationToken), actor.Name, now));
        incident.Version++;
        incident.UpdatedAt = now;
        foreach (var e in events)
        {
            e.IncidentVersion = incident.Version;
        }
        db.Timeline.AddRange(events);
        db.AuditEntries.Add(Audit(actor, auditAction, incident, now));
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
        return (await DetailAsync(number, cancellationToken))!;
    }

    public const string SlaMonitor = SlaClocks.MonitorName;

    /// <summary>
    /// Records every SLA clock that has run out unmet: flags the incident and writes one SlaBreached entry. Each incident is
    /// claimed through its version, so several nodes can run this at once without recording a breach twice.
    /// </summary>
    public async Task<int> RecordBreachesAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var recorded = 0;
        await using var scan = await factory.CreateDbContextAsync(cancellationToken);
        var policies = await scan.SlaPolicies.AsNoTracking().ToListAsync(cancellationToken);
        var candidates = new List<(long Number, SlaKind Kind)>();
        foreach (var policy in policies)
        {
            if (policy.AcknowledgeMinutes is { } ack)
            {
                var cutoff = now.AddMinutes(-ack);
                candidates.AddRange((await scan.Incidents.AsNoTracking()
                    .Where(i => i.Severity == policy.Severity && !i.AcknowledgeBreached && i.TriggeredAt < cutoff
                        && i.AcknowledgedAt == null && i.MitigatedAt == null && i.ResolvedAt == null)
                    .OrderBy(i => i.Number).Select(i => i.Number).Take(500).ToListAsync(cancellationToken)).Select(n => (n, SlaKind.Acknowledge)));
            }
            if (policy.MitigateMinutes is { } mitigate)
            {
                var cutoff = now.AddMinutes(-mitigate);
                candidates.AddRange((await scan.Incidents.AsNoTracking()
                    .Where(i => i.Severity == policy.Severity && !i.MitigateBreached && i.TriggeredAt < cutoff
                        && i.MitigatedAt == null && i.ResolvedAt == null)
                    .OrderBy(i => i.Number).Select(i => i.Number).Take(500).ToListAsync(cancellationToken)).Select(n => (n, SlaKind.Mitigate)));
            }
        }

        foreach (var (number, kind) in candidates)
        {
            // A node that stops, stops between incidents: one incident's breach, once begun, is written to its end (a
            // commit cut off halfway is an error in the log and a breach recorded late).
            cancellationToken.ThrowIfCancellationRequested();
            var unit = CancellationToken.None;
            await using var db = await factory.CreateDbContextAsync(unit);
            var incident = await db.Incidents.FirstAsync(i => i.Number == number, unit);
            var targets = await TargetsAsync(db, incident.Severity, unit);
            var c = SlaClocks.For(targets, incident.TriggeredAt, incident.AcknowledgedAt, incident.MitigatedAt, incident.ResolvedAt, now).FirstOrDefault(x => x.Kind == kind);
            if (c is null || !c.Breached || c.Met || (kind == SlaKind.Acknowledge ? incident.AcknowledgeBreached : incident.MitigateBreached))
            {
                continue;
            }
            SlaClocks.MarkBreached(incident, kind);
            incident.Version++;
            incident.UpdatedAt = now;
            db.Timeline.Add(new TimelineEvent
            {
                IncidentNumber = number, IncidentVersion = incident.Version, Kind = TimelineEventKind.SlaBreached, ActorName = SlaMonitor, At = now,
                Text = $"{(kind == SlaKind.Acknowledge ? "Not acknowledged" : "Not mitigated")} within the {incident.Severity} target (due {c.Due:yyyy-MM-dd HH:mm}Z).",
                To = kind.ToString(),
            });
            try
            {
                await db.SaveChangesAsync(unit);
            }
            catch (DbUpdateConcurrencyException)
            {
                // Another node recorded it, or someone acted on the incident meanwhile: the next scan decides again.
                continue;
            }
            recorded++;
            await PublishAsync(db, number, TimelineEventKind.SlaBreached, unit);
        }
        return recorded;
    }

    /// <summary>"Acknowledged by Akira Sato at 09:14 JST." in the viewer's zone, from the latest change on the timeline.</summary>
    private static async Task<string> LatestChangeAsync(PortalDbContext db, long number, Person viewer, string prefix, CancellationToken cancellationToken = default)
    {
        // One change can write several entries (acknowledging also assigns); describe its first, the one the person did.
        // Comments, pages and runbook ticks are not changes of the incident (its version stays).
        var changes = db.Timeline.AsNoTracking()
            .Where(t => t.IncidentNumber == number && t.Kind != TimelineEventKind.Comment && t.Kind != TimelineEventKind.StakeholderUpdate
                && t.Kind != TimelineEventKind.Paged && t.Kind != TimelineEventKind.Escalated && t.Kind != TimelineEventKind.RunbookStep);
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
        await feed.PublishAsync(await LiveHint(db, number, kind, cancellationToken), cancellationToken);

    /// <summary>The live hint for an incident as committed: read back, so every subscriber sees the stored state.</summary>
    public static Task<IncidentChanged> LiveHint(PortalDbContext db, long number, TimelineEventKind kind, CancellationToken cancellationToken) =>
        db.Incidents.AsNoTracking()
            .Where(i => i.Number == number)
            .Select(i => new IncidentChanged(
                i.Number, i.Version, kind, i.Title, i.Status, i.Severity,
                i.Service == null ? null : i.Service.Slug, i.Team == null ? null : i.Team.Slug, i.Region,
                i.Assignee == null ? null : i.Assignee.Handle, i.UpdatedAt))
            .FirstAsync(cancellationToken);

    private static async Task<SlaTargets> TargetsAsync(PortalDbContext db, Severity severity, CancellationToken cancellationToken) =>
        (await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Severity == severity, cancellationToken))?.Targets
        ?? SlaTargets.DefaultFor(severity);

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

    private static TimelineEvent Event(Incident incident, TimelineEventKind kind, Person actor, DateTimeOffset at, string? text = null, string? from = null, string? to = null) =>
        new() { IncidentNumber = incident.Number, IncidentVersion = incident.Version, Kind = kind, ActorId = actor.Id, ActorName = actor.Name, At = at, Text = text, From = from, To = to };

    private static AuditEntry Audit(Person actor, string action, Incident incident, DateTimeOffset at) =>
        new() { At = at, Actor = actor.Handle, ActorId = actor.Id, Action = action, Target = incident.Key };

    /// <summary>The keyset position after the last row of a page.</summary>
    private readonly record struct Cursor(Severity Severity, long Number)
    {
        public string Format(bool bySeverity) => bySeverity
            ? FormattableString.Invariant($"s{(int)Severity}.{Number}")
            : FormattableString.Invariant($"n{Number}");

        public static bool TryParse(string? text, bool bySeverity, out Cursor cursor)
        {
            cursor = default;
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }
            if (!bySeverity)
            {
                if (text[0] == 'n' && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    cursor = new Cursor(Severity.SEV1, n);
                    return true;
                }
                return false;
            }
            var parts = text.Length > 1 && text[0] == 's' ? text[1..].Split('.') : [];
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                && Enum.IsDefined((Severity)s) && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                cursor = new Cursor((Severity)s, number);
                return true;
            }
            return false;
        }
    }
}
