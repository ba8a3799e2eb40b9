using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.Home;
using Portal.Features.Team;
using Portal.Shared.Team;

namespace Portal.Tests.Components;

public class MyShiftTests : ComponentTestContext
{
    [Fact]
    public async Task TheTeamAppearsWhenTheViewerIsKnownOnlyAfterThePageStarted()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        var page = Render<MyShift>();
        Assert.Contains("mud-progress-linear", page.Markup, StringComparison.Ordinal);

        // The layout finishes loading the viewer after the page has initialised.
        var me = await Services.GetRequiredService<PeopleService>().FindAsync(engineer.Handle, Xunit.TestContext.Current.CancellationToken);
        await page.InvokeAsync(() => Services.GetRequiredService<ShellState>().SetMe(me));

        var teammates = World.People.Where(p => p.TeamSlug == engineer.TeamSlug && p.Handle != engineer.Handle).ToList();
        page.WaitForAssertion(() => Assert.All(teammates, t => Assert.Contains(t.Name, page.Markup, StringComparison.Ordinal)));
        Assert.Contains(engineer.Name, page.Find("[data-testid=my-name]").TextContent, StringComparison.Ordinal);
        Assert.Equal(5, page.FindAll("[data-testid=regions-now] tbody tr").Count);
    }

    [Fact]
    public async Task TheHeadOfSupportSeesTheirDirectReports()
    {
        var head = World.People.Single(p => p.ManagerHandle is null);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, head.Handle);
        var page = Render<MyShift>();

        var reports = World.People.Where(p => p.ManagerHandle == head.Handle).ToList();
        Assert.Equal(5, reports.Count);
        page.WaitForAssertion(() => Assert.All(reports, r => Assert.Contains(r.Name, page.Markup, StringComparison.Ordinal)));
        Assert.Contains("Your reports", page.Markup, StringComparison.Ordinal);
    }
}

internal static class ShellStateTestExtensions
{
    public static async Task SetMeAsync(this ShellState shell, IServiceProvider services, string handle) =>
        shell.SetMe(await services.GetRequiredService<PeopleService>().FindAsync(handle, Xunit.TestContext.Current.CancellationToken));
}
