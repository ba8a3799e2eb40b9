using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.OnCall;
using Portal.Infrastructure.Auth;
using Portal.Shared.Admin;
using Portal.Shared.Live;
using Portal.Shared.OnCall;
using Portal.Shared.Team;
using Portal.Features.Notifications;
using Portal.Tests.Support;

namespace Portal.Tests.Features.OnCall;

public class OnCallComponentsTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<int> AddNotificationAsync(int personId, string title, NotificationKind kind = NotificationKind.Page)
    {
        await using var db = await Database.CreateDbContextAsync(Ct);
        db.Notifications.Add(new Notification { PersonId = personId, Kind = kind, Title = title, Link = "/incidents/INC-1", CreatedAt = Clock.GetUtcNow() });
        await db.SaveChangesAsync(Ct);
        return await db.Notifications.CountAsync(n => n.PersonId == personId && n.ReadAt == null, Ct);
    }

    [Fact]
    public async Task TheBellCountsUnreadNotificationsAndANewOnePopsUp()
    {
        var user = await SignInAsync(p => p.Role == PortalRole.Engineer);
        var me = user.GetPersonId()!.Value;
        await AddNotificationAsync(me, "INC-7 SEV3: Tax documents late");
        var unread = await AddNotificationAsync(me, "INC-8 SEV2: Ledger drift");
        var snackbars = Render<MudBlazor.MudSnackbarProvider>();
        var bell = Render<NotificationBell>();
        Assert.Equal($"Notifications ({unread} unread)", bell.Find("[data-testid=notification-bell]").GetAttribute("title"));

        await AddNotificationAsync(me, "INC-9 SEV1: Payments down");
        await Services.GetRequiredService<ILiveFeed>().PublishAsync(new LiveNotice(LiveNotice.ForPerson(me), "page", "INC-9 SEV1: Payments down", "/incidents/INC-9"), Ct);
        bell.WaitForAssertion(() => Assert.Equal($"Notifications ({unread + 1} unread)", bell.Find("[data-testid=notification-bell]").GetAttribute("title")));
        snackbars.WaitForAssertion(() => Assert.Contains("INC-9 SEV1: Payments down", snackbars.Markup, StringComparison.Ordinal));

        // Someone else's notice is not this person's news.
        await Services.GetRequiredService<ILiveFeed>().PublishAsync(new LiveNotice(LiveNotice.ForPerson(me + 1), "page", "Not yours"), Ct);
        // A notice of this person's, sent after, is the sentinel: when it shows, the other one would have too.
        await Services.GetRequiredService<ILiveFeed>().PublishAsync(new LiveNotice(LiveNotice.ForPerson(me), "page", "Sentinel for this person"), Ct);
        snackbars.WaitForAssertion(() => Assert.Contains("Sentinel for this person", snackbars.Markup, StringComparison.Ordinal));
        Assert.DoesNotContain("Not yours", snackbars.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheNotificationCentreMarksReadAndRefusesAChannelItCannotUse()
    {
        var user = await SignInAsync(p => p.Role == PortalRole.Engineer);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, user.GetHandle()!);
        await AddNotificationAsync(user.GetPersonId()!.Value, "INC-12 SEV2: Invoices not generated");
        Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<NotificationsPage>();

        var row = page.Find("[data-testid=notifications] tr[data-kind=Page]");
        Assert.Contains("unread", row.ClassName, StringComparison.Ordinal);
        page.Find("[data-testid=mark-all-read]").Click();
        page.WaitForAssertion(() => Assert.DoesNotContain("unread", page.Find("[data-testid=notifications] tr[data-kind=Page]").ClassName ?? "", StringComparison.Ordinal));

        page.Find("[data-testid=channel-kind]").Change("Webhook");
        page.Find("[data-testid=channel-name]").Change("Pager bridge");
        page.Find("[data-testid=channel-target]").Change("ftp://example.com/hook");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("is not an http or https URL", page.Find("[data-testid=channel-error]").TextContent, StringComparison.Ordinal));

        page.Find("[data-testid=channel-target]").Change("https://hooks.example.com/services/T000/B000/secret");
        page.Find("form").Submit();
        page.WaitForAssertion(() => Assert.Contains("https://hooks.example.com/…", page.Find("[data-testid=channels]").TextContent, StringComparison.Ordinal));
        Assert.DoesNotContain("secret", page.Find("[data-testid=channels]").TextContent, StringComparison.Ordinal);
        // The webhook's signing secret is shown once, under the form: 32 random bytes, base64url.
        Assert.Matches("^[A-Za-z0-9_-]{43}$", page.Find("[data-testid=channel-secret] code").TextContent.Trim());
    }

    [Fact]
    public async Task TheOnCallEngineerFindsTheirHandoffDraftedAndSendsIt()
    {
        // The demo puts the sixth EU engineer on the EU schedule by override, 08:00–13:00 UTC; the clock reads 09:00 UTC.
        var cover = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU).ElementAt(5);
        var user = await SignInAsync(p => p.Handle == cover.Handle);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, cover.Handle);
        Render<MudBlazor.MudSnackbarProvider>();
        var card = Render<HandoffCard>();

        var draft = card.Find("[data-testid=handoff-draft]");
        Assert.Contains(Portal.Shared.Demo.DemoSchedules.RegionalName(RegionCode.EU), draft.TextContent, StringComparison.Ordinal);
        Assert.Contains("**Open incidents", card.Find("[data-testid=handoff-body]").GetAttribute("value") ?? card.Find("[data-testid=handoff-body]").TextContent, StringComparison.Ordinal);

        card.Find("[data-testid=handoff-body]").Change("All quiet. Watch the ledger export at 06:00.");
        card.Find("[data-testid=send-handoff]").Click();
        card.WaitForAssertion(() => Assert.Contains("Update handoff", card.Find("[data-testid=send-handoff]").TextContent, StringComparison.Ordinal));
        await using var db = await Database.CreateDbContextAsync(Ct);
        var note = await db.HandoffNotes.SingleAsync(Ct);
        Assert.Equal("All quiet. Watch the ledger export at 06:00.", note.Body);
        Assert.Equal(user.GetPersonId()!.Value, note.AuthorId);
        Assert.NotNull(note.IncomingId);
        Assert.True(await db.Notifications.AnyAsync(n => n.PersonId == note.IncomingId && n.Kind == NotificationKind.Handoff, Ct));
        // No writer of handoffs is available (no chat model in this test): no button offers one.
        Assert.Empty(card.FindAll("[data-testid=write-handoff]"));
    }

    /// <summary>A writer of handoffs as another module provides one: it writes a fixed text and remembers what became of it.</summary>
    private sealed class FakeWriter : IHandoffWriter
    {
        public List<(long Id, bool Edited)> Decisions { get; } = [];
        public RegionCode? AskedFor { get; private set; }

        public bool Available => true;

        public Task<HandoffWritten> WriteAsync(System.Security.Claims.ClaimsPrincipal user, RegionCode region, CancellationToken cancellationToken = default)
        {
            AskedFor = region;
            return Task.FromResult(new HandoffWritten(42, "Draft: shift handoff, written by a model.", "INC-1 is still open; watch the ledger.", null));
        }

        public Task DecideAsync(System.Security.Claims.ClaimsPrincipal user, long id, bool edited, CancellationToken cancellationToken = default)
        {
            Decisions.Add((id, edited));
            return Task.CompletedTask;
        }
    }

    [Fact]
    public async Task AWriterOfHandoffsFillsTheTextAndLearnsItWasSentAsWritten()
    {
        var writer = new FakeWriter();
        Services.AddSingleton<IHandoffWriter>(writer);
        var cover = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU).ElementAt(5);
        await SignInAsync(p => p.Handle == cover.Handle);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, cover.Handle);
        Render<MudBlazor.MudSnackbarProvider>();
        var card = Render<HandoffCard>();

        card.Find("[data-testid=write-handoff]").Click();
        card.WaitForAssertion(() => Assert.Contains("written by a model", card.Find("[data-testid=handoff-written-label]").TextContent, StringComparison.Ordinal));
        Assert.Equal(RegionCode.EU, writer.AskedFor);
        var body = card.Find("[data-testid=handoff-body]");
        Assert.Equal("INC-1 is still open; watch the ledger.", body.GetAttribute("value") ?? body.TextContent);
        card.Find("[data-testid=send-handoff]").Click();
        card.WaitForAssertion(() => Assert.Equal([(42L, false)], writer.Decisions));
    }

    [Fact]
    public void ThePoliciesPageShowsEachTeamsLevelsAndServices()
    {
        var page = Render<EscalationPoliciesPage>();
        var policies = page.FindAll("[data-testid=policy]");
        Assert.Equal(World.Teams.Count, policies.Count);
        var eu = policies.Single(p => p.TextContent.Contains("Billing Support EU escalation", StringComparison.Ordinal));
        Assert.Contains("whoever is on call for Billing Support EU primary", eu.TextContent, StringComparison.Ordinal);
        Assert.Contains("invoicing", eu.TextContent, StringComparison.Ordinal);
        Assert.Contains("repeats once", eu.TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AManagerEditsAScheduleAsCodeAndEveryProblemIsNamed()
    {
        var manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
        await SignInAsync(p => p.Handle == manager.Handle);
        Render<MudBlazor.MudSnackbarProvider>();
        var navigation = Services.GetRequiredService<Microsoft.AspNetCore.Components.NavigationManager>();
        navigation.NavigateTo("/oncall/schedules/new");
        var page = Render<AsCodeEditorPage>();

        var broken = page.Find("[data-testid=editor-text]").GetAttribute("value")!
            .Replace("\"members\": []", "\"members\": [\"no.such.person\"]", StringComparison.Ordinal)
            .Replace("\"09:00\"", "\"25:00\"", StringComparison.Ordinal);
        page.Find("[data-testid=editor-text]").Change(broken);
        page.Find("[data-testid=editor-save]").Click();
        var errors = page.Find("[data-testid=editor-errors]").TextContent;
        Assert.Contains("There is no active person \"no.such.person\"", errors, StringComparison.Ordinal);
        Assert.Contains("Give the handoff time as HH:mm", errors, StringComparison.Ordinal);

        page.Find("[data-testid=editor-text]").Change("{ not json");
        page.Find("[data-testid=editor-save]").Click();
        Assert.Contains("The document is not valid JSON", page.Find("[data-testid=editor-errors]").TextContent, StringComparison.Ordinal);

        var engineers = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU).Take(2).Select(p => $"\"{p.Handle}\"");
        page.Find("[data-testid=editor-text]").Change(broken.Replace("\"no.such.person\"", string.Join(", ", engineers), StringComparison.Ordinal)
            .Replace("\"25:00\"", "\"08:30\"", StringComparison.Ordinal).Replace("New schedule", "EU weekend cover", StringComparison.Ordinal));
        page.Find("[data-testid=editor-save]").Click();
        page.WaitForAssertion(() => Assert.Matches(@"/oncall/schedules/\d+$", navigation.Uri));
        var saved = (await Services.GetRequiredService<OnCallService>().ListAsync(Ct)).Single(s => s.Name == "EU weekend cover");
        Assert.Equal(1, saved.Layers);
    }
}
