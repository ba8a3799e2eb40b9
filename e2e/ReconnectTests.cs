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
        // The new process does not know the old circuit: the page reloads itself and is live again.
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("My shift", new() { Timeout = 60_000 });
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(dialog).ToBeHiddenAsync();
        await Assertions.Expect(page.GetByTestId("my-name")).ToHaveTextAsync(person.Name);
    }
}
