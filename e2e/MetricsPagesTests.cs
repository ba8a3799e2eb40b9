using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>A leader opens the WBR of a week of the demo world, drills into it, and exports it as Markdown.</summary>
public sealed class MetricsPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task ALeaderOpensTheWbrOfAWeekDrillsInAndExportsTheMarkdown()
    {
        var head = World.People.First(p => p.Role == PortalRole.Admin);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, head.Handle);

        await page.GotoAsync("/metrics");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("metric-incidents")).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("chart-severity")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("metrics.png"), FullPage = true });

        // Last week's WBR, then the week before it.
        await page.GetByTestId("open-wbr").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex("/metrics/wbr"));
        await Assertions.Expect(page.GetByTestId("pack-title")).ToContainTextAsync(new Regex(@"WBR \d{4}-W\d{2}"));
        await ShellTests.WaitForCircuitAsync(page);
        await page.GetByTestId("pack-previous").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/metrics/wbr\?week=\d{4}-W\d{2}$"));
        var week = Regex.Match(page.Url, @"week=(\d{4}-W\d{2})").Groups[1].Value;
        await Assertions.Expect(page.GetByTestId("pack-title")).ToHaveTextAsync($"WBR {week}");
        await Assertions.Expect(page.GetByTestId("callout").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("summary-row").First).ToContainTextAsync("Incidents");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("wbr.png"), FullPage = true });

        // Export: the Markdown pack of the same week.
        await ShellTests.WaitForCircuitAsync(page);
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-markdown").ClickAsync());
        Assert.Equal($"wbr-{week}.md", download.SuggestedFilename);
        var markdown = await File.ReadAllTextAsync(await download.PathAsync(), TestContext.Current.CancellationToken);
        Assert.StartsWith($"# WBR {week}", markdown, StringComparison.Ordinal);
        Assert.Contains("## By region", markdown, StringComparison.Ordinal);
        var incidents = Regex.Match(markdown, @"\| Incidents \| (\d+) \|").Groups[1].Value;
        Assert.NotEqual("", incidents);

        // The incidents behind the week's count are the ones the queue lists for that window.
        var summaryIncidents = page.GetByTestId("summary-row").First.Locator("a");
        await Assertions.Expect(summaryIncidents).ToHaveTextAsync(incidents);
        await summaryIncidents.ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"/incidents\?status=all&from="));
        await Assertions.Expect(page.GetByTestId("filter-window")).ToBeVisibleAsync();
        Assert.Empty(errors);
    }
}
