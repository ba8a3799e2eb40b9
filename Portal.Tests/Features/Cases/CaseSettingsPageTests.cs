using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Cases;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Cases;

/// <summary>The case SLA settings page: admins edit targets, tier overrides and regions' calendars; everyone else reads them.</summary>
public class CaseSettingsPageTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAdminChangesATargetAddsATierOverrideAndEditsACalendar()
    {
        await SignInAsync(p => p.Role == PortalRole.Admin);
        var snackbar = Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<CaseSettingsPage>();

        page.WaitForAssertion(() => Assert.True(page.Find("button[data-testid=save-P3-all]").HasAttribute("disabled")));
        page.Find("input[data-testid=first-reply-P3-all]").Change("120");
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=save-P3-all]").HasAttribute("disabled")));
        page.Find("button[data-testid=save-P3-all]").Click();
        page.WaitForAssertion(() => Assert.True(page.Find("button[data-testid=save-P3-all]").HasAttribute("disabled")));

        // A Managed override of P2 starts from P2's targets and is saved as its own policy.
        var select = page.FindComponent<MudBlazor.MudSelect<CasePriority>>();
        await page.InvokeAsync(() => select.Instance.ValueChanged.InvokeAsync(CasePriority.P2));
        page.Find("button[data-testid=override-add]").Click();
        page.WaitForAssertion(() => page.Find("input[data-testid=first-reply-P2-Managed]"));
        page.Find("input[data-testid=first-reply-P2-Managed]").Change("60");
        page.Find("button[data-testid=save-P2-Managed]").Click();

        // A calendar with a bad time is refused with the reason, and nothing is stored; then a good one is.
        page.Find("input[data-testid=opens-JP]").Change("25:00");
        page.Find("button[data-testid=save-calendar-JP]").Click();
        snackbar.WaitForAssertion(() => Assert.Contains("HH:mm", snackbar.Markup, StringComparison.Ordinal));
        page.Find("input[data-testid=opens-JP]").Change("08:30");
        page.Find("textarea[data-testid=holidays-JP]").Change("2027-01-04\n2027-01-01");
        page.Find("button[data-testid=save-calendar-JP]").Click();
        snackbar.WaitForAssertion(() => Assert.Contains("JP: 08:30", snackbar.Markup, StringComparison.Ordinal));

        await using var db = await Database.CreateDbContextAsync(Ct);
        var policies = await db.CaseSlaPolicies.AsNoTracking().ToListAsync(Ct);
        Assert.Equal(120, policies.Single(p => p.Priority == CasePriority.P3 && p.Tier == null).FirstReplyMinutes);
        var managed = policies.Single(p => p.Priority == CasePriority.P2 && p.Tier == AdvertiserTier.Managed);
        Assert.Equal(60, managed.FirstReplyMinutes);
        Assert.Equal(policies.Single(p => p.Priority == CasePriority.P2 && p.Tier == null).ResolutionMinutes, managed.ResolutionMinutes);
        var jp = await db.RegionCalendars.AsNoTracking().SingleAsync(c => c.Region == RegionCode.JP, Ct);
        Assert.Equal("08:30", jp.Opens);
        Assert.Equal(["2027-01-01", "2027-01-04"], jp.Holidays);
    }

    [Fact]
    public async Task AnEngineerReadsThemWithoutEditing()
    {
        await SignInAsync(p => p.Role == PortalRole.Engineer);
        var page = Render<CaseSettingsPage>();

        page.WaitForAssertion(() => Assert.Equal(4, page.FindAll("[data-testid=case-sla-policies] tbody tr").Count(r => r.TextContent.Contains("Every tier", StringComparison.Ordinal))));
        Assert.Empty(page.FindAll("input"));
        Assert.Contains("Only admins change them.", page.Markup, StringComparison.Ordinal);
        Assert.Equal(5, page.FindAll("[data-testid^=calendar-]").Count);
        Assert.Contains("public holidays, next:", page.Find("[data-testid=calendar-EU]").TextContent, StringComparison.Ordinal);
    }
}
