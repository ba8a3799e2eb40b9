using System.Text;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>
/// axe-core's WCAG 2.1 A and AA rules on every routable page (found from the portal's routes), signed out and signed in,
/// in light mode; in dark mode the rules that depend on colour (the markup, names and roles are the same in both themes,
/// and re-checking them doubled the suite's slowest test): no serious or critical violation anywhere.
/// </summary>
public sealed class AccessibilityTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly string[] Tags = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"];
    private static readonly string[] Blocking = ["serious", "critical"];
    private static readonly string[] ColourRules = ["color-contrast", "link-in-text-block"];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    internal sealed record Finding(string Theme, string Path, string Rule, string Impact, string Target, string Html, string Summary);

    [Fact]
    public async Task EveryPageHasNoSeriousOrCriticalViolationInLightAndDarkMode()
    {
        var admin = World.People.Single(p => p.Role == PortalRole.Admin);
        var findings = new List<Finding>();
        var counts = new List<(string Theme, string Path, int Count)>();
        var (_, page, _) = await browser.NewPageAsync();

        // Signed out: the pages anyone can open.
        var open = PageWalker.Routes.Where(r => !r.NeedsSignIn).ToList();
        var (anonymous, _) = await PageWalker.WalkAsync(page, open, visit => CheckAsync(page, "signed out", visit, findings, counts));
        Assert.NotEmpty(anonymous);

        await ShellTests.SignInAsync(page, admin.Handle);
        foreach (var theme in new[] { "light", "dark" })
        {
            if (theme == "dark")
            {
                // The account menu, open (popovers are not part of a page as it loads), then dark mode from it.
                var item = page.GetByRole(AriaRole.Menuitem, new() { Name = "Dark mode" });
                await page.GetByTestId("user-menu").ClickAsync();
                await Assertions.Expect(item).ToBeVisibleAsync();
                // Once it has faded in: mid-transition its text is half transparent.
                await page.WaitForFunctionAsync("() => [...document.querySelectorAll('.mud-popover-open')].every(p => getComputedStyle(p).opacity === '1')");
                findings.AddRange(await SeriousViolationsAsync(page, "light", "account menu, open"));
                await item.ClickAsync();
                await Assertions.Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Light mode" })).ToBeVisibleAsync();
            }
            var (visited, unreached) = await PageWalker.WalkAsync(page, PageWalker.Routes, visit => CheckAsync(page, theme, visit, findings, counts));
            Assert.True(unreached.Count == 0, $"No page links to: {string.Join(", ", unreached)}");
            Assert.Equal(PageWalker.Routes.Count, visited.Count);
        }

        await File.WriteAllTextAsync(Paths.Artifacts("axe-report.md"), Report(counts, findings), TestContext.Current.CancellationToken);
        Assert.True(findings.Count == 0, $"{findings.Count} serious or critical axe violations:\n" + string.Join('\n', findings.Take(60)));
    }

    /// <summary>The serious and critical WCAG 2.1 A/AA violations on the page as it is now, one per element.</summary>
    internal static async Task<List<Finding>> SeriousViolationsAsync(IPage page, string theme, string path)
    {
        var rules = theme == "dark" ? new RunOnlyOptions { Type = "rule", Values = [.. ColourRules] } : new RunOnlyOptions { Type = "tag", Values = [.. Tags] };
        var result = await page.RunAxe(new AxeRunOptions { RunOnly = rules });
        return [.. result.Violations
            .Where(v => Blocking.Contains(v.Impact))
            .SelectMany(v => v.Nodes.Select(n => new Finding(theme, path, v.Id, v.Impact, n.Target?.ToString() ?? "", n.Html ?? "", string.Join("; ", n.Any.Concat(n.All).Concat(n.None).Select(c => c.Message)))))];
    }

    private static async Task CheckAsync(IPage page, string theme, PageWalker.Visit visit, List<Finding> findings, List<(string, string, int)> counts)
    {
        var found = await SeriousViolationsAsync(page, theme, visit.Path);
        findings.AddRange(found);
        counts.Add((theme, visit.Path, found.Count));
        // Every page at 1440 px in each theme, to look at (and, when axe found something, to see where).
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts($"desktop-{theme.Replace(' ', '-')}{visit.Path.Replace('/', '-')}.png"), FullPage = true });
    }

    internal static async Task SwitchToDarkModeAsync(IPage page)
    {
        await page.GetByTestId("user-menu").ClickAsync();
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Dark mode" }).ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Menuitem, new() { Name = "Light mode" })).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Escape");
    }

    private static string Report(List<(string Theme, string Path, int Count)> counts, List<Finding> findings)
    {
        var text = new StringBuilder("| theme | page | serious or critical |\n|---|---|---|\n");
        foreach (var (theme, path, count) in counts)
        {
            text.Append($"| {theme} | {path} | {count} |\n");
        }
        text.Append("\n| theme | page | rule | impact | target | html | summary |\n|---|---|---|---|---|---|---|\n");
        foreach (var f in findings)
        {
            text.Append($"| {f.Theme} | {f.Path} | {f.Rule} | {f.Impact} | `{f.Target}` | `{f.Html.ReplaceLineEndings(" ")}` | {f.Summary.ReplaceLineEndings(" ")} |\n");
        }
        return text.ToString();
    }
}
