using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.Incidents;
using Portal.Features.Rca;
using Portal.Shared.Admin;
using Portal.Shared.Rca;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Rca;

public class RcaComponentsTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public void TheWhysEditorBranchesAnAnswerIntoMoreThanOneChain()
    {
        var whys = new List<WhyNode>();
        var changes = 0;
        var editor = Render<WhysEditor>(p => p.Add(x => x.Whys, whys).Add(x => x.Changed, () => changes++));

        editor.Find("[data-testid=add-why]").Click();
        editor.Find("[data-testid=why-question]").Change("Why did payments time out?");
        editor.Find("[data-testid=why-answer]").Change("Connections were held open.");
        // Two further whys under the same answer: the chain branches.
        editor.Find("[data-testid=why-deeper]").Click();
        editor.FindAll("[data-testid=why-deeper]")[0].Click();
        var questions = editor.FindAll("[data-testid=why-question]");
        questions[1].Change("Why were connections held?");
        editor.FindAll("[data-testid=why-question]")[2].Change("Why did nothing alert?");
        editor.FindAll("[data-testid=why-deeper]")[1].Click();

        Assert.Equal("Why did payments time out?", whys[0].Question);
        Assert.Equal(["Why were connections held?", "Why did nothing alert?"], whys[0].Children.Select(c => c.Question));
        Assert.Single(whys[0].Children[0].Children);
        Assert.Equal(["0", "1", "2", "1"], editor.FindAll(".why").Select(w => w.GetAttribute("data-depth")));
        Assert.True(changes >= 6);
    }

    [Fact]
    public async Task ADraftListsItsEmptySectionsAndSubmittingSaysWhatIsMissing()
    {
        var user = await SignInAsync(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU).Handle);
        var incident = await Services.GetRequiredService<IncidentService>().CreateAsync(user, new NewIncident("Invoices late for EU", Severity: Portal.Shared.Incidents.Severity.SEV2, Service: "invoicing"), Ct);
        var rca = await Services.GetRequiredService<RcaService>().CreateAsync(user, new RcaCreate(null, [incident.Key]), Ct);
        Render<MudBlazor.MudSnackbarProvider>();

        var page = Render<RcaPage>(p => p.Add(x => x.Id, rca.Id));
        var missing = page.Find("[data-testid=missing-sections]").TextContent;
        Assert.Contains("Summary", missing, StringComparison.Ordinal);
        Assert.Contains("5 Whys", missing, StringComparison.Ordinal);
        Assert.Contains("Action items", missing, StringComparison.Ordinal);

        page.Find("[data-testid=rca-summary]").Change("EU invoices were generated 6 hours late.");
        page.WaitForAssertion(() => Assert.DoesNotContain("Summary,", page.Find("[data-testid=missing-sections]").TextContent, StringComparison.Ordinal));
        var rows = page.FindAll("[data-testid=rca-timeline] tr").Count;
        page.Find("[data-testid=timeline-at]").Change("2026-11-20T08:30:00");
        page.Find("[data-testid=timeline-text]").Change("Finance noticed the EU totals did not match.");
        page.Find("[data-testid=timeline-add]").Click();
        page.WaitForAssertion(() => Assert.Equal(rows + 1, page.FindAll("[data-testid=rca-timeline] tr").Count));
        var saved = await Services.GetRequiredService<RcaService>().GetAsync(rca.Id, Ct);
        Assert.Contains(saved.Sections.Timeline!, e => e.Text == "Finance noticed the EU totals did not match.");
        page.Find("[data-testid=rca-submit]").Click();
        page.WaitForAssertion(() => Assert.Contains("Fill these sections first: Customer impact", page.Find("[data-testid=rca-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal("Draft", page.Find("[data-testid=rca-state]").TextContent);
    }
}
