using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.OnCall;
using Portal.Shared.Rca;
using Portal.Shared.Team;
using Portal.Features.Notifications;

namespace Portal.Features.Rca;

/// <summary>
/// Correction-of-Error documents: drafted from their incidents, written section by section with optimistic
/// concurrency, reviewed and approved by named reviewers (never the author), published; action items that close only
/// with a verification note; recurrence families that catch a problem coming back after its fixes were done.
/// </summary>
/// <summary>The <c>Rca</c> section: when an RCA is due, in business days after its incident is resolved.</summary>
public sealed class RcaOptions
{
    public int Sev1BusinessDays { get; set; } = 5;
    public int Sev2BusinessDays { get; set; } = 10;
}

public sealed class RcaService(IDbContextFactory<PortalDbContext> factory, NotificationService notifications, TimeProvider clock, Shared.Live.ILiveFeed feed,
    RcaOptions options, AuditWriter audit, RecurrenceService recurrence)
{
    /// <summary>When an RCA of an incident is due under the configured policy (null when none is needed).</summary>
    public DateTimeOffset? DueAt(Severity severity, DateTimeOffset? resolvedAt) => RcaRules.DueAt(severity, resolvedAt, options.Sev1BusinessDays, options.Sev2BusinessDays);

    /// <summary>The RCAs whose fixes an incident came back after (it recurred after them).</summary>
    public async Task<List<RcaSummary>> RecurredAfterAsync(long incident, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var ids = await db.Rcas.AsNoTracking().Where(r => r.RecurrenceIncident == incident).Select(r => r.Id).ToListAsync(cancellationToken);
        return ids.Count == 0 ? [] : [.. (await ListAsync(cancellationToken: cancellationToken)).Where(r => ids.Contains(r.Id))];
    }

    /// <summary>The live topic of one RCA: a notice on it says who saved which version.</summary>
    public static string Topic(int id) => $"rca:{id}";

    /// <summary>Presence is kept per incident number; RCAs use the negative of their id, so the two never meet.</summary>
    public static long PresenceKey(int id) => -id;

    private ValueTask SavedAsync(int id, string who, int version, CancellationToken cancellationToken) =>
        feed.PublishAsync(new Shared.Live.LiveNotice(Topic(id), "saved", who, version.ToString(System.Globalization.CultureInfo.InvariantCulture)), cancellationToken);

    public async Task<RcaView> CreateAsync(ClaimsPrincipal user, RcaCreate input, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        var numbers = new List<long>();
        foreach (var text in input.Incidents ?? [])
        {
            numbers.Add(IncidentNumber.TryParse(text, out var n) ? n : throw new ValidationException("incidents", $"'{text}' is not an incident number such as INC-1042."));
        }
        if (numbers.Count == 0)
        {
            throw new ValidationException("incidents", "Name the incident(s) this RCA is about.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var incidents = await db.Incidents.AsNoTracking().Where(i => numbers.Contains(i.Number)).ToListAsync(cancellationToken);
        if (numbers.Distinct().FirstOrDefault(n => incidents.All(i => i.Number != n)) is var missing and > 0)
        {
            throw new ValidationException("incidents", $"There is no incident {IncidentNumber.Format(missing)}.");
        }
        var now = clock.GetUtcNow();
        var (timeline, durations) = await DraftAsync(db, incidents, cancellationToken);
        var worst = incidents.OrderBy(i => i.Severity).First();
        var rca = new RcaDocument
        {
            Title = string.IsNullOrWhiteSpace(input.Title) ? $"{worst.Key}: {worst.Title}" : input.Title.Trim(), AuthorId = me, State = RcaState.Draft,
            AdvertisersAffected = incidents.Any(i => i.AdvertisersAffected is not null) ? incidents.Sum(i => i.AdvertisersAffected) : null,
            RevenueImpactUsd = incidents.Any(i => i.RevenueAtRiskUsd is not null) ? incidents.Sum(i => i.RevenueAtRiskUsd) : null,
            ImpactMinutes = durations.Resolve is { } resolve ? (int)Math.Ceiling(resolve.TotalMinutes) : null,
            Regions = [.. incidents.Select(i => i.Region.ToString()).Distinct().Order()], Timeline = timeline,
            DueAt = incidents.Select(i => DueAt(i.Severity, i.ResolvedAt)).Where(d => d is not null).DefaultIfEmpty().Min(),
            CreatedAt = now, UpdatedAt = now, Version = 1,
        };
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Rcas.Add(rca);
        await db.SaveChangesAsync(cancellationToken);
        db.RcaIncidents.AddRange(numbers.Distinct().Select(n => new RcaIncident { RcaId = rca.Id, IncidentNumber = n }));
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = user.AuditName(), ActorId = me, Action = "rca.created", Target = $"RCA-{rca.Id}", Detail = string.Join(", ", incidents.Select(i => i.Key)) });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await recurrence.AssignFamiliesAsync(numbers, cancellationToken);
        return await GetAsync(rca.Id, cancellationToken);
    }

    public async Task<RcaView> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rca = await db.Rcas.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Missing(id);
        var numbers = await db.RcaIncidents.AsNoTracking().Where(r => r.RcaId == id).Select(r => r.IncidentNumber).ToListAsync(cancellationToken);
        var incidents = await db.Incidents.AsNoTracking().Where(i => numbers.Contains(i.Number)).ToListAsync(cancellationToken);
        var (_, durations) = await DraftAsync(db, incidents, cancellationToken);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, cancellationToken);
        var actions = await ActionItemService.ViewsAsync(db, db.ActionItems.Where(a => a.RcaId == id), clock.GetUtcNow(), cancellationToken);
        var events = await db.RcaEvents.AsNoTracking().Where(e => e.RcaId == id).OrderBy(e => e.Id)
            .Select(e => new RcaEventView(e.Id, e.Kind, e.Section, e.AuthorName, e.Text, e.At, e.Snapshot != null)).ToListAsync(cancellationToken);
        var family = await RecurrenceService.FamilyOfAsync(db, numbers, cancellationToken);
        var now = clock.GetUtcNow();
        var author = people[rca.AuthorId];
        return new RcaView(rca.Id, rca.Title, rca.State, author.Handle, author.Name, [.. incidents.OrderBy(i => i.Number).Select(i => i.Key)],
            new RcaSections(rca.Title, rca.Summary, rca.AdvertisersAffected, rca.RevenueImpactUsd, rca.ImpactMinutes, rca.Regions, rca.Timeline, rca.Whys, rca.RootCause,
                rca.ContributingFactors, rca.WentWell, rca.Lessons, [.. rca.Reviewers.Select(r => people.GetValueOrDefault(r)?.Handle ?? $"#{r}")], rca.Version),
            durations, RcaRules.MissingSections(rca, actions.Count), actions, events, family, rca.DueAt, Overdue(rca, now), rca.RecurredAfterFix,
            rca.RecurrenceIncident is { } n ? IncidentNumber.Format(n) : null, rca.UpdatedAt, rca.PublishedAt);
    }

    public async Task<List<RcaSummary>> ListAsync(RcaState? state = null, bool overdueOnly = false, string? incident = null, string? author = null,
        CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.Rcas.AsNoTracking();
        if (author is not null)
        {
            query = query.Where(r => db.People.Any(p => p.Id == r.AuthorId && p.Handle == author));
        }
        if (state is { } s)
        {
            query = query.Where(r => r.State == s);
        }
        if (incident is not null)
        {
            var number = IncidentNumber.TryParse(incident, out var n) ? n : throw new ValidationException("incident", $"'{incident}' is not an incident number.");
            query = query.Where(r => db.RcaIncidents.Any(x => x.RcaId == r.Id && x.IncidentNumber == number));
        }
        var rows = await query.OrderByDescending(r => r.Id).Take(500).ToListAsync(cancellationToken);
        var ids = rows.Select(r => r.Id).ToList();
        var links = (await db.RcaIncidents.AsNoTracking().Where(x => ids.Contains(x.RcaId)).ToListAsync(cancellationToken)).ToLookup(x => x.RcaId, x => IncidentNumber.Format(x.IncidentNumber));
        var open = await db.ActionItems.AsNoTracking().Where(a => ids.Contains(a.RcaId) && a.Status == ActionStatus.Open).GroupBy(a => a.RcaId)
            .Select(g => new { g.Key, Count = g.Count() }).ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        var names = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Name, cancellationToken);
        var now = clock.GetUtcNow();
        return [.. rows.Where(r => !overdueOnly || Overdue(r, now))
            .Select(r => new RcaSummary(r.Id, r.Title, r.State, names.GetValueOrDefault(r.AuthorId) ?? "", [.. links[r.Id]], r.DueAt, Overdue(r, now), r.RecurredAfterFix, open.GetValueOrDefault(r.Id)))];
    }

    /// <summary>Saves the sections, if nobody saved since <see cref="RcaSections.Version"/>. A published RCA changes only as a revision with a reason.</summary>
    public async Task<RcaView> UpdateAsync(ClaimsPrincipal user, int id, RcaSections input, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rca = await db.Rcas.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Missing(id);
        await RequireMayEditAsync(db, user, rca, cancellationToken);
        if (input.Version != rca.Version)
        {
            throw new ConflictException(await ChangedSinceAsync(db, rca, input.Version, cancellationToken));
        }
        if (rca.State == RcaState.Published && string.IsNullOrWhiteSpace(input.Reason))
        {
            throw new ValidationException("reason", "This RCA is published: say why you change it (the change is kept as a new revision with your reason).");
        }
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Length > 200)
        {
            errors["title"] = ["Give the RCA a title of at most 200 characters."];
        }
        foreach (var (field, text) in new[] { ("summary", input.Summary), ("contributingFactors", input.ContributingFactors), ("wentWell", input.WentWell), ("lessons", input.Lessons) })
        {
            if (text is { Length: > RcaRules.MaxText })
            {
                errors[field] = [$"At most {RcaRules.MaxText} characters."];
            }
        }
        if (input.AdvertisersAffected is < 0 || input.RevenueImpactUsd is < 0 || input.ImpactMinutes is < 0)
        {
            errors["impact"] = ["Customer impact cannot be negative."];
        }
        var people = await db.People.AsNoTracking().Where(p => p.Active).ToDictionaryAsync(p => p.Handle, StringComparer.OrdinalIgnoreCase, cancellationToken);
        var reviewers = new List<int>();
        foreach (var handle in input.Reviewers ?? [])
        {
            if (people.TryGetValue(handle.Trim(), out var person))
            {
                reviewers.Add(person.Id);
            }
            else
            {
                errors["reviewers"] = [.. errors.GetValueOrDefault("reviewers") ?? [], $"There is no active person \"{handle}\"."];
            }
        }
        if (reviewers.Contains(rca.AuthorId))
        {
            errors["reviewers"] = [.. errors.GetValueOrDefault("reviewers") ?? [], "The author cannot review their own RCA."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        var now = clock.GetUtcNow();
        // A published RCA keeps what it said before each revision.
        var snapshot = rca.State == RcaState.Published ? RcaMarkdown.Write(await GetAsync(id, cancellationToken)) : null;
        (rca.Title, rca.Summary, rca.AdvertisersAffected, rca.RevenueImpactUsd, rca.ImpactMinutes) = (input.Title!.Trim(), input.Summary, input.AdvertisersAffected, input.RevenueImpactUsd, input.ImpactMinutes);
        (rca.Regions, rca.Timeline, rca.Whys, rca.RootCause) = (input.Regions ?? [], [.. (input.Timeline ?? []).OrderBy(t => t.At)], input.Whys ?? [], input.RootCause);
        (rca.ContributingFactors, rca.WentWell, rca.Lessons, rca.Reviewers) = (input.ContributingFactors, input.WentWell, input.Lessons, [.. reviewers.Distinct()]);
        rca.Version++;
        rca.UpdatedAt = now;
        var actor = await db.People.AsNoTracking().FirstAsync(p => p.Id == me, cancellationToken);
        if (rca.State == RcaState.Published)
        {
            db.RcaEvents.Add(new RcaEvent { RcaId = id, Kind = RcaEventKind.Revised, AuthorId = me, AuthorName = actor.Name, Text = input.Reason!.Trim(), Snapshot = snapshot, At = now });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException(await ChangedSinceAsync(db, await db.Rcas.AsNoTracking().FirstAsync(r => r.Id == id, cancellationToken), input.Version, cancellationToken));
        }
        await SavedAsync(id, actor.Name, rca.Version, cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>Submit, approve, request changes or publish, with an optional comment; the people concerned are notified.</summary>
    public async Task<RcaView> StepAsync(ClaimsPrincipal user, int id, RcaAction action, string? comment = null, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rca = await db.Rcas.FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Missing(id);
        var actions = await db.ActionItems.CountAsync(a => a.RcaId == id, cancellationToken);
        var why = RcaRules.WhyNot(rca.State, action, rca.AuthorId == me, rca.Reviewers.Contains(me), await ManagesIncidentsAsync(db, user, rca.Id, cancellationToken),
            RcaRules.MissingSections(rca, actions), rca.Reviewers.Count);
        if (why is { } refusal)
        {
            throw refusal.Kind switch
            {
                RcaRefusal.Incomplete => new ValidationException("sections", refusal.Reason),
                RcaRefusal.WrongState => new ConflictException(refusal.Reason),
                _ => await audit.DenyAsync(user, $"RCA-{id} {action}", refusal.Reason, cancellationToken),
            };
        }
        if (action == RcaAction.RequestChanges && string.IsNullOrWhiteSpace(comment))
        {
            throw new ValidationException("comment", "Say what should change.");
        }
        var now = clock.GetUtcNow();
        var actor = await db.People.AsNoTracking().FirstAsync(p => p.Id == me, cancellationToken);
        rca.State = RcaRules.Next(action);
        rca.PublishedAt = action == RcaAction.Publish ? now : rca.PublishedAt;
        rca.Version++;
        rca.UpdatedAt = now;
        var kind = action switch
        {
            RcaAction.Submit => RcaEventKind.Submitted,
            RcaAction.RequestChanges => RcaEventKind.ChangesRequested,
            RcaAction.Approve => RcaEventKind.Approved,
            _ => RcaEventKind.Published,
        };
        db.RcaEvents.Add(new RcaEvent { RcaId = id, Kind = kind, AuthorId = me, AuthorName = actor.Name, Text = string.IsNullOrWhiteSpace(comment) ? null : comment.Trim(), At = now });
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = actor.Handle, ActorId = me, Action = $"rca.{kind.ToString().ToLowerInvariant()}", Target = $"RCA-{id}" });
        var tell = action == RcaAction.Submit ? rca.Reviewers : [rca.AuthorId];
        var notices = await NotificationService.StageAsync(db, [.. tell.Where(p => p != me)], [],
            new NoticeDraft(NotificationKind.Rca, action switch
            {
                RcaAction.Submit => $"{actor.Name} asks you to review \"{rca.Title}\"",
                RcaAction.RequestChanges => $"{actor.Name} asked for changes to \"{rca.Title}\"",
                RcaAction.Approve => $"{actor.Name} approved \"{rca.Title}\"",
                _ => $"\"{rca.Title}\" was published",
            }, comment, $"/rca/{id}"), now, cancellationToken);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"RCA-{id} changed at the same moment; reload it and try again.");
        }
        await notifications.PublishAsync(notices, cancellationToken);
        await SavedAsync(id, actor.Name, rca.Version, cancellationToken);
        return await GetAsync(id, cancellationToken);
    }

    /// <summary>The document as it was before a revision of the published RCA.</summary>
    public async Task<string> SnapshotAsync(int id, long eventId, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.RcaEvents.AsNoTracking().Where(e => e.RcaId == id && e.Id == eventId && e.Snapshot != null).Select(e => e.Snapshot).FirstOrDefaultAsync(cancellationToken)
            ?? throw new NotFoundException($"RCA-{id} has no earlier revision #{eventId}.");
    }

    public async Task CommentAsync(ClaimsPrincipal user, int id, string? section, string? text, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        if (string.IsNullOrWhiteSpace(text) || text.Length > RcaRules.MaxText)
        {
            throw new ValidationException("text", "Write the comment first (at most 20,000 characters).");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rca = await db.Rcas.AsNoTracking().FirstOrDefaultAsync(r => r.Id == id, cancellationToken) ?? throw Missing(id);
        var actor = await db.People.AsNoTracking().FirstAsync(p => p.Id == me, cancellationToken);
        db.RcaEvents.Add(new RcaEvent { RcaId = rca.Id, Kind = RcaEventKind.Comment, Section = section?.Trim(), AuthorId = me, AuthorName = actor.Name, Text = text.Trim(), At = clock.GetUtcNow() });
        await db.SaveChangesAsync(cancellationToken);
    }

    // ---- shared ----

    private static async Task<(List<RcaTimelineEntry>, RcaDurations)> DraftAsync(PortalDbContext db, List<Incident> incidents, CancellationToken cancellationToken)
    {
        var numbers = incidents.Select(i => i.Number).ToList();
        var events = await db.Timeline.AsNoTracking().Where(t => numbers.Contains(t.IncidentNumber)).OrderBy(t => t.Id).ToListAsync(cancellationToken);
        var firstAlert = await db.Alerts.AsNoTracking().Where(a => numbers.Contains(a.IncidentNumber)).MinAsync(a => (DateTimeOffset?)a.FirstSeenAt, cancellationToken);
        return RcaRules.DraftTimeline(incidents, events, firstAlert);
    }

    /// <summary>The RCA's author, a reviewer, a manager of one of its incidents' teams (or above), or an admin; else refused and audited.</summary>
    internal async Task RequireMayEditAsync(PortalDbContext db, ClaimsPrincipal user, RcaDocument rca, CancellationToken cancellationToken) =>
        await audit.RequireAsync(Permissions.MayEditRca(await db.OrgAsync(cancellationToken), user.AsActor(), rca.AuthorId, rca.Reviewers,
                await IncidentTeamsAsync(db, rca.Id, cancellationToken)),
            user, $"RCA-{rca.Id}", "Only the author, a reviewer, the managers of its incidents' teams or an admin change an RCA.", cancellationToken);

    /// <summary>Whether the caller manages one of the teams of the RCA's incidents (or is an admin): what lets a manager submit or publish.</summary>
    private static async Task<bool> ManagesIncidentsAsync(PortalDbContext db, ClaimsPrincipal user, int rcaId, CancellationToken cancellationToken)
    {
        var org = await db.OrgAsync(cancellationToken);
        var actor = user.AsActor();
        return actor.IsAdmin || (await IncidentTeamsAsync(db, rcaId, cancellationToken)).OfType<int>().Any(t => Permissions.MayManageTeam(org, actor, t));
    }

    private static async Task<List<int?>> IncidentTeamsAsync(PortalDbContext db, int rcaId, CancellationToken cancellationToken) =>
        await db.RcaIncidents.AsNoTracking().Where(x => x.RcaId == rcaId)
            .Join(db.Incidents, x => x.IncidentNumber, i => i.Number, (x, i) => i.TeamId).Distinct().ToListAsync(cancellationToken);

    private static async Task<string> ChangedSinceAsync(PortalDbContext db, RcaDocument rca, int version, CancellationToken cancellationToken)
    {
        var last = await db.RcaEvents.AsNoTracking().Where(e => e.RcaId == rca.Id).OrderByDescending(e => e.Id).Select(e => e.AuthorName).FirstOrDefaultAsync(cancellationToken);
        return $"Someone saved \"{rca.Title}\" since you opened it (your version {version}, now {rca.Version}{(last is null ? "" : $"; last step by {last}")}). "
            + "Nothing of yours was written: copy your text, reload, and apply it to the current version.";
    }

    private static bool Overdue(RcaDocument rca, DateTimeOffset now) => rca.State != RcaState.Published && rca.DueAt is { } due && due < now;

    internal static int Me(ClaimsPrincipal user) => user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal write RCAs.");

    internal static NotFoundException Missing(int id) => new($"There is no RCA #{id}.");
}
