using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Incidents;

public class SlaPoliciesPageTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnAdminChangesATargetAndItIsSaved()
    {
        await SignInAsync(p => p.Role == PortalRole.Admin);
        Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<SlaPoliciesPage>();

        Assert.True(page.Find("button[data-testid=save-SEV2]").HasAttribute("disabled"));
        page.Find("input[data-testid=ack-SEV2]").Change("10");
        page.WaitForAssertion(() => Assert.False(page.Find("button[data-testid=save-SEV2]").HasAttribute("disabled")));
        page.Find("button[data-testid=save-SEV2]").Click();

        // Saved: the button goes quiet again, and the database has it.
        page.WaitForAssertion(() => Assert.True(page.Find("button[data-testid=save-SEV2]").HasAttribute("disabled")));
        await using var db = await Database.CreateDbContextAsync(Ct);
        Assert.Equal(10, (await db.SlaPolicies.AsNoTracking().SingleAsync(p => p.Severity == Severity.SEV2, Ct)).AcknowledgeMinutes);
    }

    [Fact]
    public async Task AnEngineerReadsThemWithoutEditing()
    {
        await SignInAsync(p => p.Role == PortalRole.Engineer);
        var page = Render<SlaPoliciesPage>();

        Assert.Empty(page.FindAll("input"));
        Assert.Contains("Only admins change them.", page.Markup, StringComparison.Ordinal);
        var sev1 = page.FindAll("[data-testid=sla-policies] tbody tr")[0].TextContent;
        Assert.Contains("5 min", sev1, StringComparison.Ordinal);
        Assert.Contains("1 h", sev1, StringComparison.Ordinal);
        Assert.Contains("no clock", page.FindAll("[data-testid=sla-policies] tbody tr")[4].TextContent, StringComparison.Ordinal);
    }
}
