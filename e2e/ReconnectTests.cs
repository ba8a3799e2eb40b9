using Microsoft.Playwright;
using Portal.Shared.Demo;

namespace Portal.E2E;

/// <summary>The server goes away under an open page, and comes back. Runs its own portal process.</summary>
public sealed class ReconnectTests
{
    [Fact]
    public async Task AnOpenPageShowsTheReconnectDialogAndRecoversWhenTheServerReturns()
    {
        await using var portal = await PortalProcess.StartAsync();
        var (playwright, browser) = await BrowserFixture.LaunchChromiumAsync();
        using var _ = playwright;
        await using var __ = browser;
        await using var context = await browser.NewContextAsync(new() { BaseURL = portal.BaseUrl.ToString() });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        var person = DemoWorld.Generate().People[3];
        await ShellTests.SignInAsync(page, person.Handle);

        await portal.KillAsync();
        var dialog = page.Locator("#components-reconnect-modal");
        await Assertions.Expect(dialog).ToBeVisibleAsync();
        await Assertions.Expect(dialog).ToContainTextAsync("Connection lost");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("reconnecting.png") });

        await portal.RestartAsync();
        // The new process does not know the old circuit: the next attempt is rejected and the page reloads itself.
        // (The old page's markup stays behind the dialog until then, so only the dialog closing proves recovery.)
        await Assertions.Expect(dialog).ToBeHiddenAsync(new() { Timeout = 90_000 });
        await page.WaitForLoadStateAsync(LoadState.Load);
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My shift");
        await Assertions.Expect(page.GetByTestId("my-name")).ToHaveTextAsync(person.Name);
    }
}
