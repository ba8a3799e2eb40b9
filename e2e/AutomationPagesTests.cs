using System.Text.Json;
using Microsoft.Playwright;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>
/// Automation in real browsers against the demo billing service: an engineer runs an action from a runbook step (a
/// dry-run first), asks for the run, a manager approves it in another browser, and both watch it go on the timeline.
/// </summary>
public sealed class AutomationPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task AnEngineerAsksFromARunbookStepAManagerApprovesAndBothSeeItRunLive()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
        var manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.EU);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, engineer.Handle);
        var created = await page.APIRequest.PostAsync("/api/incidents", new()
        {
            DataObject = new { title = "Settlement batch 48213 stuck for EU", service = "payments", severity = "SEV3" },
        });
        var key = JsonDocument.Parse(await created.TextAsync()).RootElement.GetProperty("key").GetString()!;

        // From the runbook, working the incident: the step that says "Run:" leads to the action.
        await page.GotoAsync($"/runbooks/settlement-lag?incident={key}");
        await ShellTests.WaitForCircuitAsync(page);
        await page.GetByTestId("step-action").ClickAsync();
        await Assertions.Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Replay a stuck settlement batch" })).ToBeVisibleAsync();
        await ShellTests.WaitForCircuitAsync(page);
        await page.Locator("input[data-testid='automation-input-batch'], [data-testid='automation-input-batch'] input").FillAsync("48213");

        // A dry-run shows exactly what would be sent, and sends nothing.
        await page.GetByTestId("automation-dry-run").ClickAsync();
        var dryRun = page.GetByTestId("automation-run").First;
        await Assertions.Expect(dryRun).ToContainTextAsync("dry-run");
        await dryRun.Locator("summary").ClickAsync();
        await Assertions.Expect(dryRun.GetByTestId("automation-preview")).ToContainTextAsync("/demo/billing/settlements/48213/replay");

        // For real: a medium-risk replay waits for someone else's approval.
        await page.GetByTestId("automation-run-request").ClickAsync();
        var waiting = page.Locator("[data-testid='automation-run'][data-state='AwaitingApproval']");
        await Assertions.Expect(waiting).ToHaveCountAsync(1);
        var run = await waiting.GetAttributeAsync("data-run");
        await Assertions.Expect(waiting.GetByTestId("automation-approve")).ToHaveCountAsync(0);

        // Both watch the incident; the manager approves from its automation panel.
        await page.GotoAsync($"/incidents/{key}");
        await ShellTests.WaitForCircuitAsync(page);
        var (_, approver, approverErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(approver, manager.Handle);
        await approver.GotoAsync($"/incidents/{key}");
        await ShellTests.WaitForCircuitAsync(approver);
        await Assertions.Expect(approver.GetByText($"Automation: run {run} awaiting approval")).ToBeVisibleAsync();
        await approver.GetByTestId("automation-approve").ClickAsync();

        // The run goes through on both timelines without a reload: queued, dispatched, running, succeeded, verified.
        foreach (var watcher in new[] { page, approver })
        {
            await Assertions.Expect(watcher.GetByText($"Automation: run {run} running")).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(watcher.GetByText($"Automation: run {run} succeeded").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Assertions.Expect(watcher.GetByText("Verified: GET").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        }
        await Assertions.Expect(page.GetByText($"Approved by {manager.Name}").First).ToBeVisibleAsync();
        Assert.Empty(errors);
        Assert.Empty(approverErrors);
    }
}
