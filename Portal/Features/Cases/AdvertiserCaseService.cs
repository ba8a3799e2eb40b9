using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Cases;

/// <summary>A message from an advertiser, however it came (their case page, the support form, email).</summary>
public sealed record AdvertiserMessage(string Email, string Body, string? MessageId = null, IReadOnlyList<CaseAttachment>? Attachments = null);

/// <summary>One message of a case as its advertiser may read it: theirs and the team's public replies, never a note or an address.</summary>
public sealed record PublicMessage(bool FromYou, string Author, string Body, DateTimeOffset At);

/// <summary>A case as its advertiser sees it on their link.</summary>
public sealed record PublicCaseView(long Number, string Key, string Subject, string Status, bool Closed, DateTimeOffset CreatedAt, IReadOnlyList<PublicMessage> Messages,
    string? SurveyLink = null);

/// <summary>
/// What advertisers do, with no portal sign-in: open a case (from the support form once their address is proven, or by
/// email), write on it, read it on their signed link, answer its survey. Every refusal of a link is audited, and no
/// link shows another case, an internal note or anyone's address.
/// </summary>
public sealed class AdvertiserCaseService(IDbContextFactory<PortalDbContext> factory, ILiveFeed feed, TimeProvider clock, CaseLinks links, CaseOptions options)
{
    /// <summary>Opens a case for the advertiser a billing contact belongs to; returns its number.</summary>
    public async Task<long> OpenAsync(int advertiserId, AdvertiserMessage message, string subject, string category, CaseChannel channel,
        long? followUpOf = null, long? incidentNumber = null, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var advertiser = await db.Advertisers.AsNoTracking().FirstAsync(a => a.Id == advertiserId, cancellationToken);
        var now = clock.GetUtcNow();
        var c = new SupportCase
        {
            Subject = Clip(subject, CaseWorkflow.MaxSubject), AdvertiserId = advertiser.Id, Category = category, Channel = channel,
            Region = advertiser.Region, RequesterEmail = message.Email, FollowUpOfNumber = followUpOf,
            Priority = advertiser.Tier == AdvertiserTier.Managed ? CasePriority.P2 : CasePriority.P3,
        };
        var (policy, calendar) = await CaseQueries.RulesAsync(db, c.Priority, advertiser.Tier, c.Region, cancellationToken);
        var events = CaseWorkflow.Open(c, new CaseActor(null, message.Email), policy, calendar, now);
        if (followUpOf is { } previous)
        {
            events.Add(CaseWorkflow.Entry(c, CaseEventKind.FollowUpOpened, new CaseActor(null, message.Email), now, $"A follow-up of {CaseNumber.Format(previous)}.", from: CaseNumber.Format(previous)));
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Cases.Add(c);
        await db.SaveChangesAsync(cancellationToken);
        events.ForEach(e => e.CaseNumber = c.Number);
        db.CaseEvents.AddRange(events);
        db.CaseMessages.Add(NewMessage(c.Number, message, now));
        if (incidentNumber is { } incident)
        {
            // An answer to a proactive notice: the case is about that incident from its first moment.
            var key = IncidentNumber.Format(incident);
            db.CaseIncidents.Add(new CaseIncident { CaseNumber = c.Number, IncidentNumber = incident, LinkedAt = now, LinkedBy = "proactive notice" });
            db.CaseEvents.Add(CaseWorkflow.Entry(c, CaseEventKind.IncidentLinked, new CaseActor(null, message.Email), now, $"An answer to the notice about {key}: linked to it", to: key));
        }
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = AuditEntry.ActorOf("advertiser", message.Email), Action = "case.created", Target = c.Key,
            Detail = $"by {channel} for {advertiser.AccountId} from {message.Email}" });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, c.Number, CaseEventKind.Created, cancellationToken), cancellationToken);
        return c.Number;
    }

    /// <summary>
    /// The advertiser wrote on their case: it reopens within the window; once closed (or solved too long ago) a
    /// follow-up case opens, linked to it. Returns the case the message landed on.
    /// </summary>
    public async Task<long> WroteAsync(long number, AdvertiserMessage message, CaseChannel channel, CancellationToken cancellationToken = default)
    {
        for (var attempt = 0; ; attempt++)
        {
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            var c = await db.Cases.Include(x => x.Advertiser).FirstOrDefaultAsync(x => x.Number == number, cancellationToken)
                ?? throw new NotFoundException($"There is no case {CaseNumber.Format(number)}.");
            if (c.MergedIntoNumber is { } survivor)
            {
                number = survivor;
                continue;
            }
            var now = clock.GetUtcNow();
            var (_, calendar) = await CaseQueries.RulesAsync(db, c.Priority, c.Advertiser!.Tier, c.Region, cancellationToken);
            var events = CaseWorkflow.AdvertiserWrote(c, new CaseActor(null, message.Email), calendar, now, options.ReopenWindow);
            if (events is null)
            {
                return await OpenAsync(c.AdvertiserId, message, c.Subject.StartsWith("Follow-up: ", StringComparison.Ordinal) ? c.Subject : "Follow-up: " + c.Subject,
                    c.Category, channel, c.Number, cancellationToken: cancellationToken);
            }
            events.AddRange(CaseWorkflow.Breaches(c, calendar, now));
            db.CaseEvents.AddRange(events);
            db.CaseMessages.Add(NewMessage(c.Number, message, now));
            try
            {
                await db.SaveChangesAsync(cancellationToken);
            }
            catch (DbUpdateConcurrencyException) when (attempt < 3)
            {
                // Someone on the team changed the case at the same moment: the advertiser's message is never lost, so try again on the new state.
                continue;
            }
            await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, c.Number, CaseEventKind.AdvertiserWrote, cancellationToken), cancellationToken);
            return c.Number;
        }
    }

    /// <summary>The case a link shows, or null (with the attempt audited) when the link is forged, expired or no longer theirs.</summary>
    public async Task<PublicCaseView?> ReadAsync(string? token, string? address, CancellationToken cancellationToken = default)
    {
        if (await CaseForLinkAsync(token, address, cancellationToken) is not { } found)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var c = await db.Cases.AsNoTracking().FirstAsync(x => x.Number == found.Number, cancellationToken);
        var messages = await db.CaseMessages.AsNoTracking()
            .Where(m => m.CaseNumber == c.Number && m.Kind != CaseMessageKind.Note)
            .OrderBy(m => m.Id)
            .Select(m => new { m.Kind, m.AuthorName, m.Body, m.At })
            .ToListAsync(cancellationToken);
        var survey = await db.CaseSurveys.AnyAsync(s => s.CaseNumber == c.Number && s.AnsweredAt == null, cancellationToken) ? links.ForSurvey(c.Number) : null;
        return new PublicCaseView(c.Number, c.Key, c.Subject, StatusForAdvertiser(c.Status), c.Status == CaseStatus.Closed || c.MergedIntoNumber is not null, c.CreatedAt,
            [.. messages.Select(m => m.Kind == CaseMessageKind.Advertiser
                ? new PublicMessage(true, "You", m.Body, m.At)
                // The team member's first name and the team: never their address.
                : new PublicMessage(false, m.AuthorName.Split(' ')[0] + ", Billing Support", m.Body, m.At))], survey);
    }

    /// <summary>The advertiser answers on their link; returns the link of the case it landed on (a follow-up once closed).</summary>
    public async Task<string?> AnswerAsync(string? token, string? body, string? address, CancellationToken cancellationToken = default)
    {
        if (CaseWorkflow.BodyProblem(body, "message") is { } problem)
        {
            throw new ValidationException("body", problem);
        }
        if (await CaseForLinkAsync(token, address, cancellationToken) is not { } found)
        {
            return null;
        }
        var landed = await WroteAsync(found.Number, new AdvertiserMessage(found.Email, body!.Trim()), CaseChannel.WebForm, cancellationToken);
        return links.ForCase(landed, found.Email);
    }

    private async Task<(long Number, string Email)?> CaseForLinkAsync(string? token, string? address, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        var link = links.ReadCase(token);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (link is { } l)
        {
            var c = await db.Cases.AsNoTracking().Where(x => x.Number == l.Number).Select(x => new { x.RequesterEmail, x.Advertiser!.BillingEmails }).FirstOrDefaultAsync(cancellationToken);
            if (c is not null && (c.RequesterEmail == l.Email || c.BillingEmails.Contains(l.Email)))
            {
                return l;
            }
        }
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), Actor = "anonymous", Action = AuditActions.AccessDenied, Target = "advertiser case link", Address = address,
            Detail = link is null ? "The link was changed, has expired or is not a case link." : "The address is no longer a contact of the case's advertiser.",
        });
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    /// <summary>The survey a link opens: the case's key and subject, and the words in the advertiser's language; null when the link is bad.</summary>
    public async Task<(string Key, string Subject, SurveyText Text, bool Answered)?> SurveyAsync(string? token, string? address, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await SurveyForLinkAsync(db, token, address, cancellationToken) is not { } survey)
        {
            return null;
        }
        return (survey.Case!.Key, survey.Case.Subject, IntakeRules.Survey(survey.Language), survey.AnsweredAt is not null);
    }

    /// <summary>Records the answer, once per case; false when it was answered already (or the link is bad).</summary>
    public async Task<bool> AnswerSurveyAsync(string? token, int score, string? comment, string? address, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (score is < 1 or > 5)
        {
            errors["score"] = ["Choose an answer from 1 to 5."];
        }
        if (comment?.Length > IntakeRules.MaxComment)
        {
            errors["comment"] = [$"The comment is {comment.Length} characters; at most {IntakeRules.MaxComment}."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (await SurveyForLinkAsync(db, token, address, cancellationToken) is not { } survey || survey.AnsweredAt is not null)
        {
            return false;
        }
        var now = clock.GetUtcNow();
        // Claimed by its empty answer: two submissions at once record one.
        var claimed = await db.CaseSurveys.Where(s => s.CaseNumber == survey.CaseNumber && s.AnsweredAt == null)
            .ExecuteUpdateAsync(u => u.SetProperty(s => s.AnsweredAt, now).SetProperty(s => s.Score, score)
                .SetProperty(s => s.Comment, string.IsNullOrWhiteSpace(comment) ? null : comment.Trim()), cancellationToken);
        if (claimed == 0)
        {
            return false;
        }
        var c = survey.Case!;
        db.CaseEvents.Add(new CaseEvent
        {
            CaseNumber = c.Number, CaseVersion = c.Version, Kind = CaseEventKind.SurveyAnswered, ActorName = c.RequesterEmail ?? "advertiser", At = now,
            Text = $"Rated {score} of 5." + (string.IsNullOrWhiteSpace(comment) ? "" : $" \"{Clip(comment.Trim(), 300)}\""), To = score.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        await db.SaveChangesAsync(cancellationToken);
        await feed.PublishAsync(await CaseQueries.LiveHintAsync(db, c.Number, CaseEventKind.SurveyAnswered, cancellationToken), cancellationToken);
        return true;
    }

    private async Task<CaseSurvey?> SurveyForLinkAsync(PortalDbContext db, string? token, string? address, CancellationToken cancellationToken)
    {
        if (string.IsNullOrEmpty(token))
        {
            return null;
        }
        if (links.ReadSurvey(token) is { } number
            && await db.CaseSurveys.AsNoTracking().Include(s => s.Case).FirstOrDefaultAsync(s => s.CaseNumber == number, cancellationToken) is { } survey)
        {
            return survey;
        }
        db.AuditEntries.Add(new AuditEntry
        {
            At = clock.GetUtcNow(), Actor = "anonymous", Action = AuditActions.AccessDenied, Target = "survey link", Address = address,
            Detail = "The link was changed, has expired or names no survey.",
        });
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    private static CaseMessage NewMessage(long number, AdvertiserMessage message, DateTimeOffset now) => new()
    {
        CaseNumber = number, Kind = CaseMessageKind.Advertiser, AuthorName = message.Email, Body = Clip(message.Body, CaseWorkflow.MaxBody),
        At = now, MessageId = message.MessageId, Attachments = [.. message.Attachments ?? []],
    };

    private static string StatusForAdvertiser(CaseStatus status) => status switch
    {
        CaseStatus.New => "Received",
        CaseStatus.Open or CaseStatus.OnHold => "We are working on it",
        CaseStatus.PendingAdvertiser => "Waiting for your answer",
        CaseStatus.Solved => "Solved",
        _ => "Closed",
    };

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];
}
