using System.Net;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Cases;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Cases;

/// <summary>The advertiser's side: the support form and its one-time link, the case link, the survey; what they may and may not see.</summary>
public sealed class SupportIntakeTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly Portal.Shared.Directory.AdvertiserInput First = DemoAdvertisers.Generate()[0];
    private static readonly Portal.Shared.Directory.AdvertiserInput Second = DemoAdvertisers.Generate()[1];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private T Service<T>() where T : notnull => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<T>();

    /// <summary>The token a link carries ("/support/case?link=…").</summary>
    private static string TokenOf(string path) => Uri.UnescapeDataString(path[(path.IndexOf('=', StringComparison.Ordinal) + 1)..]);

    private static SupportForm Form(string email, string subject = "Charged twice", string body = "Two debits today.") =>
        new() { Email = email, Subject = subject, Body = body, Category = "duplicate-charge" };

    private async Task<(long Number, string Link)> WriteInAsync(string email, string body = "Two debits today.")
    {
        var sent = await Service<SupportIntake>().SubmitAsync(Form(email, body: body), "203.0.113.9", Ct);
        var confirmed = await Service<SupportIntake>().ConfirmAsync(TokenOf(sent.ShownLink!), null, Ct);
        Assert.Null(confirmed.Problem);
        Assert.True(CaseNumber.TryParse(confirmed.CaseKey, out var number));
        return (number, TokenOf(confirmed.CaseLink!));
    }

    [Fact]
    public async Task TheFormsOneTimeLinkOpensOneCaseForTheAdvertiserOfThatAddress()
    {
        var email = First.BillingEmails![0];
        var sent = await Service<SupportIntake>().SubmitAsync(Form(email.ToUpperInvariant()), "203.0.113.9", Ct);
        // No SMTP server in the test portal, as in the demo: the link is shown, and the email waits in the outbox.
        Assert.StartsWith("/support/confirm?token=", sent.ShownLink, StringComparison.Ordinal);
        var token = TokenOf(sent.ShownLink!);
        var first = await Service<SupportIntake>().ConfirmAsync(token, null, Ct);
        var again = await Service<SupportIntake>().ConfirmAsync(token, null, Ct);
        Assert.Null(first.Problem);
        Assert.Equal(first.CaseKey, again.CaseKey);
        Assert.NotNull(again.Problem);
        await using var db = _portal.OpenContext();
        var c = await db.Cases.Include(x => x.Advertiser).SingleAsync(Ct);
        Assert.Equal(CaseChannel.WebForm, c.Channel);
        Assert.Equal(First.AccountId, c.Advertiser!.AccountId);
        Assert.Equal(email, c.RequesterEmail);
        Assert.Single(await db.CaseMails.Where(m => m.Kind == CaseMailKind.Confirm && m.To == email).ToListAsync(Ct));
        Assert.DoesNotContain(token, (await db.SupportRequests.SingleAsync(Ct)).TokenHash, StringComparison.Ordinal);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnUnknownAddressAnExpiredLinkAndAForgedLinkOpenNothing()
    {
        var unknown = await Service<SupportIntake>().SubmitAsync(Form("someone@elsewhere.example"), null, Ct);
        var refused = await Service<SupportIntake>().ConfirmAsync(TokenOf(unknown.ShownLink!), null, Ct);
        Assert.Contains("not a billing contact", refused.Problem, StringComparison.Ordinal);

        var late = await Service<SupportIntake>().SubmitAsync(Form(First.BillingEmails![0]), null, Ct);
        _portal.Clock.Advance(TimeSpan.FromHours(25));
        Assert.Contains("expired", (await Service<SupportIntake>().ConfirmAsync(TokenOf(late.ShownLink!), null, Ct)).Problem, StringComparison.Ordinal);
        Assert.NotNull((await Service<SupportIntake>().ConfirmAsync("forged-token", "198.51.100.7", Ct)).Problem);

        await using var db = _portal.OpenContext();
        Assert.False(await db.Cases.AnyAsync(Ct));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == AuditActions.AccessDenied && a.Target == "support confirmation link" && a.Address == "198.51.100.7", Ct));
    }

    [Fact]
    public async Task TheBotTrapKeepsNothingAndEachAddressIsRateLimited()
    {
        var email = First.BillingEmails![0];
        var trapped = Form(email);
        trapped.Website = "http://spam.example";
        Assert.Null((await Service<SupportIntake>().SubmitAsync(trapped, "192.0.2.1", Ct)).ShownLink);
        for (var i = 0; i < IntakeRules.MaxPendingPerAddressPerHour; i++)
        {
            await Service<SupportIntake>().SubmitAsync(Form(email), null, Ct);
        }
        var limited = await Assert.ThrowsAsync<ValidationException>(() => Service<SupportIntake>().SubmitAsync(Form(email), null, Ct));
        Assert.Equal(["email"], limited.Errors.Keys);
        var bad = await Assert.ThrowsAsync<ValidationException>(() => Service<SupportIntake>().SubmitAsync(new SupportForm { Email = "nope", Category = "lottery", AccountId = "has spaces" }, null, Ct));
        Assert.Equal(["accountId", "body", "category", "email", "subject"], bad.Errors.Keys.Order());
        await using var db = _portal.OpenContext();
        Assert.Equal(IntakeRules.MaxPendingPerAddressPerHour, await db.SupportRequests.CountAsync(Ct));
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "support.bot-trapped", Ct));
    }

    [Fact]
    public async Task ACaseLinkShowsOnlyItsOwnCaseAndNeverANoteOrAnAddressOfTheTeam()
    {
        var (number, link) = await WriteInAsync(First.BillingEmails![0], "<script>alert('x')</script> **bold** <img src=x onerror=alert(1)>");
        var (otherNumber, otherLink) = await WriteInAsync(Second.BillingEmails![0]);
        using var engineer = await _portal.SignedInClientAsync(DemoWorld.Generate().People.First(p => p.Role == Portal.Shared.Team.PortalRole.Engineer).Handle);
        await engineer.PostJsonAsync($"/api/cases/{number}/notes", new { body = "SECRET internal: refund approved by finance" });
        await engineer.PostJsonAsync($"/api/cases/{number}/replies", new { body = "We refunded the duplicate. <script>alert(2)</script>" });

        using var anonymous = _portal.AnonymousClient();
        var page = await (await anonymous.GetAsync(Url(CaseLinks.CasePath(link)), Ct)).Content.ReadAsStringAsync(Ct);
        Assert.Contains("We refunded the duplicate.", page, StringComparison.Ordinal);
        Assert.DoesNotContain("SECRET internal", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<script>alert", page, StringComparison.Ordinal);
        Assert.DoesNotContain("<img src=x", page, StringComparison.Ordinal);
        Assert.Contains("&lt;script&gt;", page, StringComparison.Ordinal);
        Assert.DoesNotContain("@" + DemoWorld.EmailDomain, page, StringComparison.Ordinal);
        Assert.DoesNotContain(CaseNumber.Format(otherNumber), page, StringComparison.Ordinal);

        // The IDOR matrix: another advertiser's link shows theirs only; a guessed number, a changed link and an expired one show nothing.
        var other = await (await anonymous.GetAsync(Url(CaseLinks.CasePath(otherLink)), Ct)).Content.ReadAsStringAsync(Ct);
        Assert.DoesNotContain(CaseNumber.Format(number) + " ", other, StringComparison.Ordinal);
        foreach (var bad in new[] { number.ToString(System.Globalization.CultureInfo.InvariantCulture), CaseNumber.Format(number), link[..^2] + "xx", otherLink + "a" })
        {
            var refused = await (await anonymous.GetAsync(Url(CaseLinks.CasePath(bad)), Ct)).Content.ReadAsStringAsync(Ct);
            Assert.Contains("support-link-refused", refused, StringComparison.Ordinal);
        }
        _portal.Clock.Advance(IntakeRules.CaseLinkLifetime + TimeSpan.FromDays(1));
        Assert.Null(await Service<AdvertiserCaseService>().ReadAsync(link, null, Ct));
        await using var db = _portal.OpenContext();
        Assert.True(await db.AuditEntries.CountAsync(a => a.Action == AuditActions.AccessDenied && a.Target == "advertiser case link", Ct) >= 5);
    }

    [Fact]
    public async Task TheAdvertiserAnswersOnTheirLinkAndAClosedCaseGetsAFollowUp()
    {
        var email = First.BillingEmails![0];
        var (number, link) = await WriteInAsync(email);
        var cases = Service<AdvertiserCaseService>();
        Assert.NotNull(await cases.AnswerAsync(link, "Here is the invoice number: 7781.", null, Ct));
        await Assert.ThrowsAsync<ValidationException>(() => cases.AnswerAsync(link, "  ", null, Ct));
        await using (var db = _portal.OpenContext())
        {
            var c = await db.Cases.SingleAsync(x => x.Number == number, Ct);
            c.Status = CaseStatus.Closed;
            c.ClosedAt = _portal.Clock.GetUtcNow();
            await db.SaveChangesAsync(Ct);
        }
        var followUpLink = await cases.AnswerAsync(link, "It happened again.", null, Ct);
        var followUp = await cases.ReadAsync(followUpLink, null, Ct);
        Assert.NotEqual(CaseNumber.Format(number), followUp!.Key);
        await using var check = _portal.OpenContext();
        Assert.Equal(number, (await check.Cases.SingleAsync(x => x.Number == followUp.Number, Ct)).FollowUpOfNumber);
    }

    [Fact]
    public async Task SolvingSendsOneSurveyWhoseAnswerCountsOnce()
    {
        var (number, _) = await WriteInAsync(First.BillingEmails![0]);
        using var engineer = await _portal.SignedInClientAsync(DemoWorld.Generate().People.First(p => p.Role == Portal.Shared.Team.PortalRole.Engineer).Handle);
        Assert.Equal(HttpStatusCode.OK, (await engineer.PostJsonAsync($"/api/cases/{number}/replies", new { body = "Refunded.", then = "Solved" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await engineer.PostJsonAsync($"/api/cases/{number}/status", new { status = "Open" })).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await engineer.PostJsonAsync($"/api/cases/{number}/status", new { status = "Solved" })).StatusCode);
        await using var db = _portal.OpenContext();
        Assert.Single(await db.CaseSurveys.Where(s => s.CaseNumber == number).ToListAsync(Ct));
        var mails = await db.CaseMails.Where(m => m.CaseNumber == number).ToListAsync(Ct);
        Assert.Single(mails, m => m.Kind == CaseMailKind.Survey);
        var reply = Assert.Single(mails, m => m.Kind == CaseMailKind.Reply);
        Assert.StartsWith($"Re: [{CaseNumber.Format(number)}]", reply.Subject, StringComparison.Ordinal);

        var token = Service<CaseLinks>().ForSurvey(number);
        var cases = Service<AdvertiserCaseService>();
        Assert.Equal("How satisfied were you with the help you received?", (await cases.SurveyAsync(token, null, Ct))!.Value.Text.Question);
        await Assert.ThrowsAsync<ValidationException>(() => cases.AnswerSurveyAsync(token, 7, null, null, Ct));
        Assert.True(await cases.AnswerSurveyAsync(token, 5, "Quick and clear.", null, Ct));
        Assert.False(await cases.AnswerSurveyAsync(token, 1, "changed my mind", null, Ct));
        Assert.False(await cases.AnswerSurveyAsync(token + "x", 1, null, null, Ct));
        var survey = await db.CaseSurveys.AsNoTracking().SingleAsync(s => s.CaseNumber == number, Ct);
        Assert.Equal(5, survey.Score);
        Assert.Equal("Quick and clear.", survey.Comment);
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
