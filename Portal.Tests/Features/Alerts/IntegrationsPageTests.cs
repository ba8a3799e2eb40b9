using Bunit;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Alerts;
using Portal.Shared.Alerts;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Alerts;

public class IntegrationsPageTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private static AngleSharp.Dom.IElement Row(IRenderedComponent<IntegrationsPage> page) =>
        page.FindAll("[data-testid=integrations] tbody tr").Single(r => r.TextContent.Contains("Prometheus EU", StringComparison.Ordinal));

    [Fact]
    public async Task AnAdminCreatesAnIntegrationSeesItsKeyOnceAndCanDisableIt()
    {
        await SignInAsync(p => p.Role == PortalRole.Admin);
        Render<MudBlazor.MudPopoverProvider>();
        Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<IntegrationsPage>();
        Assert.Contains(Portal.Shared.Demo.DemoWorld.MonitorName, page.Find("[data-testid=integrations]").TextContent, StringComparison.Ordinal);

        page.Find("input[data-testid=integration-name]").Change("Prometheus EU");
        page.Find("button[data-testid=create-integration]").Click();

        page.WaitForAssertion(() => Assert.Matches("^[0-9a-f]{32}$", page.Find("[data-testid=key]").TextContent));
        var key = page.Find("[data-testid=key]").TextContent;
        Assert.Contains($"v2/enqueue with routing_key {key}", page.Find("[data-testid=new-key]").TextContent, StringComparison.Ordinal);
        Assert.Contains("…" + key[^4..], page.Find("[data-testid=integrations]").TextContent, StringComparison.Ordinal);
        await using (var db = await Database.CreateDbContextAsync(Ct))
        {
            Assert.Equal(IntegrationKeys.Hash(key), (await db.Integrations.SingleAsync(i => i.Name == "Prometheus EU", Ct)).KeyHash);
        }

        Row(page).QuerySelector("button[data-testid=toggle]")!.Click();
        page.WaitForAssertion(() => Assert.Contains("disabled", Row(page).TextContent, StringComparison.Ordinal));
        await using var after = await Database.CreateDbContextAsync(Ct);
        Assert.False((await after.Integrations.SingleAsync(i => i.Name == "Prometheus EU", Ct)).Enabled);
    }
}
