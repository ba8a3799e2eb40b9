using MailKit.Net.Smtp;
using Microsoft.EntityFrameworkCore;
using MimeKit;
using Portal.Features.Notifications;
using Portal.Infrastructure.Data;
using Portal.Shared.Cases;

namespace Portal.Features.Cases;

/// <summary>
/// Sends the case emails waiting in the outbox over SMTP (the Notifications:Smtp server), with their Message-ID and
/// threading headers. Each is claimed for a lease before sending, so several nodes never send one twice; one that
/// fails waits longer each time and stays until sent. With no SMTP server configured nothing is sent (the support form
/// shows its link on screen instead).
/// </summary>
public sealed class CaseMailSender(IDbContextFactory<PortalDbContext> factory, NotificationOptions notifications, CaseOptions options, TimeProvider clock,
    ILogger<CaseMailSender> logger)
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    public bool Configured => !string.IsNullOrWhiteSpace(notifications.Smtp.Host);

    public async Task<int> SendDueAsync(CancellationToken cancellationToken = default)
    {
        if (!Configured)
        {
            return 0;
        }
        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var due = await db.CaseMails.AsNoTracking().Where(m => m.SentAt == null && m.NextAttemptAt <= now).OrderBy(m => m.Id).Take(20).ToListAsync(cancellationToken);
        if (due.Count == 0)
        {
            return 0;
        }
        var smtp = notifications.Smtp;
        using var client = new SmtpClient();
        try
        {
            await client.ConnectAsync(smtp.Host!, smtp.Port, smtp.Security, cancellationToken);
            if (!string.IsNullOrEmpty(smtp.UserName))
            {
                await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", cancellationToken);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning("The SMTP server {Host}:{Port} could not be reached ({Error}); {Count} case email(s) wait", smtp.Host, smtp.Port, ex.Message, due.Count);
            return 0;
        }
        var sent = 0;
        foreach (var mail in due)
        {
            var claimed = await db.CaseMails.Where(m => m.Id == mail.Id && m.SentAt == null && m.NextAttemptAt == mail.NextAttemptAt)
                .ExecuteUpdateAsync(u => u.SetProperty(m => m.NextAttemptAt, now + Lease), cancellationToken);
            if (claimed == 0)
            {
                continue;
            }
            try
            {
                await client.SendAsync(ToMime(mail), cancellationToken);
                await db.CaseMails.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.SentAt, clock.GetUtcNow()).SetProperty(m => m.Attempts, mail.Attempts + 1).SetProperty(m => m.Error, (string?)null), CancellationToken.None);
                sent++;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                var wait = TimeSpan.FromSeconds(Math.Min(3600, 30 * Math.Pow(2, mail.Attempts)));
                var error = ex.Message.Length > 900 ? ex.Message[..900] : ex.Message;
                await db.CaseMails.Where(m => m.Id == mail.Id).ExecuteUpdateAsync(u => u
                    .SetProperty(m => m.Attempts, mail.Attempts + 1).SetProperty(m => m.NextAttemptAt, clock.GetUtcNow() + wait).SetProperty(m => m.Error, error), CancellationToken.None);
                logger.LogWarning("Case email {Id} to {To} failed ({Error}); retrying in {Wait}", mail.Id, mail.To, error, wait);
            }
        }
        await client.DisconnectAsync(true, CancellationToken.None);
        return sent;
    }

    /// <summary>The email as sent: plain text, its own Message-ID, threaded by In-Reply-To and References.</summary>
    public MimeMessage ToMime(CaseMail mail)
    {
        var message = new MimeMessage { Subject = mail.Subject, MessageId = mail.MessageId.Trim('<', '>') };
        message.From.Add(MailboxAddress.Parse(options.MailFrom));
        message.To.Add(MailboxAddress.Parse(mail.To));
        if (mail.InReplyTo is { } inReplyTo)
        {
            message.InReplyTo = inReplyTo.Trim('<', '>');
        }
        foreach (var reference in (mail.References ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            message.References.Add(reference.Trim('<', '>'));
        }
        if (mail.Kind != CaseMailKind.Reply)
        {
            // Sent by the portal itself: an auto-reply elsewhere must not answer it (RFC 3834).
            message.Headers.Add("Auto-Submitted", "auto-generated");
        }
        message.Body = new TextPart("plain") { Text = mail.Body + "\n" };
        return message;
    }
}
