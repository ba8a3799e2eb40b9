using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Features.Cases;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Cases;

/// <summary>Cases by email: a real Dovecot mailbox read over IMAP, and replies out through a test SMTP listener.</summary>
public sealed class CaseEmailTests : IAsyncLifetime
{
    private const string Host = "support.test";
    private readonly DovecotServer _imap = new();
    private readonly SmtpListener _smtp = new();
    private PortalFactory _portal = default!;
    private static readonly Portal.Shared.Directory.AdvertiserInput First = DemoAdvertisers.Generate()[0];
    private static readonly Portal.Shared.Directory.AdvertiserInput Second = DemoAdvertisers.Generate()[1];
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        await _imap.InitializeAsync();
        _portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["Cases:Imap:Host"] = "127.0.0.1",
            ["Cases:Imap:Port"] = _imap.Port.ToString(CultureInfo.InvariantCulture),
            ["Cases:Imap:Security"] = "None",
            ["Cases:Imap:UserName"] = DovecotServer.User,
            ["Cases:Imap:Password"] = DovecotServer.Password,
            ["Cases:MailHost"] = Host,
            ["Cases:MailFrom"] = "Billing Support <support@support.test>",
            // The tests read and send when they choose; the processor's own rounds are an hour apart.
            ["Cases:MailInterval"] = "01:00:00",
            ["Notifications:Smtp:Host"] = "127.0.0.1",
            ["Notifications:Smtp:Port"] = _smtp.Port.ToString(CultureInfo.InvariantCulture),
            ["Notifications:Smtp:Security"] = "None",
        });
    }

    private async Task<int> ReadMailboxAsync()
    {
        using var scope = _portal.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CaseMailReader>().ReadAsync(Ct);
    }

    private async Task<int> SendOutboxAsync()
    {
        using var scope = _portal.Services.CreateScope();
        return await scope.ServiceProvider.GetRequiredService<CaseMailSender>().SendDueAsync(Ct);
    }

    private static MimeMessage Mail(string from, string subject, string text, string? inReplyTo = null, string? id = null)
    {
        var message = new MimeMessage { Subject = subject, MessageId = id ?? $"{Guid.NewGuid():N}@mail.example" };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@support.test"));
        if (inReplyTo is not null)
        {
            message.InReplyTo = inReplyTo;
        }
        message.Body = new TextPart("plain") { Text = text };
        return message;
    }

    [Fact]
    public async Task AMessageOpensACaseAReplyGoesOutThreadedAndTheAnswerLandsOnTheCase()
    {
        _portal.AnonymousClient().Dispose();
        await _imap.DeliverAsync(Mail(First.BillingEmails![0], "Invoice 7781 charged twice", "We see two debits.", id: "first@mail.example"));
        await ReadMailboxAsync();
        await using (var db = _portal.OpenContext())
        {
            var c = await db.Cases.SingleAsync(Ct);
            Assert.Equal(CaseChannel.Email, c.Channel);
            Assert.Equal("Invoice 7781 charged twice", c.Subject);
        }
        Assert.Equal((1, 0), await _imap.CountAsync());

        await using var check = _portal.OpenContext();
        var number = (await check.Cases.SingleAsync(Ct)).Number;
        using var engineer = await _portal.SignedInClientAsync(Engineer.Handle);
        await engineer.PostJsonAsync($"/api/cases/{number}/replies", new { body = "We refunded the second debit.", then = "PendingAdvertiser" });
        Assert.Equal(1, await SendOutboxAsync());
        var sent = MimeMessage.Load(new MemoryStream(System.Text.Encoding.UTF8.GetBytes(Assert.Single(_smtp.Messages).Data)), Ct);
        Assert.Equal($"Re: [{CaseNumber.Format(number)}] Invoice 7781 charged twice", sent.Subject);
        Assert.Equal("first@mail.example", sent.InReplyTo);
        Assert.Contains("first@mail.example", sent.References);
        Assert.EndsWith("@" + Host, sent.MessageId, StringComparison.Ordinal);
        Assert.Equal(First.BillingEmails[0], sent.To.Mailboxes.Single().Address);
        Assert.Null(sent.Headers["Auto-Submitted"]);

        // The advertiser answers their mail client's way: In-Reply-To the portal's Message-ID, no tag needed.
        await _imap.DeliverAsync(Mail(First.BillingEmails[0], "Re: Invoice 7781", "Thanks, I see it.", inReplyTo: sent.MessageId));
        await ReadMailboxAsync();
        await using var after = _portal.OpenContext();
        var c2 = await after.Cases.SingleAsync(Ct);
        Assert.Equal(CaseStatus.Open, c2.Status);
        Assert.Equal(2, await after.CaseMessages.CountAsync(m => m.CaseNumber == number && m.Kind == CaseMessageKind.Advertiser, Ct));
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AutoRepliesBouncesAndStrangersOpenNothingAndAForgedThreadOpensTheSendersOwnCase()
    {
        _portal.AnonymousClient().Dispose();
        var ooo = Mail(First.BillingEmails![0], "Out of office", "I am away until Monday.");
        ooo.Headers.Add("Auto-Submitted", "auto-replied");
        var bulk = Mail(First.BillingEmails[0], "Newsletter", "News.");
        bulk.Headers.Add("Precedence", "bulk");
        var bounce = Mail("MAILER-DAEMON@mail.example", "Undelivered Mail Returned to Sender", "550 no such user");
        await _imap.DeliverAsync(ooo);
        await _imap.DeliverAsync(bulk);
        await _imap.DeliverAsync(bounce);
        await _imap.DeliverAsync(Mail("stranger@elsewhere.example", "Hello", "Who are you?"));
        await ReadMailboxAsync();
        await using (var db = _portal.OpenContext())
        {
            Assert.False(await db.Cases.AnyAsync(Ct));
        }
        Assert.Equal((4, 0), await _imap.CountAsync());

        // The second advertiser's case; then the first advertiser's mail claims to answer it.
        await _imap.DeliverAsync(Mail(Second.BillingEmails![0], "Refund missing", "Where is it?"));
        await ReadMailboxAsync();
        long theirs;
        await using (var db = _portal.OpenContext())
        {
            theirs = (await db.Cases.SingleAsync(Ct)).Number;
        }
        await _imap.DeliverAsync(Mail(First.BillingEmails[0], $"Re: [{CaseNumber.Format(theirs)}] Refund missing", "Show me their case.",
            inReplyTo: IntakeRules.MessageId(theirs, "r1", Host).Trim('<', '>')));
        var html = new MimeMessage { Subject = "HTML only", MessageId = "html@mail.example" };
        html.From.Add(MailboxAddress.Parse(First.BillingEmails[0]));
        html.Body = new TextPart("html") { Text = "<p>Our <b>invoice</b> is wrong</p><script>alert(1)</script>" };
        await _imap.DeliverAsync(html);
        await ReadMailboxAsync();
        await using var after = _portal.OpenContext();
        Assert.Equal(1, await after.CaseMessages.CountAsync(m => m.CaseNumber == theirs, Ct));
        var own = await after.Cases.Include(c => c.Advertiser).Where(c => c.Number != theirs).ToListAsync(Ct);
        Assert.Equal(2, own.Count);
        Assert.All(own, c => Assert.Equal(First.AccountId, c.Advertiser!.AccountId));
        var htmlText = await after.CaseMessages.Where(m => m.MessageId == "<html@mail.example>").Select(m => m.Body).SingleAsync(Ct);
        Assert.Equal("Our invoice is wrong", htmlText);
        Assert.True(await after.AuditEntries.AnyAsync(a => a.Action == AuditActions.AccessDenied && a.Target == "support mailbox", Ct));
    }

    [Fact]
    public async Task TheMailboxDownThenUpLosesAndDuplicatesNothing()
    {
        _portal.AnonymousClient().Dispose();
        await _imap.DeliverAsync(Mail(First.BillingEmails![0], "Tax invoice", "Please send it.", id: "tax@mail.example"));
        await _imap.StopAsync();
        await Assert.ThrowsAnyAsync<Exception>(ReadMailboxAsync);
        await _imap.StartAsync();
        await ReadMailboxAsync();
        await ReadMailboxAsync();
        // The same message delivered again (a client resent it, or it was read before being marked): stored once.
        await _imap.DeliverAsync(Mail(First.BillingEmails[0], "Tax invoice", "Please send it.", id: "tax@mail.example"));
        await ReadMailboxAsync();
        await using var db = _portal.OpenContext();
        Assert.Equal(1, await db.Cases.CountAsync(Ct));
        Assert.Equal(1, await db.CaseMessages.CountAsync(m => m.MessageId == "<tax@mail.example>", Ct));
        Assert.Equal((2, 0), await _imap.CountAsync());
    }

    public async ValueTask DisposeAsync()
    {
        await _portal.DisposeAsync();
        await _smtp.DisposeAsync();
        await _imap.DisposeAsync();
    }
}
