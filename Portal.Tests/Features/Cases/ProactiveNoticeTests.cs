using System.Net;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MimeKit;
using Portal.Features.Cases;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Demo;
using Portal.Shared.Directory;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Cases;

/// <summary>
/// Proactive notices: the commander approves one notice to the advertisers an open incident likely affects, before
/// they write in; nobody else can; it goes once, by email to each billing contact; an answer opens a case linked to
/// the incident.
/// </summary>
public sealed class ProactiveNoticeTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Commander = World.People.First(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);
    private static readonly DemoPerson Other = World.People.Last(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private static async Task<string> OpenIncidentAsync(HttpClient client)
    {
        var key = (await (await client.PostJsonAsync("/api/incidents", new { title = "Cards charged twice", severity = "SEV2", service = "payments", region = "US" })).JsonAsync())
            .GetProperty("key").GetString()!;
        await client.PostJsonAsync($"/api/incidents/{key}/commander", new { commander = Commander.Handle });
        return key;
    }

    [Fact]
    public async Task TheCommanderApprovesOneNoticeToTheRegionsAdvertisersWhoHaveNotWrittenIn()
    {
        using var commander = await _portal.SignedInClientAsync(Commander.Handle);
        using var other = await _portal.SignedInClientAsync(Other.Handle);
        var incident = await OpenIncidentAsync(commander);
        // Advertiser 0 (US) already wrote in about it: the notice leaves them out.
        var asked = (await (await commander.PostJsonAsync("/api/cases", new { advertiser = DemoAdvertisers.AccountId(0), subject = "Charged twice", category = "duplicate-charge" })).JsonAsync())
            .GetProperty("key").GetString();
        Assert.Equal(HttpStatusCode.NoContent, (await commander.PutAsync(Url($"/api/cases/{asked}/incidents/{incident}"), null, Ct)).StatusCode);

        List<Advertiser> us;
        await using (var db = _portal.OpenContext())
        {
            us = await db.Advertisers.AsNoTracking().Where(a => a.Region == RegionCode.US && a.AccountId != DemoAdvertisers.AccountId(0)).ToListAsync(Ct);
        }
        var managed = us.Where(a => a.Tier == AdvertiserTier.Managed).ToList();
        Assert.NotEmpty(managed);

        var state = await (await commander.GetAsync(Url($"/api/incidents/{incident}/notice"), Ct)).JsonAsync();
        Assert.Equal(us.Count, state.GetProperty("audience").GetProperty("advertisers").GetInt32());
        Assert.Equal(managed.Count, state.GetProperty("audience").GetProperty("managed").GetInt32());
        Assert.Equal(us.Sum(a => a.BillingEmails.Count), state.GetProperty("audience").GetProperty("contacts").GetInt32());
        Assert.Equal(1, state.GetProperty("audience").GetProperty("alreadyAsked").GetInt32());
        Assert.Equal(JsonValueKind.Null, state.GetProperty("sent").ValueKind);
        Assert.Contains("Cards charged twice", state.GetProperty("draftBody").GetString(), StringComparison.Ordinal);
        var managedOnly = await (await commander.GetAsync(Url($"/api/incidents/{incident}/notice?tier=managed"), Ct)).JsonAsync();
        Assert.Equal(managed.Count, managedOnly.GetProperty("audience").GetProperty("advertisers").GetInt32());
        await AssertProblemAsync(await commander.GetAsync(Url($"/api/incidents/{incident}/notice?tier=0"), Ct), HttpStatusCode.BadRequest, "tier");

        // Bad input names its fields; someone who is neither commander nor manager is refused, and the refusal audited.
        var bad = await commander.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = " ", body = new string('x', ProactiveRules.MaxBody + 1), tier = "Gold" });
        await AssertProblemAsync(bad, HttpStatusCode.BadRequest, "subject", "body", "tier");
        await AssertProblemAsync(await commander.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = "x", body = "y", tier = 1 }), HttpStatusCode.BadRequest, "tier");
        var refused = await other.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = "Heads-up", body = "We are on it.", tier = "Managed" });
        Assert.Equal(HttpStatusCode.Forbidden, refused.StatusCode);

        var sent = await commander.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = "Heads-up: duplicate card charges", body = "We are refunding them.", tier = "Managed" });
        Assert.Equal(HttpStatusCode.Created, sent.StatusCode);
        Assert.Equal(managed.Count, (await sent.JsonAsync()).GetProperty("advertisers").GetInt32());
        var again = await commander.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = "Again", body = "Again.", tier = "" });
        Assert.Equal(HttpStatusCode.Conflict, again.StatusCode);

        await using (var db = _portal.OpenContext())
        {
            Assert.True(await db.AuditEntries.AnyAsync(e => e.Action == AuditActions.AccessDenied && e.Target == incident + " proactive notice", Ct));
            var told = await db.ProactiveRecipients.AsNoTracking().Select(r => r.AdvertiserId).ToListAsync(Ct);
            Assert.Equal(managed.Select(a => a.Id).Order(), told.Order());
            var mails = await db.CaseMails.AsNoTracking().Where(m => m.Kind == CaseMailKind.Notice).ToListAsync(Ct);
            Assert.Equal(managed.SelectMany(a => a.BillingEmails).Order(), mails.Select(m => m.To).Order());
            Assert.All(mails, m => Assert.Equal("Heads-up: duplicate card charges", m.Subject));
            Assert.Single(await db.ProactiveNotices.AsNoTracking().ToListAsync(Ct));
        }
        var after = await (await commander.GetAsync(Url($"/api/incidents/{incident}/notice"), Ct)).JsonAsync();
        Assert.Equal(Commander.Name, after.GetProperty("sent").GetProperty("sentBy").GetString());
        var detail = await (await commander.GetAsync(Url($"/api/incidents/{incident}"), Ct)).JsonAsync();
        Assert.Contains(detail.GetProperty("timeline").EnumerateArray(), e => e.GetProperty("kind").GetString() == "StakeholderUpdate"
            && e.GetProperty("text").GetString()!.StartsWith($"Proactive notice sent to {managed.Count} advertiser", StringComparison.Ordinal));
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AnAnswerToTheNoticeOpensACaseLinkedToTheIncidentOnlyForAnAdvertiserWhoWasTold()
    {
        using var commander = await _portal.SignedInClientAsync(Commander.Handle);
        var incident = await OpenIncidentAsync(commander);
        Assert.Equal(HttpStatusCode.Created, (await commander.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = "Heads-up", body = "We are on it.", tier = "Managed" })).StatusCode);
        CaseMail notice;
        Advertiser told, notTold;
        await using (var db = _portal.OpenContext())
        {
            notice = await db.CaseMails.AsNoTracking().Where(m => m.Kind == CaseMailKind.Notice).OrderBy(m => m.Id).FirstAsync(Ct);
            told = (await db.Advertisers.AsNoTracking().ToListAsync(Ct)).First(a => a.BillingEmails.Contains(notice.To));
            notTold = await db.Advertisers.AsNoTracking().FirstAsync(a => a.Region == RegionCode.US && a.Tier == AdvertiserTier.SelfServe, Ct);
        }

        using var scope = _portal.Services.CreateScope();
        var reader = scope.ServiceProvider.GetRequiredService<CaseMailReader>();
        Assert.Equal(MailOutcome.Opened, await reader.ReceiveAsync(Answer(notice.To, notice.MessageId), "INBOX/1", Ct));
        // Someone not told, quoting the same notice, opens an ordinary case: the link is for those it reached.
        Assert.Equal(MailOutcome.Opened, await reader.ReceiveAsync(Answer(notTold.BillingEmails[0], notice.MessageId), "INBOX/2", Ct));

        await using var check = _portal.OpenContext();
        var opened = await check.Cases.AsNoTracking().Where(c => c.Channel == CaseChannel.Email).OrderBy(c => c.Number).ToListAsync(Ct);
        Assert.Equal([told.Id, notTold.Id], opened.Select(c => c.AdvertiserId));
        Assert.True(IncidentNumberOf(incident) is var number && await check.CaseIncidents.AnyAsync(l => l.CaseNumber == opened[0].Number && l.IncidentNumber == number, Ct));
        Assert.False(await check.CaseIncidents.AnyAsync(l => l.CaseNumber == opened[1].Number, Ct));
        Assert.True(await check.CaseEvents.AnyAsync(e => e.CaseNumber == opened[0].Number && e.Kind == CaseEventKind.IncidentLinked, Ct));
        var state = await (await commander.GetAsync(Url($"/api/incidents/{incident}/notice"), Ct)).JsonAsync();
        Assert.Equal(1, state.GetProperty("wroteInSince").GetInt32());
    }

    [Fact]
    public async Task NoNoticeGoesOutForAResolvedIncident()
    {
        using var commander = await _portal.SignedInClientAsync(Commander.Handle);
        var incident = await OpenIncidentAsync(commander);
        Assert.Equal(HttpStatusCode.OK, (await commander.PostJsonAsync($"/api/incidents/{incident}/resolve", new { note = "Refunded." })).StatusCode);
        var late = await commander.PostJsonAsync($"/api/incidents/{incident}/notice", new { subject = "Heads-up", body = "We are on it." });
        Assert.Equal(HttpStatusCode.Conflict, late.StatusCode);
        await using var db = _portal.OpenContext();
        Assert.False(await db.ProactiveRecipients.AnyAsync(Ct));
        Assert.False(await db.CaseMails.AnyAsync(m => m.Kind == CaseMailKind.Notice, Ct));
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, params string[] fields)
    {
        Assert.Equal(status, response.StatusCode);
        var errors = (await response.JsonAsync()).GetProperty("errors");
        foreach (var field in fields)
        {
            Assert.True(errors.TryGetProperty(field, out _), $"no error for {field}: {errors}");
        }
    }

    private static long IncidentNumberOf(string key) => Portal.Shared.Incidents.IncidentNumber.TryParse(key, out var n) ? n : throw new ArgumentException(key);

    private static MimeMessage Answer(string from, string noticeId)
    {
        var message = new MimeMessage { Subject = "Re: Heads-up", MessageId = $"{Guid.NewGuid():N}@mail.example", InReplyTo = noticeId.Trim('<', '>') };
        message.From.Add(MailboxAddress.Parse(from));
        message.To.Add(MailboxAddress.Parse("support@support.test"));
        message.Body = new TextPart("plain") { Text = "We still see two charges." };
        return message;
    }
}
