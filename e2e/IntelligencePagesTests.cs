using System.Text.Json;
using Microsoft.Playwright;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>
/// The intelligence as an engineer meets it: a new incident finds a similar past one with its RCA, the triage
/// suggestion is accepted with one click, and a second engineer watching the incident sees the change live.
/// </summary>
public sealed class IntelligencePagesTests(IntelligenceBrowserFixture browser) : IClassFixture<IntelligenceBrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    /// <summary>Until the model is loaded and the demo history is embedded (the condition, polled; never a fixed wait).</summary>
    private static async Task WaitForTheIndexAsync(IPage page)
    {
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (true)
        {
            var status = JsonDocument.Parse(await (await page.Context.APIRequest.GetAsync("/api/intelligence")).TextAsync()).RootElement;
            if (status.GetProperty("state").GetString() == "Ready" && status.GetProperty("backlog").GetInt32() == 0 && status.GetProperty("embedded").GetInt32() > 0)
            {
                return;
            }
            Assert.True(DateTime.UtcNow < deadline, $"The embedding index was not ready in 3 minutes: {status}");
            await Task.Delay(250);
        }
    }

    [Fact]
    public async Task ANewIncidentShowsASimilarPastOneWithItsRcaAndAcceptedTriageReachesTheOtherEngineerLive()
    {
        var eu = World.People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
        var au = World.People.First(p => p.Region == RegionCode.AU && p.Role == PortalRole.Engineer);
        var (_, a, errorsA) = await browser.NewPageAsync();
        var (_, b, errorsB) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(a, eu.Handle);
        await ShellTests.SignInAsync(b, au.Handle);
        await WaitForTheIndexAsync(a);

        // A opens an incident the way people do in a hurry: a title, no service.
        await a.GotoAsync("/incidents");
        await ShellTests.WaitForCircuitAsync(a);
        await a.GetByTestId("new-incident").ClickAsync();
        await a.GetByTestId("new-title").FillAsync("Budget caps not enforced for Europe campaigns again");
        await a.GetByTestId("create-incident").ClickAsync();
        await Assertions.Expect(a.GetByTestId("incident-title")).ToContainTextAsync("Budget caps not enforced");
        await Assertions.Expect(a.GetByTestId("incident-service")).ToHaveTextAsync("—");
        var url = a.Url;

        // A similar past incident, with its RCA; and the triage suggestion with its neighbours.
        await Assertions.Expect(a.GetByTestId("similar-incident").First).ToBeVisibleAsync(new() { Timeout = 30_000 });
        await Assertions.Expect(a.GetByTestId("similar-incidents").GetByTestId("similar-rca").First).ToContainTextAsync("RCA:");
        await Assertions.Expect(a.GetByTestId("triage-service")).ToContainTextAsync("budgets");
        // The panels with results pass axe (the other browser tests' portals run without the model).
        Assert.Empty(await AccessibilityTests.SeriousViolationsAsync(a, "light", url));

        // B watches the same incident.
        await b.GotoAsync(url);
        await ShellTests.WaitForCircuitAsync(b);
        await Assertions.Expect(b.GetByTestId("incident-service")).ToHaveTextAsync("—");

        await a.GetByTestId("triage-accept").ClickAsync();
        await Assertions.Expect(a.GetByTestId("triage-service")).ToContainTextAsync("accepted");
        await Assertions.Expect(a.GetByTestId("incident-service")).ToHaveTextAsync("budgets");
        // B sees it without reloading, and the move is on the timeline.
        await Assertions.Expect(b.GetByTestId("incident-service")).ToHaveTextAsync("budgets", new() { Timeout = 10_000 });
        await Assertions.Expect(b.Locator(".mud-timeline").GetByText("Moved no service")).ToBeVisibleAsync();
        await a.ScreenshotAsync(new() { Path = Paths.Artifacts("incident-triage.png"), FullPage = true });

        Assert.Empty(errorsA);
        Assert.Empty(errorsB);
    }
}
