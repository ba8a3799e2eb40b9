using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

public sealed partial class ShellTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    private static readonly DemoWorld World = DemoWorld.Generate();

    internal static async Task WaitForCircuitAsync(IPage page) =>
        await page.Locator("[data-circuit=on]").WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Attached });

    private static async Task AssertNoErrorShownAsync(IPage page, string where)
    {
        Assert.False(await page.Locator("#blazor-error-ui").IsVisibleAsync(), $"Blazor error UI visible on {where}");
        Assert.Equal(0, await page.GetByText("This page ran into a problem").CountAsync());
    }

    internal static async Task SignInAsync(IPage page, string handle)
    {
        await page.GotoAsync("/");
        // With the anonymous circuit up, "Sign in" must still leave Blazor's router for the server's sign-in endpoint.
        await WaitForCircuitAsync(page);
        await page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true }).ClickAsync();
        // Poll the address (the click waits for its link): waiting for a navigation's load event raced on busy machines.
        await Assertions.Expect(page).ToHaveURLAsync(UrlPattern("/account/demo"));
        await page.Locator($"a[data-handle='{handle}']").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new Regex(@"^http://127\.0\.0\.1:\d+/$"));
        await WaitForCircuitAsync(page);
    }

    /// <summary>
    /// Opens a MudSelect and picks an option. A click that lands while the server re-renders the select
    /// (a page still loading its data) can be lost, so the select is clicked again until its list shows.
    /// </summary>
    internal static async Task ChooseAsync(IPage page, ILocator select, string option)
    {
        var item = page.GetByRole(AriaRole.Option, new() { Name = option, Exact = true });
        for (var attempt = 1; ; attempt++)
        {
            await select.ClickAsync();
            try
            {
                await item.WaitForAsync(new LocatorWaitForOptions { State = WaitForSelectorState.Visible, Timeout = 3_000 });
                break;
            }
            catch (TimeoutException) when (attempt < 4)
            {
                await page.Keyboard.PressAsync("Escape");
            }
        }
        await item.ClickAsync();
    }

    /// <summary>
    /// Clicks something idempotent that changes the address in place (a saved-view chip, a link) until the address
    /// matches: a click that lands while the server re-renders the element, on a busy machine, can be lost. Not for toggles.
    /// </summary>
    internal static async Task ClickUntilUrlAsync(IPage page, ILocator target, Regex url)
    {
        for (var attempt = 1; ; attempt++)
        {
            await target.ClickAsync();
            try
            {
                await Assertions.Expect(page).ToHaveURLAsync(url, new() { Timeout = 3_000 });
                return;
            }
            catch (PlaywrightException) when (attempt < 4)
            {
                // Not applied: click again.
            }
        }
    }

    private static async Task OpenUserMenuAsync(IPage page)
    {
        await page.GetByTestId("user-menu").ClickAsync();
        await Assertions.Expect(page.GetByText("Profile and API tokens")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("user-menu.png") });
    }

    private static Regex UrlPattern(string path) => new($"^http://127\\.0\\.0\\.1:\\d+{Regex.Escape(path)}");

    [Fact]
    public async Task AnAdminSignsInThroughTheDemoPageOpensEveryModuleAndSignsOut()
    {
        var admin = World.People.Single(p => p.Role == PortalRole.Admin);
        var (context, page, errors) = await browser.NewPageAsync();

        await page.GotoAsync("/account/demo");
        Assert.True(await page.GetByText("Demo sign-in is on").IsVisibleAsync());
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("demo-sign-in.png"), FullPage = true });
        await SignInAsync(page, admin.Handle);

        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My shift");
        await Assertions.Expect(page.GetByTestId("my-name")).ToHaveTextAsync(admin.Name);
        await Assertions.Expect(page.GetByTestId("regions-now").Locator("tbody tr")).ToHaveCountAsync(5);
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("my-shift.png") });

        var links = await page.Locator(".mud-navmenu a.mud-nav-link").EvaluateAllAsync<string[]>("els => els.map(e => e.getAttribute('href'))");
        var headings = new Dictionary<string, string> { ["/"] = "My shift", ["/incidents"] = "Incidents", ["/cases"] = "Advertiser cases", ["/oncall"] = "On call", ["/runbooks"] = "Runbooks", ["/rca"] = "Corrections of Error", ["/team"] = "Team", ["/metrics"] = "Metrics", ["/insights"] = "Insights", ["/automation"] = "Automation", ["/admin/services"] = "Services", ["/admin/sla"] = "SLA policies", ["/admin/case-sla"] = "Case SLAs", ["/admin/integrations"] = "Integrations", ["/admin/audit"] = "Audit log", ["/admin/intelligence"] = "Intelligence" };
        Assert.Equal(headings.Keys, links);
        foreach (var href in links)
        {
            await page.Locator($".mud-navmenu a.mud-nav-link[href='{href}']").ClickAsync();
            await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == href);
            await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync(headings[href]);
            await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            await AssertNoErrorShownAsync(page, href);
            await page.ScreenshotAsync(new() { Path = Paths.Artifacts($"page{href.Replace('/', '-')}.png"), FullPage = true });
        }
        await Assertions.Expect(page.GetByTestId("roster")).ToHaveCountAsync(0);

        await OpenUserMenuAsync(page);
        await page.GetByRole(AriaRole.Menuitem, new() { Name = "Sign out" }).ClickAsync();
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/");
        await Assertions.Expect(page.Locator(".mud-main-content").GetByRole(AriaRole.Link, new() { Name = "Sign in", Exact = true })).ToBeVisibleAsync();
        var me = await page.APIRequest.GetAsync("/api/me");
        Assert.Equal(401, me.Status);

        Assert.True(errors.Count == 0, "Browser console errors:\n" + string.Join("\n", errors));
    }

    [Fact]
    public async Task TheRosterFollowsTheRegionFilter()
    {
        var manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == Shared.Admin.RegionCode.JP);
        var (context, page, errors) = await browser.NewPageAsync();
        await SignInAsync(page, manager.Handle);

        await page.Locator(".mud-navmenu a.mud-nav-link[href='/team']").ClickAsync();
        await Assertions.Expect(page.GetByTestId("roster-count")).ToContainTextAsync($"{World.People.Count} of {World.People.Count} people");

        await ChooseAsync(page, page.Locator(".region-filter"), "JP · Japan");
        var japan = World.People.Count(p => p.Region == Shared.Admin.RegionCode.JP);
        await Assertions.Expect(page.GetByTestId("roster-count")).ToContainTextAsync($"{japan} of {World.People.Count} people in Japan");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("team-jp.png"), FullPage = true });
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AnEngineerIsToldTheyCannotOpenTheAuditLog()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        var (context, page, _) = await browser.NewPageAsync();
        await SignInAsync(page, engineer.Handle);

        Assert.Equal(0, await page.Locator(".mud-navmenu a[href='/admin/audit']").CountAsync());
        await page.GotoAsync("/admin/audit");
        await Assertions.Expect(page.GetByTestId("access-denied")).ToContainTextAsync("You do not have access");
    }

    [Fact]
    public async Task APersonCreatesATokenSeesItOnceAndRevokesIt()
    {
        var engineer = World.People.Last(p => p.Role == PortalRole.Engineer);
        var (context, page, errors) = await browser.NewPageAsync();
        await SignInAsync(page, engineer.Handle);

        await page.GotoAsync("/account/profile");
        await WaitForCircuitAsync(page);
        await page.GetByLabel("Token name").FillAsync("wallboard");
        await page.GetByTestId("create-token").ClickAsync();
        var secret = await page.GetByTestId("token-secret").InnerTextAsync();
        Assert.StartsWith("ptl_", secret, StringComparison.Ordinal);

        var withToken = await page.APIRequest.GetAsync("/api/me", new() { Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {secret}" } });
        Assert.Equal(200, withToken.Status);
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("profile-token.png"), FullPage = true });

        await page.GetByTestId("token-list").GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await page.GetByRole(AriaRole.Dialog).GetByRole(AriaRole.Button, new() { Name = "Revoke" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("token-list")).ToContainTextAsync("revoked");
        var after = await page.APIRequest.GetAsync("/api/me", new() { Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {secret}" } });
        Assert.Equal(401, after.Status);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task DarkModeIsRememberedForThePerson()
    {
        var person = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == Shared.Admin.RegionCode.MX);
        var (context, page, _) = await browser.NewPageAsync();
        await SignInAsync(page, person.Handle);

        await OpenUserMenuAsync(page);
        await page.GetByText("Dark mode").ClickAsync();
        await page.Keyboard.PressAsync("Escape");

        // A new browser (no local state) signed in as the same person gets dark mode from the server.
        // First the server must have it: the menu flips at once, the save follows.
        await Portal.Tests.Support.Eventually.TrueAsync(async () =>
        {
            var me = await page.APIRequest.GetAsync("/api/me");
            return me.Ok && (await me.TextAsync()).Contains("\"darkMode\":true", StringComparison.Ordinal);
        });
        var (context2, page2, _) = await browser.NewPageAsync();
        await SignInAsync(page2, person.Handle);
        var background = await page2.EvaluateAsync<string>("getComputedStyle(document.querySelector('.mud-main-content') ?? document.body).backgroundColor");
        var luminance = Luminance(background);
        Assert.True(luminance < 0.3, $"expected a dark background, got {background}");
        await page2.ScreenshotAsync(new() { Path = Paths.Artifacts("my-shift-dark.png") });
    }

    private static double Luminance(string rgb)
    {
        var parts = RgbNumbers().Matches(rgb).Select(m => double.Parse(m.Value, System.Globalization.CultureInfo.InvariantCulture) / 255).ToArray();
        return (0.2126 * parts[0]) + (0.7152 * parts[1]) + (0.0722 * parts[2]);
    }

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex RgbNumbers();
}
