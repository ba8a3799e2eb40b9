using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Portal.Components.Layout;
using Portal.Features.Runbooks;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Runbooks;

public class RunbookComponentsTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task TheEditorsPreviewFollowsTheTextAndIsSafe()
    {
        await SignInAsync(p => p.Role == PortalRole.Engineer);
        Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<RunbookEditorPage>(p => p.Add(x => x.Slug, "settlement-lag"));

        Assert.Contains("Settlement batch lag", page.Find("[data-testid=runbook-title-input]").GetAttribute("value"), StringComparison.Ordinal);
        page.Find("[data-testid=runbook-body-input]").Input("## Check the acquirer\n\n- [ ] Call the **desk**\n\n<script>alert(1)</script> [x](javascript:alert(1))");
        var preview = page.Find("[data-testid=runbook-preview]");
        Assert.Contains("<h2 id=\"h-check-the-acquirer\">Check the acquirer</h2>", preview.InnerHtml, StringComparison.Ordinal);
        Assert.Contains("<strong>desk</strong>", preview.InnerHtml, StringComparison.Ordinal);
        Assert.Empty(preview.QuerySelectorAll("script"));
        Assert.DoesNotContain("javascript:", preview.InnerHtml, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SavingOverSomeoneElsesRevisionShowsTheirChangesAndWritesNothing()
    {
        var me = await SignInAsync(p => p.Role == PortalRole.Engineer);
        Render<MudBlazor.MudSnackbarProvider>();
        var page = Render<RunbookEditorPage>(p => p.Add(x => x.Slug, "fx-rate-feed-stale"));

        // Meanwhile someone else saves.
        var runbooks = Services.GetRequiredService<RunbookService>();
        var (current, _) = await runbooks.GetAsync("fx-rate-feed-stale", Ct);
        await runbooks.UpdateAsync(me, "fx-rate-feed-stale", new RunbookDocument(current.Title, current.Slug, current.Body + "\n- [ ] Page the FX provider's duty manager\n",
            current.Services, current.AlertClasses, current.Labels, current.Tags, current.Team, current.ReviewIntervalDays, current.Revision, "Provider duty manager"), Ct);

        page.Find("[data-testid=runbook-body-input]").Input(current.Body + "\nMy own change.\n");
        page.Find("[data-testid=save-runbook]").Click();
        var conflict = page.WaitForElement("[data-testid=runbook-conflict]");
        Assert.Contains("Nothing of yours was written", conflict.TextContent, StringComparison.Ordinal);
        var added = conflict.QuerySelectorAll("[data-testid=diff] tr[data-kind=Added]");
        Assert.Contains(added, row => row.TextContent.Contains("Page the FX provider's duty manager", StringComparison.Ordinal));
        var (after, _) = await runbooks.GetAsync("fx-rate-feed-stale", Ct);
        Assert.DoesNotContain("My own change", after.Body, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDiffViewMarksAddedAndRemovedLinesWithTheirNumbers()
    {
        var lines = RunbookService.Diff("one\ntwo\nthree", "one\n2\nthree\nfour");
        var view = Render<DiffView>(p => p.Add(x => x.Lines, lines));

        var rows = view.FindAll("tr");
        Assert.Equal(["Same", "Removed", "Added", "Same", "Added"], rows.Select(r => r.GetAttribute("data-kind")));
        Assert.Equal("removed", rows[1].ClassName);
        Assert.Contains("- two", rows[1].TextContent, StringComparison.Ordinal);
        Assert.Equal(("2", ""), (rows[1].Children[0].TextContent, rows[1].Children[1].TextContent));
        Assert.Equal(("", "4"), (rows[4].Children[0].TextContent, rows[4].Children[1].TextContent));
    }

    [Fact]
    public async Task TheHistoryPageDiffsTheLastTwoRevisions()
    {
        var me = await SignInAsync(p => p.Role == PortalRole.Engineer);
        await Services.GetRequiredService<ShellState>().SetMeAsync(Services, World.People.First(p => p.Role == PortalRole.Engineer).Handle);
        var runbooks = Services.GetRequiredService<RunbookService>();
        var (current, _) = await runbooks.GetAsync("negative-balances", Ct);
        await runbooks.UpdateAsync(me, "negative-balances", new RunbookDocument(current.Title, current.Slug, current.Body.Replace("50 accounts", "25 accounts", StringComparison.Ordinal),
            current.Services, current.AlertClasses, current.Labels, current.Tags, current.Team, current.ReviewIntervalDays, current.Revision, "Lower threshold"), Ct);
        Render<MudBlazor.MudSnackbarProvider>();

        var page = Render<RunbookHistoryPage>(p => p.Add(x => x.Slug, "negative-balances"));
        Assert.Equal(2, page.FindAll("[data-testid=revisions] tbody tr").Count);
        Assert.Contains(page.FindAll("[data-testid=diff] tr[data-kind=Removed]"), r => r.TextContent.Contains("50 accounts", StringComparison.Ordinal));
        Assert.Contains(page.FindAll("[data-testid=diff] tr[data-kind=Added]"), r => r.TextContent.Contains("25 accounts", StringComparison.Ordinal));
    }
}
