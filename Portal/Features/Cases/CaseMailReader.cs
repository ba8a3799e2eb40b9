using System.Net;
using System.Text.RegularExpressions;
using MailKit;
using MailKit.Net.Imap;
using MailKit.Search;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Features.Directory;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Features.Cases;

/// <summary>What became of one email.</summary>
public enum MailOutcome
{
    /// <summary>It opened a case.</summary>
    Opened,

    /// <summary>It landed on its case (or a follow-up of it).</summary>
    Threaded,

    /// <summary>It was stored before (its Message-ID is known).</summary>
    Duplicate,

    /// <summary>An auto-reply, a bounce or bulk mail: nothing opens, nothing answers.</summary>
    Automatic,

    /// <summary>From an address that is no advertiser's billing contact.</summary>
    UnknownSender,
}

/// <summary>
/// Reads the support mailbox over IMAP: each unread message becomes a case, or lands on the case it answers (matched by
/// the portal's Message-IDs in In-Reply-To / References, or the [CASE-n] tag in the subject), and only then is marked
/// read. A server that is down loses nothing (messages stay unread); a message stored twice is impossible (Message-IDs
/// are unique). Auto-replies and bounces never open cases, so two robots never loop.
/// </summary>
public sealed partial class CaseMailReader(IDbContextFactory<PortalDbContext> factory, CaseOptions options, AdvertiserService advertisers,
    AdvertiserCaseService cases, TimeProvider clock, ILogger<CaseMailReader> logger)
{
    private const int MaxAttachments = 20;

    public bool Configured => !string.IsNullOrWhiteSpace(options.Imap.Host);

    /// <summary>Reads what is unread; returns how many messages were handled. Throws when the server cannot be reached.</summary>
    public async Task<int> ReadAsync(CancellationToken cancellationToken = default)
    {
        if (!Configured)
        {
            return 0;
        }
        var imap = options.Imap;
        using var client = new ImapClient();
        await client.ConnectAsync(imap.Host!, imap.Port, imap.Security, cancellationToken);
        if (!string.IsNullOrEmpty(imap.UserName))
        {
            await client.AuthenticateAsync(imap.UserName, imap.Password ?? "", cancellationToken);
        }
        var folder = string.Equals(imap.Folder, "INBOX", StringComparison.OrdinalIgnoreCase) ? client.Inbox : await client.GetFolderAsync(imap.Folder, cancellationToken);
        await folder.OpenAsync(FolderAccess.ReadWrite, cancellationToken);
        var unread = await folder.SearchAsync(SearchQuery.NotSeen, cancellationToken);
        var handled = 0;
        foreach (var uid in unread.Take(50))
        {
            var message = await folder.GetMessageAsync(uid, cancellationToken);
            var outcome = await ReceiveAsync(message, $"{folder.FullName}/{uid.Id}", cancellationToken);
            // Marked read only once stored: a crash before this line reads it again, and the Message-ID stops a second copy.
            await folder.AddFlagsAsync(uid, MessageFlags.Seen, true, cancellationToken);
            logger.LogInformation("Support mail {MessageId} from {From}: {Outcome}", message.MessageId, message.From.Mailboxes.FirstOrDefault()?.Address, outcome);
            handled++;
        }
        await client.DisconnectAsync(true, CancellationToken.None);
        return handled;
    }

    /// <summary>What one message does: opens a case, lands on one, or nothing (duplicate, automatic, unknown sender).</summary>
    public async Task<MailOutcome> ReceiveAsync(MimeMessage message, string where, CancellationToken cancellationToken = default)
    {
        var from = AdvertiserRules.NormalizeEmail(message.From.Mailboxes.FirstOrDefault()?.Address) ?? "";
        var messageId = "<" + (message.MessageId ?? $"{Guid.NewGuid():N}@no-message-id") + ">";
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            if (await db.CaseMessages.AnyAsync(m => m.MessageId == messageId, cancellationToken))
            {
                return MailOutcome.Duplicate;
            }
        }
        if (IsAutomatic(message, from))
        {
            return MailOutcome.Automatic;
        }
        var text = new AdvertiserMessage(from, BodyOf(message), messageId, Attachments(message, where));
        try
        {
            if (await CaseAnsweredAsync(message, from, cancellationToken) is { } number)
            {
                await cases.WroteAsync(number, text, CaseChannel.Email, cancellationToken);
                return MailOutcome.Threaded;
            }
            if (await advertisers.FindByEmailAsync(from, cancellationToken) is not { } advertiser)
            {
                await AuditAsync("support.mail-ignored", from, "No advertiser has this billing address.", cancellationToken);
                return MailOutcome.UnknownSender;
            }
            await cases.OpenAsync(advertiser.Id, text, SubjectOf(message.Subject), "other", CaseChannel.Email,
                incidentNumber: await NoticeAnsweredAsync(message, advertiser.Id, cancellationToken), cancellationToken: cancellationToken);
            return MailOutcome.Opened;
        }
        catch (DbUpdateException)
        {
            if (await StoredAsync(messageId))
            {
                // Another node stored it at the same moment.
                return MailOutcome.Duplicate;
            }
            throw;
        }
    }

    /// <summary>
    /// The case a message answers: by the portal's Message-IDs it replies to, else the [CASE-n] subject tag; only if the
    /// sender writes for that case's advertiser. A forged header naming someone else's case is refused and audited, and
    /// the message is treated as new.
    /// </summary>
    private async Task<long?> CaseAnsweredAsync(MimeMessage message, string from, CancellationToken cancellationToken)
    {
        var named = new[] { message.InReplyTo }.Concat(message.References.Reverse())
            .Select(id => IntakeRules.NumberInMessageId(id, options.MailHost)).FirstOrDefault(n => n is not null)
            ?? IntakeRules.NumberInSubject(message.Subject);
        if (named is not { } number)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var c = await db.Cases.AsNoTracking().Where(x => x.Number == number).Select(x => new { x.RequesterEmail, x.Advertiser!.BillingEmails }).FirstOrDefaultAsync(cancellationToken);
        if (c is not null && (c.RequesterEmail == from || c.BillingEmails.Contains(from)))
        {
            return number;
        }
        await AuditAsync(AuditActions.AccessDenied, from, $"An email named {CaseNumber.Format(number)}, which is not a case of this sender's advertiser.", cancellationToken);
        return null;
    }

    /// <summary>The incident whose proactive notice the message answers, if this advertiser was sent it.</summary>
    private async Task<long?> NoticeAnsweredAsync(MimeMessage message, int advertiserId, CancellationToken cancellationToken)
    {
        if (new[] { message.InReplyTo }.Concat(message.References).Select(id => IntakeRules.IncidentInNoticeId(id, options.MailHost)).FirstOrDefault(n => n is not null) is not { } incident)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.ProactiveRecipients.AnyAsync(r => r.IncidentNumber == incident && r.AdvertiserId == advertiserId, cancellationToken) ? incident : null;
    }

    /// <summary>RFC 3834 auto-replies, bulk and list mail, and bounces (delivery reports, the mailer daemon).</summary>
    public static bool IsAutomatic(MimeMessage message, string from)
    {
        var auto = message.Headers["Auto-Submitted"];
        var precedence = message.Headers["Precedence"]?.Trim().ToLowerInvariant();
        return (auto is not null && !auto.Trim().Equals("no", StringComparison.OrdinalIgnoreCase))
            || precedence is "bulk" or "junk" or "list" or "auto_reply"
            || message.Headers.Contains("X-Autoreply") || message.Headers.Contains("X-Autorespond") || message.Headers.Contains("List-Id")
            || from.StartsWith("mailer-daemon@", StringComparison.Ordinal) || from.StartsWith("postmaster@", StringComparison.Ordinal) || from.Length == 0
            || message.Body is MultipartReport;
    }

    /// <summary>The text of a message: its text part, else its HTML as text (scripts and tags dropped), else a note that it had none.</summary>
    public static string BodyOf(MimeMessage message)
    {
        var text = message.TextBody;
        if (string.IsNullOrWhiteSpace(text) && message.HtmlBody is { } html)
        {
            text = WebUtility.HtmlDecode(Tags().Replace(Scripts().Replace(html, " "), " "));
            text = Spaces().Replace(text, " ").Trim();
        }
        text = string.IsNullOrWhiteSpace(text) ? "(The email had no text.)" : text.Trim();
        return text.Length <= CaseWorkflow.MaxBody ? text : text[..CaseWorkflow.MaxBody];
    }

    private static List<CaseAttachment> Attachments(MimeMessage message, string where) =>
        [.. message.Attachments.OfType<MimePart>().Take(MaxAttachments).Select(part => new CaseAttachment
        {
            Name = Clip(part.FileName ?? "attachment", 200),
            Reference = Clip($"imap:{where}/{part.FileName ?? part.ContentId ?? "part"}", 400),
            Bytes = part.Content?.Stream is { CanSeek: true } s ? s.Length : 0,
        })];

    /// <summary>The subject without "Re:" and tags; something when empty.</summary>
    private static string SubjectOf(string? subject)
    {
        var s = ReplyPrefix().Replace(subject ?? "", "").Trim();
        s = string.IsNullOrEmpty(s) ? "(no subject)" : s;
        return Clip(s, CaseWorkflow.MaxSubject);
    }

    private async Task<bool> StoredAsync(string messageId)
    {
        await using var db = await factory.CreateDbContextAsync();
        return await db.CaseMessages.AnyAsync(m => m.MessageId == messageId);
    }

    private async Task AuditAsync(string action, string from, string detail, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(new AuditEntry { At = clock.GetUtcNow(), Actor = AuditEntry.ActorOf("email", from), Action = action, Target = "support mailbox", Detail = $"{detail} From {Clip(from, 254)}." });
        await db.SaveChangesAsync(cancellationToken);
    }

    private static string Clip(string text, int max) => text.Length <= max ? text : text[..max];

    [GeneratedRegex("<(script|style)[^>]*>.*?</\\1>", RegexOptions.IgnoreCase | RegexOptions.Singleline)]
    private static partial Regex Scripts();

    [GeneratedRegex("<[^>]+>")]
    private static partial Regex Tags();

    [GeneratedRegex("[ \\t]+")]
    private static partial Regex Spaces();

    [GeneratedRegex("^((re|fwd?|aw|wg)\\s*:\\s*)+", RegexOptions.IgnoreCase)]
    private static partial Regex ReplyPrefix();
}
