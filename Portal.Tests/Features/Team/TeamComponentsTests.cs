using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.Team;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Team;

public class TeamComponentsTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;
    private static readonly DateTimeOffset From = new(2026, 11, 6, 9, 0, 0, TimeSpan.Zero);

    private static OperationalRecord WithData() => new(
        "someone", From, From.AddDays(14), 3, new Dictionary<Severity, int> { [Severity.SEV2] = 1, [Severity.SEV3] = 2 }, 21, 150, 1,
        336, 120, 3, 2, 1, 1, 2, 1, 1,
        [
            new RecordWeek(new DateOnly(2026, 11, 6), 2, new Dictionary<Severity, int> { [Severity.SEV2] = 1, [Severity.SEV3] = 1 }, 0, 168, 1, 21, 150),
            new RecordWeek(new DateOnly(2026, 11, 13), 1, new Dictionary<Severity, int> { [Severity.SEV3] = 1 }, 1, 168, 1, null, null),
        ]);

    [Fact]
    public async Task ThePersonRecordChartsItsWeeks()
    {
        await SignInAsync(p => p.Role == PortalRole.Engineer);
        Render<MudBlazor.MudPopoverProvider>();
        var panel = Render<RecordPanel>(p => p.Add(x => x.Handle, "someone").Add(x => x.Record, WithData()));

        Assert.Contains("3", panel.Find("[data-testid=figure-handled]").TextContent, StringComparison.Ordinal);
        Assert.Contains("SEV2 1 · SEV3 2", panel.Find("[data-testid=figure-handled]").TextContent, StringComparison.Ordinal);
        Assert.Contains("21 min", panel.Find("[data-testid=figure-mtta]").TextContent, StringComparison.Ordinal);
        Assert.Contains("2.5 h", panel.Find("[data-testid=figure-mttr]").TextContent, StringComparison.Ordinal);
        Assert.Contains("1 of 2", panel.Find("[data-testid=figure-actions]").TextContent, StringComparison.Ordinal);
        foreach (var chart in new[] { "chart-severity", "chart-oncall", "chart-pages", "chart-response" })
        {
            Assert.NotEmpty(panel.FindAll($"[data-testid={chart}] svg"));
        }
        // One label per week, and a legend entry per severity present.
        Assert.Contains("6 Nov", panel.Find("[data-testid=chart-severity]").TextContent, StringComparison.Ordinal);
        Assert.Contains("SEV3", panel.Find("[data-testid=chart-severity]").TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-testid=record-empty]"));
    }

    [Fact]
    public async Task ARecordWithNothingInItSaysSoAndDrawsNoCharts()
    {
        await SignInAsync(p => p.Role == PortalRole.Engineer);
        Render<MudBlazor.MudPopoverProvider>();
        var empty = OperationalRecord.Empty("someone", From, From.AddDays(14)) with
        {
            Weeks = [new RecordWeek(new DateOnly(2026, 11, 6), 0, new Dictionary<Severity, int>(), 0, 0, 0, null, null)],
        };
        var panel = Render<RecordPanel>(p => p.Add(x => x.Handle, "someone").Add(x => x.Record, empty));

        Assert.Contains("No incidents, on-call time", panel.Find("[data-testid=record-empty]").TextContent, StringComparison.Ordinal);
        Assert.Empty(panel.FindAll("[data-testid^=chart-]"));
        Assert.Contains("—", panel.Find("[data-testid=figure-mtta]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheRecordPanelLoadsThePersonsOwnRecord()
    {
        var me = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
        await SignInAsync(p => p.Handle == me.Handle);
        Render<MudBlazor.MudPopoverProvider>();
        var panel = Render<RecordPanel>(p => p.Add(x => x.Handle, me.Handle));

        panel.WaitForAssertion(() => Assert.NotEmpty(panel.FindAll("[data-testid=figure-oncall]")));
        Assert.Empty(panel.FindAll("[data-testid=record-error]"));
    }

    [Fact]
    public async Task APeerSeesTheProfileButNotTheRecords()
    {
        var target = World.People.Last(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.JP);
        await SignInAsync(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.JP);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.JP).Handle);
        var page = Render<PersonPage>(p => p.Add(x => x.Handle, target.Handle));

        page.WaitForAssertion(() => Assert.Contains(target.Name, page.Find("[data-testid=person-name]").TextContent, StringComparison.Ordinal));
        Assert.NotEmpty(page.FindAll("[data-testid=person-private]"));
        Assert.Empty(page.FindAll("[data-testid=person-tabs]"));
    }

    [Fact]
    public async Task ThePersonSeesTheManagersReviewOnlyOnceItIsSignedOffAndWithoutReloading()
    {
        var person = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.MX);
        var manager = World.People.First(p => p.Handle == person.ManagerHandle);
        int id;
        await using (var db = await Database.CreateDbContextAsync(Ct))
        {
            var personId = await db.People.Where(p => p.Handle == person.Handle).Select(p => p.Id).SingleAsync(Ct);
            var review = await db.Reviews.Where(r => r.PersonId == personId).OrderByDescending(r => r.CycleId).FirstAsync(Ct);
            // Handed in by the manager, waiting for sign-off.
            (review.State, review.ManagerText, review.ManagerSubmittedAt) = (ReviewState.AwaitingSignOff, "A steady, generous half.", Clock.GetUtcNow());
            review.ManagerRatings = ReviewRules.CompetenciesFor(PortalRole.Engineer, person.Level).ToDictionary(c => c, _ => 4);
            review.SelfSubmittedAt ??= Clock.GetUtcNow();
            await db.SaveChangesAsync(Ct);
            id = review.Id;
        }
        var managerPrincipal = new System.Security.Claims.ClaimsPrincipal(Portal.Infrastructure.Auth.PortalClaims.IdentityFor(
            await Database.CreateDbContext().People.AsNoTracking().SingleAsync(p => p.Handle == manager.Handle, Ct)));
        await SignInAsync(p => p.Handle == person.Handle);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, person.Handle);
        Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<ReviewPage>(p => p.Add(x => x.Id, id));

        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=manager-hidden]")));
        Assert.DoesNotContain("A steady, generous half.", page.Markup, StringComparison.Ordinal);

        await Services.GetRequiredService<ReviewService>().SignOffAsync(managerPrincipal, id, Ct);

        page.WaitForAssertion(() => Assert.Contains("A steady, generous half.", page.Find("[data-testid=manager-review]").InnerHtml, StringComparison.Ordinal));
        Assert.Empty(page.FindAll("[data-testid=manager-hidden]"));
        Assert.Contains("Signed off", page.Find("[data-testid=review-state]").TextContent, StringComparison.Ordinal);
    }
}
