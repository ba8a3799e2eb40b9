using System.Text.Json;
using Microsoft.Playwright;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>Runbooks in a real browser: found from an incident, followed, ticked, and the tick seen by someone else.</summary>
public sealed class RunbookPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task FromAnIncidentAnEngineerTicksARunbookStepAndATeammateSeesItOnTheTimeline()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.US);
        var teammate = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.US).ElementAt(1);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, engineer.Handle);
        var created = await page.APIRequest.PostAsync("/api/incidents", new()
        {
            DataObject = new { title = "Settlement batch lag above 95 minutes", service = "payments", severity = "SEV2" },
        });
        var key = JsonDocument.Parse(await created.TextAsync()).RootElement.GetProperty("key").GetString()!;

        // The teammate watches the incident.
        var (_, watcher, watcherErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(watcher, teammate.Handle);
        await watcher.GotoAsync($"/incidents/{key}");
        await ShellTests.WaitForCircuitAsync(watcher);

        await page.GotoAsync($"/incidents/{key}");
        await ShellTests.WaitForCircuitAsync(page);
        var suggestion = page.GetByTestId("suggested-runbooks").Locator("[data-slug='settlement-lag']");
        await Assertions.Expect(suggestion).ToContainTextAsync("written for payments");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("incident-runbooks.png"), FullPage = true });
        await suggestion.GetByTestId("runbook-link").ClickAsync();

        await Assertions.Expect(page.GetByTestId("runbook-title")).ToHaveTextAsync("Settlement batch lag");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("incident-context")).ToContainTextAsync(key);
        var step = page.GetByTestId("steps").Locator("[data-step='2']");
        await step.Locator("input[type=checkbox]").CheckAsync();
        await Assertions.Expect(step).ToHaveAttributeAsync("data-done", "true");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("runbook.png"), FullPage = true });

        await Assertions.Expect(watcher.GetByText($"Step 2 'Drain settlement workers stuck on a lock", new() { Exact = false }).First).ToBeVisibleAsync();
        await Assertions.Expect(watcher.GetByText($"done by {engineer.Name}", new() { Exact = false }).First).ToBeVisibleAsync();
        await watcher.ScreenshotAsync(new() { Path = Paths.Artifacts("incident-runbook-tick.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(watcherErrors);
    }

    [Fact]
    public async Task SearchFindsARunbookAndTheEditorPreviewsIt()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.MX);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, engineer.Handle);
        await page.Locator(".mud-navmenu a.mud-nav-link[href='/runbooks']").ClickAsync();
        await ShellTests.WaitForCircuitAsync(page);
        await page.GetByTestId("runbook-search").FillAsync("charged twice");
        await page.GetByTestId("runbook-search").PressAsync("Enter");
        var first = page.GetByTestId("runbooks").Locator("tbody tr").First;
        await Assertions.Expect(first).ToHaveAttributeAsync("data-slug", "duplicate-charges");
        await Assertions.Expect(first.Locator("mark").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("runbooks-search.png"), FullPage = true });

        await first.GetByRole(AriaRole.Link).ClickAsync();
        await page.GetByTestId("edit-runbook").ClickAsync();
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("runbook-title-input")).ToHaveValueAsync("Duplicate charges");
        // Typing before the page's interactive render is wired up is lost on a busy machine: type again until the preview follows.
        var heading = page.GetByTestId("runbook-preview").Locator("h2", new() { HasText = "Added by the browser test" });
        for (var attempt = 0; attempt < 5 && !await heading.IsVisibleAsync(); attempt++)
        {
            await page.GetByTestId("runbook-body-input").FillAsync("## Added by the browser test\n\n- [ ] A new step");
            await page.WaitForTimeoutAsync(500);
        }
        await Assertions.Expect(heading).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("runbook-editor.png"), FullPage = true });

        // Commands in code blocks get a copy button.
        await page.GotoAsync("/runbooks/invoice-generation-backlog");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator(".runbook-body pre .copy-code").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("toc")).ToContainTextAsync("Escalate");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("runbook-read.png"), FullPage = true });
        Assert.Empty(errors);
    }
}
