using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Cases;
using Portal.Shared.Directory;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Shared.Team;

namespace Portal.Features.Cases;

/// <summary>
/// Every change the team makes to cases goes through here (the pages, the API and demo traffic), each status change
/// through <see cref="CaseWorkflow"/>. A change commits the case, its timeline entries, its messages and an audit row
/// together, then publishes a live hint.
/// </summary>
public sealed class CaseService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, CaseQueries queries, CaseOptions options, CaseLinks links)
{
    public async Task<CaseDetail> CreateAsync(ClaimsPrincipal user, NewCase input, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var subject = input.Subject?.Trim();
        if (CaseWorkflow.SubjectProblem(subject) is { } subjectProblem)
        {
            errors["subject"] = [subjectProblem];
        }
        if (input.Body?.Length > CaseWorkflow.MaxBody)
        {
            errors["body"] = [$"The message is {input.Body.Length} characters; at most {CaseWorkflow.MaxBody}."];
        }
        Advertiser? advertiser = null;
        if (string.IsNullOrWhiteSpace(input.Advertiser))
        {
            errors["advertiser"] = ["Name the advertiser by account id."];
        }
        else if ((advertiser = await db.Advertisers.AsNoTracking().FirstOrDefaultAsync(a => a.AccountId == input.Advertiser.Trim(), cancellationToken)) is null)
        {
            errors["advertiser"] = [$"There is no advertiser {input.Advertiser}."];
        }
        var category = string.IsNullOrWhiteSpace(input.Category) ? "other" : input.Category.Trim();
        if (options.CategoryList.All(c => c.Slug != category))
        {
            errors["category"] = [$"'{input.Category}' is not a category; use one of {string.Join(", ", options.CategoryList.Select(c => c.Slug))}."];
        }
        if (input.Channel is CaseChannel.Email or CaseChannel.WebForm)
        {
            errors["channel"] = ["Email and web form cases come in by mail and by the support form; use Api or Internal."];
        }
        Person? assignee = null;
        if (!string.IsNullOrWhiteSpace(input.Assignee) && (assignee = await FindPersonAsync(db, input.Assignee, cancellationToken)) is null)
        {
            errors["assignee"] = [$"There is no one with the handle '{input.Assignee}'."];
        }
        Shared.Team.Team? team = null;
        if (!string.IsNullOrWhiteSpace(input.Team) && (team = await db.Teams.AsNoTracking().FirstOrDefaultAsync(t => t.Slug == input.Team.Trim(), cancellationToken)) is null)
        {
            errors["team"] = [$"'{input.Team}' is not a known team slug."];
        }
        var tags = IncidentWorkflow.Tags(input.Tags, out var tagProblem);
        if (tagProblem is not null)
        {
            errors["tags"] = [tagProblem];
        }
        var (amount, currency) = Money(input.DisputedAmount, input.Currency, errors);
        string? requester = null;
        if (!string.IsNullOrWhiteSpace(input.RequesterEmail) && (requester = AdvertiserRules.NormalizeEmail(input.RequesterEmail)) is null)
        {
            errors["requesterEmail"] = [$"'{input.RequesterEmail}' is not an email address."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var now = clock.GetUtcNow();
        var c = new SupportCase
        {
            Subject = subject!, AdvertiserId = advertiser!.Id, Category = category, Priority = input.Priority ?? CasePriority.P3,
            Channel = input.Channel ?? CaseChannel.Api, AssigneeId = assignee?.Id, TeamId = team?.Id, Region = advertiser.Region, Tags = tags,
            DisputedAmount = amount, Currency = currency, RequesterEmail = requester ?? advertiser.BillingEmails.FirstOrDefault(),
        };
        var (policy, calendar) = await CaseQueries.RulesAsync(db, c.Priority, advertiser.Tier, c.Region, cancellationToken);
        var events = CaseWorkflow.Open(c, By(actor), policy, calendar, now);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Cases.Add(c);
        await db.SaveChangesAsync(cancellationToken);
        events.ForEach(e => e.CaseNumber = c.Number);
        db.CaseEvents.AddRange(events);
        if (!string.IsNullOrWhiteSpace(input.Body))
        {
            // Opened on the advertiser's behalf: their words are theirs in the conversation, written down by the opener.
            db.CaseMessages.Add(new CaseMessage
            {
                CaseNumber = c.Number, Kind = c.Channel == CaseChannel.Internal ? CaseMessageKind.Note : CaseMessageKind.Advertiser,
                AuthorId = actor.Id, AuthorName = actor.Name, Body = input.Body.Trim(), At = now,
            });
        }
        db.Audit(user, now, "case.created", c.Key, $"for {advertiser.AccountId}");
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await PublishAsync(db, c.Number, CaseEventKind.Created, cancellationToken);
        return (await queries.DetailAsync(c.Number, cancellationToken))!;
    }

    /// <summary>A public reply (sent to the advertiser); with <paramref name="then"/> the status changes in the same step.</summary>
    public Task<CaseDetail> ReplyAsync(ClaimsPrincipal user, long number, string? body, CaseStatus? then = null, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        if (CaseWorkflow.BodyProblem(body, "reply") is { } problem)
        {
            throw new ValidationException("body", problem);
        }
        if (then is { } to && (!Enum.IsDefined(to) || !CaseWorkflow.Settable.Contains(to) || to == CaseStatus.Closed))
        {
            throw new ValidationException("then", "After a reply a case can be Open, PendingAdvertiser, OnHold or Solved.");
        }
        return ChangeAsync(user, number, expectedVersion, "case.replied", (db, c, actor, calendar, now) =>
        {
            Refuse(c.MergedIntoNumber is { } m ? $"{c.Key} was merged into {CaseNumber.Format(m)}; reply there." : null);
            Refuse(c.Status == CaseStatus.Closed ? $"{c.Key} is closed; open a follow-up case to write to the advertiser again." : null);
            db.CaseMessages.Add(new CaseMessage { CaseNumber = c.Number, Kind = CaseMessageKind.Reply, AuthorId = actor.PersonId, AuthorName = actor.Name, Body = body!.Trim(), At = now });
            return Task.FromResult(CaseWorkflow.Reply(c, actor, calendar, now, then));
        }, cancellationToken);
    }

    /// <summary>An internal note: never sent, never shown to the advertiser; it does not change the case's version.</summary>
    public async Task<CaseDetail> NoteAsync(ClaimsPrincipal user, long number, string? body, CancellationToken cancellationToken = default)
    {
        if (CaseWorkflow.BodyProblem(body, "note") is { } problem)
        {
            throw new ValidationException("body", problem);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var c = await db.Cases.AsNoTracking().FirstOrDefaultAsync(x => x.Number == number, cancellationToken) ?? throw NotFound(number);
        var now = clock.GetUtcNow();
        db.CaseMessages.Add(new CaseMessage { CaseNumber = number, Kind = CaseMessageKind.Note, AuthorId = actor.Id, AuthorName = actor.Name, Body = body!.Trim(), At = now });
        db.CaseEvents.Add(CaseWorkflow.Entry(c, CaseEventKind.NoteAdded, By(actor), now));
        db.Audit(user, now, "case.noted", c.Key);
        await db.SaveChangesAsync(cancellationToken);
        await PublishAsync(db, number, CaseEventKind.NoteAdded, cancellationToken);
        return (await queries.DetailAsync(number, cancellationToken))!;
    }

    public Task<CaseDetail> SetStatusAsync(ClaimsPrincipal user, long number, CaseStatus status, string? note = null, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(status))
        {
            throw new ValidationException("status", "Status must be one of Open, PendingAdvertiser, OnHold, Solved or Closed.");
        }
        if (note?.Length > 2000)
        {
            throw new ValidationException("note", $"The note is {note.Length} characters; at most 2000.");
        }
        return ChangeAsync(user, number, expectedVersion, "case.status-changed", (_, c, actor, calendar, now) =>
        {
            Refuse(CaseWorkflow.WhyNot(c, status));
            return Task.FromResult(CaseWorkflow.SetStatus(c, status, actor, calendar, now, string.IsNullOrWhiteSpace(note) ? null : note.Trim()));
        }, cancellationToken);
    }

    public Task<CaseDetail> AssignAsync(ClaimsPrincipal user, long number, string? handle, int? expectedVersion = null, CancellationToken cancellationToken = default) =>
        ChangeAsync(user, number, expectedVersion, "case.assigned", async (db, c, actor, _, now) =>
        {
            Person? assignee = null;
            if (!string.IsNullOrWhiteSpace(handle) && (assignee = await FindPersonAsync(db, handle, cancellationToken)) is null)
            {
                throw new ValidationException("assignee", $"There is no one with the handle '{handle}'.");
            }
            Refuse(c.AssigneeId == assignee?.Id ? (assignee is null ? $"{c.Key} is already unassigned." : $"{c.Key} is already assigned to {assignee.Name}.") : null);
            var from = c.AssigneeId is { } previous ? await db.People.Where(p => p.Id == previous).Select(p => p.Name).FirstAsync(cancellationToken) : null;
            c.AssigneeId = assignee?.Id;
            return CaseWorkflow.Commit(c, [CaseWorkflow.Entry(c, CaseEventKind.Assigned, actor, now, from: from, to: assignee?.Name)], now);
        }, cancellationToken);

    /// <summary>Changes the priority; the clocks are read again from the case's history under the new targets.</summary>
    public Task<CaseDetail> SetPriorityAsync(ClaimsPrincipal user, long number, CasePriority priority, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        if (!Enum.IsDefined(priority))
        {
            throw new ValidationException("priority", "Priority must be P1 to P4.");
        }
        return ChangeAsync(user, number, expectedVersion, "case.priority-changed", async (db, c, actor, _, now) =>
        {
            Refuse(c.Priority == priority ? $"{c.Key} is already {priority}." : null);
            Refuse(c.MergedIntoNumber is not null || c.Status == CaseStatus.Closed ? $"{c.Key} is closed." : null);
            var from = c.Priority;
            c.Priority = priority;
            var tier = await db.Advertisers.Where(a => a.Id == c.AdvertiserId).Select(a => a.Tier).FirstAsync(cancellationToken);
            var (policy, calendar) = await CaseQueries.RulesAsync(db, priority, tier, c.Region, cancellationToken);
            var pauses = CaseWorkflow.PausesFrom(await db.CaseEvents.AsNoTracking().Where(e => e.CaseNumber == c.Number).ToListAsync(cancellationToken));
            c.FirstReplyDueAt = policy?.FirstReply is { } f ? Due(calendar, c, f, pauses, firstReply: true) : null;
            c.ResolutionDueAt = policy?.Resolution is { } r ? Due(calendar, c, r, pauses, firstReply: false) : null;
            return CaseWorkflow.Commit(c, [CaseWorkflow.Entry(c, CaseEventKind.PriorityChanged, actor, now, from: from.ToString(), to: priority.ToString())], now);
        }, cancellationToken);
    }

    /// <summary>Moves the case to another category and/or team (null keeps what it has); each change is on the timeline.</summary>
    public async Task<CaseDetail> RouteAsync(ClaimsPrincipal user, long number, string? category, string? team, int? expectedVersion = null,
        CancellationToken cancellationToken = default)
    {
        var slug = string.IsNullOrWhiteSpace(category) ? null : category.Trim();
        if (slug is not null && options.CategoryList.All(c => c.Slug != slug))
        {
            throw new ValidationException("category", $"'{category}' is not a category; use one of {string.Join(", ", options.CategoryList.Select(c => c.Slug))}.");
        }
        return await ChangeAsync(user, number, expectedVersion, "case.rerouted", async (db, c, actor, _, now) =>
        {
            Refuse(c.MergedIntoNumber is not null || c.Status == CaseStatus.Closed ? $"{c.Key} is closed." : null);
            var to = string.IsNullOrWhiteSpace(team) ? null
                : await db.Teams.AsNoTracking().Where(t => t.Slug == team.Trim()).Select(t => new { t.Id, t.Slug }).FirstOrDefaultAsync(cancellationToken)
                  ?? throw new ValidationException("team", $"'{team}' is not a known team slug.");
            var events = new List<CaseEvent>();
            if (slug is not null && slug != c.Category)
            {
                events.Add(CaseWorkflow.Entry(c, CaseEventKind.CategoryChanged, actor, now, from: c.Category, to: slug));
                c.Category = slug;
            }
            if (to is not null && to.Id != c.TeamId)
            {
                var from = c.TeamId is { } previous ? await db.Teams.Where(t => t.Id == previous).Select(t => t.Slug).FirstAsync(cancellationToken) : null;
                events.Add(CaseWorkflow.Entry(c, CaseEventKind.TeamChanged, actor, now, from: from, to: to.Slug));
                c.TeamId = to.Id;
            }
            Refuse(events.Count == 0 ? $"{c.Key} is already there." : null);
            return CaseWorkflow.Commit(c, events, now);
        }, cancellationToken);
    }

    /// <summary>Merges a duplicate into the case that survives: the duplicate closes and points to it; both timelines say so.</summary>
    public async Task<CaseDetail> MergeAsync(ClaimsPrincipal user, long number, string? into, int? expectedVersion = null, CancellationToken cancellationToken = default)
    {
        if (!CaseNumber.TryParse(into, out var survivorNumber))
        {
            throw new ValidationException("into", "Name the case to merge into (like CASE-1234).");
        }
        if (survivorNumber == number)
        {
            throw new ValidationException("into", "A case cannot be merged into itself.");
        }
        int survivorVersion;
        await using (var check = await factory.CreateDbContextAsync(cancellationToken))
        {
            var survivor = await check.Cases.AsNoTracking().Where(c => c.Number == survivorNumber).Select(c => new { c.Status, c.MergedIntoNumber, c.Version }).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("into", $"There is no case {CaseNumber.Format(survivorNumber)}.");
            if (survivor.MergedIntoNumber is not null || survivor.Status == CaseStatus.Closed)
            {
                throw new ValidationException("into", $"{CaseNumber.Format(survivorNumber)} is closed; merge into an open case.");
            }
            survivorVersion = survivor.Version;
        }
        return await ChangeAsync(user, number, expectedVersion, "case.merged", (db, c, actor, calendar, now) =>
        {
            Refuse(c.MergedIntoNumber is { } m ? $"{c.Key} was already merged into {CaseNumber.Format(m)}." : null);
            Refuse(c.Status == CaseStatus.Closed ? $"{c.Key} is closed." : null);
            var events = new List<CaseEvent> { CaseWorkflow.Entry(c, CaseEventKind.Merged, actor, now, $"Merged into {CaseNumber.Format(survivorNumber)}.", to: CaseNumber.Format(survivorNumber)) };
            if (c.Status != CaseStatus.Solved)
            {
                events.AddRange(CaseWorkflow.SetStatus(c, CaseStatus.Solved, actor, calendar, now));
            }
            events.AddRange(CaseWorkflow.SetStatus(c, CaseStatus.Closed, actor, calendar, now));
            events.ForEach(e => e.CaseVersion = c.Version);
            c.MergedIntoNumber = survivorNumber;
            db.CaseEvents.Add(new CaseEvent
            {
                CaseNumber = survivorNumber, CaseVersion = survivorVersion, Kind = CaseEventKind.Merged, ActorId = actor.PersonId, ActorName = actor.Name, At = now,
                Text = $"{c.Key} was merged into this case.", From = c.Key,
            });
            return Task.FromResult(events);
        }, cancellationToken);
    }

    /// <summary>One change of a person's: the version checked, the change made through the workflow, one commit, one hint.</summary>
    private async Task<CaseDetail> ChangeAsync(
        ClaimsPrincipal user, long number, int? expectedVersion, string auditAction,
        Func<PortalDbContext, SupportCase, CaseActor, BusinessCalendar, DateTimeOffset, Task<List<CaseEvent>>> change,
        CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var person = await ActorAsync(db, user, cancellationToken);
        var c = await db.Cases.FirstOrDefaultAsync(x => x.Number == number, cancellationToken) ?? throw NotFound(number);
        if (expectedVersion is { } expected && expected != c.Version)
        {
            throw new ConflictException($"{c.Key} changed while you were looking" + await LatestChangeAsync(db, number, cancellationToken));
        }
        var tier = await db.Advertisers.Where(a => a.Id == c.AdvertiserId).Select(a => a.Tier).FirstAsync(cancellationToken);
        var (_, calendar) = await CaseQueries.RulesAsync(db, c.Priority, tier, c.Region, cancellationToken);
        var now = clock.GetUtcNow();
        var events = await change(db, c, By(person), calendar, now);
        events.AddRange(CaseWorkflow.Breaches(c, calendar, now));
        db.CaseEvents.AddRange(events);
        await StageMailAsync(db, c, events, now, cancellationToken);
        db.Audit(user, now, auditAction, c.Key);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw new ConflictException($"{c.Key} changed while you were looking" + await LatestChangeAsync(db, number, cancellationToken));
        }
        await PublishAsync(db, number, events[0].Kind, cancellationToken);
        return (await queries.DetailAsync(number, cancellationToken))!;
    }

    /// <summary>
    /// The emails this change sends, in its own commit (the outbox): a public reply goes to the advertiser threaded
    /// onto their mail; the first time a case is solved, its survey.
    /// </summary>
    private async Task StageMailAsync(PortalDbContext db, SupportCase c, List<CaseEvent> events, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (c.RequesterEmail is null)
        {
            return;
        }
        var reply = db.ChangeTracker.Entries<CaseMessage>().Where(e => e.State == EntityState.Added && e.Entity.Kind == CaseMessageKind.Reply).Select(e => e.Entity).FirstOrDefault();
        if (reply is not null)
        {
            var thread = await db.CaseMessages.AsNoTracking().Where(m => m.CaseNumber == c.Number && m.MessageId != null).OrderBy(m => m.Id)
                .Select(m => m.MessageId!).ToListAsync(cancellationToken);
            var mail = CaseMailOutbox.Reply(c, reply, thread, CaseLinks.CasePath(links.ForCase(c.Number, c.RequesterEmail)), options, now);
            reply.MessageId = mail.MessageId;
            db.CaseMails.Add(mail);
        }
        if (events.Any(e => e.Kind == CaseEventKind.StatusChanged && e.To == nameof(CaseStatus.Solved))
            && !await db.CaseSurveys.AnyAsync(s => s.CaseNumber == c.Number, cancellationToken))
        {
            var language = await db.Advertisers.Where(a => a.Id == c.AdvertiserId).Select(a => a.Language).FirstAsync(cancellationToken);
            db.CaseSurveys.Add(new CaseSurvey { CaseNumber = c.Number, SentAt = now, Language = IntakeRules.Survey(language).Language });
            db.CaseMails.Add(CaseMailOutbox.Survey(c, language, CaseLinks.SurveyPath(links.ForSurvey(c.Number)), options, now));
        }
    }

    private static DateTimeOffset? Due(BusinessCalendar calendar, SupportCase c, TimeSpan target, List<(DateTimeOffset From, DateTimeOffset? To)> pauses, bool firstReply)
    {
        // As stored, a due leaves out the pause under way (resuming moves it); a met first reply counts only the pauses before it.
        var closed = pauses.Where(p => p.To is not null && (!firstReply || c.FirstRepliedAt is not { } replied || p.From < replied));
        return CaseSla.DueFromHistory(calendar, c.CreatedAt, target, closed);
    }

    /// <summary>" by Akira Sato at 09:14Z." from the latest change on the timeline.</summary>
    private static async Task<string> LatestChangeAsync(PortalDbContext db, long number, CancellationToken cancellationToken)
    {
        var latest = await db.CaseEvents.AsNoTracking().Where(e => e.CaseNumber == number && e.Kind != CaseEventKind.NoteAdded)
            .OrderByDescending(e => e.Id).FirstOrDefaultAsync(cancellationToken);
        return latest is null ? "." : $": {latest.Kind} by {latest.ActorName} at {latest.At:yyyy-MM-dd HH:mm}Z.";
    }

    private static (decimal? Amount, string? Currency) Money(decimal? amount, string? currency, Dictionary<string, string[]> errors)
    {
        var code = string.IsNullOrWhiteSpace(currency) ? null : currency.Trim().ToUpperInvariant();
        if (amount is null)
        {
            return (null, null);
        }
        if (amount is < 0 or > 1_000_000_000_000m || decimal.Round(amount.Value, 4) != amount)
        {
            errors["disputedAmount"] = ["The disputed amount is 0 or more, with at most four decimal places."];
        }
        if (code is null || code.Length != 3 || !code.All(char.IsAsciiLetterUpper))
        {
            errors["currency"] = ["Give the amount's currency as an ISO 4217 code (USD, EUR, JPY, MXN, AUD)."];
        }
        return (amount, code);
    }

    private static void Refuse(string? why)
    {
        if (why is not null)
        {
            throw new ConflictException(why);
        }
    }

    private async Task PublishAsync(PortalDbContext db, long number, CaseEventKind kind, CancellationToken cancellationToken) =>
        await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, number, kind, cancellationToken), cancellationToken);

    private static CaseActor By(Person person) => new(person.Id, person.Name);

    private static async Task<Person> ActorAsync(PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.GetPersonId() ?? throw new AccessDeniedException("Sign in to work on cases.");
        return await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == id && p.Active, cancellationToken)
            ?? throw new AccessDeniedException("Your person record is missing or deactivated.");
    }

    private static Task<Person?> FindPersonAsync(PortalDbContext db, string handle, CancellationToken cancellationToken)
    {
        var key = handle.Trim().ToLowerInvariant();
        return db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == key && p.Active, cancellationToken);
    }

    private static NotFoundException NotFound(long number) => new($"There is no case {CaseNumber.Format(number)}.");
}
