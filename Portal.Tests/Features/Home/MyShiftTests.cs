using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.Home;
using Portal.Shared.Team;
using Portal.Features.Directory;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Home;

public class MyShiftTests : ComponentTestContext
{
    [Fact]
    public async Task TheTeamAppearsWhenTheViewerIsKnownOnlyAfterThePageStarted()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        AddAuthorization().SetAuthorized(engineer.Name);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
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
    public async Task MyShiftSaysWhichScheduleIAmOnCallForAndUntilWhen()
    {
        // The demo puts the sixth EU engineer on the EU schedule by override, 08:00–13:00 UTC; the clock reads 09:00 UTC.
        var cover = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == Portal.Shared.Admin.RegionCode.EU).ElementAt(5);
        AddAuthorization().SetAuthorized(cover.Name);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, cover.Handle);

        var page = Render<MyShift>();

        page.WaitForAssertion(() => Assert.Contains(Portal.Shared.Demo.DemoSchedules.RegionalName(Portal.Shared.Admin.RegionCode.EU), page.Find("[data-testid=my-oncall]").TextContent, StringComparison.Ordinal));
        Assert.Contains("(override)", page.Find("[data-testid=my-oncall]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheHeadOfSupportSeesTheirDirectReports()
    {
        var head = World.People.Single(p => p.ManagerHandle is null);
        AddAuthorization().SetAuthorized(head.Name);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, head.Handle);
        var page = Render<MyShift>();

        var reports = World.People.Where(p => p.ManagerHandle == head.Handle).ToList();
        Assert.Equal(5, reports.Count);
        page.WaitForAssertion(() => Assert.All(reports, r => Assert.Contains(r.Name, page.Markup, StringComparison.Ordinal)));
        Assert.Contains("Your reports", page.Markup, StringComparison.Ordinal);
    }
}

public class MyShiftIncidentTests : ComponentTestContext
{
    [Fact]
    public async Task MyShiftShowsMyIncidentsTheUnassignedInMyRegionAndTheBreached()
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        var me = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == Portal.Shared.Admin.RegionCode.JP);
        var user = await SignInAsync(p => p.Handle == me.Handle);
        var incidents = Services.GetRequiredService<Portal.Features.Incidents.IncidentService>();
        var mine = await incidents.CreateAsync(user, new Portal.Features.Incidents.NewIncident("Mine to fix", Assignee: me.Handle, Region: "JP"), ct);
        var unassigned = await incidents.CreateAsync(user, new Portal.Features.Incidents.NewIncident("Nobody owns this", Region: "JP"), ct);
        var elsewhere = await incidents.CreateAsync(user, new Portal.Features.Incidents.NewIncident("Unassigned in Europe", Region: "EU"), ct);
        var late = await incidents.CreateAsync(user, new Portal.Features.Incidents.NewIncident("Late SEV1", Severity: Portal.Shared.Incidents.Severity.SEV1, Region: "EU"), ct);
        Clock.Advance(TimeSpan.FromMinutes(6));
        await Services.GetRequiredService<Portal.Features.Incidents.SlaBreachService>().RecordBreachesAsync(ct);

        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, me.Handle);
        var page = Render<MyShift>();

        page.WaitForAssertion(() => Assert.Contains(mine.Key, page.Find("[data-testid=my-incidents]").TextContent, StringComparison.Ordinal));
        var region = page.Find("[data-testid=unassigned-in-region]").TextContent;
        Assert.Contains(unassigned.Key, region, StringComparison.Ordinal);
        Assert.DoesNotContain(elsewhere.Key, region, StringComparison.Ordinal);
        Assert.DoesNotContain(mine.Key, region, StringComparison.Ordinal);
        Assert.Contains(late.Key, page.Find("[data-testid=breached]").TextContent, StringComparison.Ordinal);
        Assert.Contains("Unassigned in Japan", page.Markup, StringComparison.Ordinal);
    }
}
