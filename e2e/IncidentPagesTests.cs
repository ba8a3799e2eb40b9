using Microsoft.Playwright;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>The live queue shared by two regions: what one engineer does, the other sees without reloading.</summary>
public sealed class IncidentPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task AnIncidentOpenedInEuropeAppearsInAmericaAndTheAcknowledgementComesBack()
    {
        var eu = World.People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
        var us = World.People.First(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);
        var (contextA, a, errorsA) = await browser.NewPageAsync();
        var (contextB, b, errorsB) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(a, eu.Handle);
        await ShellTests.SignInAsync(b, us.Handle);

        // B watches the SEV1–SEV2 queue; the filter must survive live updates.
        await b.GotoAsync("/incidents?severity=SEV1,SEV2");
        await ShellTests.WaitForCircuitAsync(b);
        await Assertions.Expect(b.Locator("h1")).ToHaveTextAsync("Incidents");

        await a.GotoAsync("/incidents");
        await ShellTests.WaitForCircuitAsync(a);
        await a.GetByTestId("new-incident").ClickAsync();
        var title = $"Invoice PDFs failing for EU advertisers {Guid.NewGuid():N}"[..48];
        await a.GetByTestId("new-title").FillAsync(title);
        var severity = a.GetByTestId("new-severity");
        await ShellTests.ChooseAsync(a, severity, "SEV2");
        // The select's text is rendered by the server: once it reads SEV2, the pick has been applied there.
        await Assertions.Expect(severity).ToHaveTextAsync("SEV2");
        await a.GetByTestId("create-incident").ClickAsync();
        await Assertions.Expect(a.GetByTestId("incident-title")).ToContainTextAsync(title);
        await Assertions.Expect(a.GetByTestId("incident-severity")).ToHaveTextAsync("SEV2");
        var key = (await a.GetByTestId("incident-title").InnerTextAsync()).Split(' ')[0];

        // B's queue shows it without a reload, highlighted, with the filter still applied.
        var row = b.GetByTestId("queue").Locator("tr", new() { HasText = key });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Assertions.Expect(row).ToHaveClassAsync(new System.Text.RegularExpressions.Regex("queue-row-new"));
        Assert.EndsWith("/incidents?severity=SEV1,SEV2", b.Url, StringComparison.Ordinal);
        // A has it open: B's row says someone is looking.
        await Assertions.Expect(row.GetByTestId("viewers")).ToContainTextAsync("1");
        await b.ScreenshotAsync(new() { Path = Paths.Artifacts("queue-live.png"), FullPage = true });

        // B opens it too: A sees B there, and sees B typing.
        await row.GetByTestId("incident-link").ClickAsync();
        await ShellTests.WaitForCircuitAsync(b);
        await Assertions.Expect(a.GetByTestId("presence")).ToContainTextAsync("Also here");
        await Assertions.Expect(a.GetByTestId("presence").GetByLabel(us.Name)).ToBeVisibleAsync();
        await b.GetByTestId("comment-box").FillAsync("Checking the PDF renderer");
        await Assertions.Expect(a.GetByTestId("typing")).ToHaveTextAsync($"{us.Name} is typing a comment…");

        // B acknowledges; A's open detail page shows who did it.
        await b.GetByTestId("action-acknowledge").ClickAsync();
        await Assertions.Expect(b.GetByTestId("incident-status")).ToContainTextAsync("Acknowledged");

        await Assertions.Expect(a.GetByTestId("incident-status")).ToContainTextAsync("Acknowledged", new() { Timeout = 10_000 });
        await Assertions.Expect(a.GetByTestId("incident-assignee")).ToHaveTextAsync(us.Name);
        await Assertions.Expect(a.GetByTestId("timeline")).ToContainTextAsync($"Acknowledged · {us.Name}");
        await a.ScreenshotAsync(new() { Path = Paths.Artifacts("incident-detail.png"), FullPage = true });

        // A, still holding the old version, tries to acknowledge too: told in words what happened.
        Assert.Equal(0, await a.GetByTestId("action-acknowledge").CountAsync());
        Assert.Empty(errorsA);
        Assert.Empty(errorsB);
    }

    [Fact]
    public async Task TheWholeQueueFitsBesideTheNavigationOnALaptopScreen()
    {
        var (_, page, _) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, World.People.First(p => p.Role == PortalRole.Engineer).Handle);
        await page.GotoAsync("/incidents?status=all");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("queue").Locator("tbody tr.mud-table-row").First).ToBeVisibleAsync();
        // 1440 × 900 with the navigation open: every column, the trigger time last, without scrolling sideways.
        var overflow = await page.EvaluateAsync<int>("(() => { const c = document.querySelector('[data-testid=queue] .mud-table-container'); return c.scrollWidth - c.clientWidth; })()");
        Assert.True(overflow <= 0, $"the queue is {overflow} px wider than its space");
    }

    [Fact]
    public async Task ACommentWithScriptRendersAsTextAndMarkdownFormats()
    {
        var person = World.People.First(p => p.Role == PortalRole.Manager);
        var (context, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, person.Handle);
        await page.GotoAsync("/incidents?status=all");
        await ShellTests.WaitForCircuitAsync(page);
        await page.GetByTestId("incident-link").First.ClickAsync();
        await ShellTests.WaitForCircuitAsync(page);

        var dialogs = 0;
        page.Dialog += (_, d) => { dialogs++; _ = d.DismissAsync(); };
        await page.GetByTestId("comment-box").FillAsync("Found it: **stuck worker** <script>alert('x')</script><img src=x onerror=alert(1)>");
        await page.GetByTestId("post-comment").ClickAsync();
        var entry = page.GetByTestId("timeline").Locator(".markdown").Last;
        await Assertions.Expect(entry.Locator("strong")).ToHaveTextAsync("stuck worker");
        await Assertions.Expect(entry).ToContainTextAsync("<script>alert('x')</script>");
        Assert.Equal(0, await entry.Locator("script, img").CountAsync());
        Assert.Equal(0, dialogs);
        Assert.Empty(errors);
    }

    [Fact]
    public async Task ASavedViewBringsBackItsFilters()
    {
        var person = World.People.First(p => p.Region == RegionCode.JP && p.Role == PortalRole.Engineer);
        var (context, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, person.Handle);
        await page.GotoAsync("/incidents?severity=SEV1,SEV2&region=JP&status=all");
        await ShellTests.WaitForCircuitAsync(page);

        var name = $"JP hot {Guid.NewGuid():N}"[..12];
        await page.GetByTestId("view-name").FillAsync(name);
        await page.GetByTestId("save-view").ClickAsync();
        var chip = page.GetByTestId("saved-view").Filter(new() { HasText = name });
        await Assertions.Expect(chip).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("queue-saved-view.png"), FullPage = true });

        // Blazor changes the address in place (no load event), so poll the address rather than wait for a navigation.
        await page.GetByTestId("filter-breached").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("breached=true"));
        // Opening a view is idempotent, so a click lost during the re-render that follows the filter is simply repeated.
        await ShellTests.ClickUntilUrlAsync(page, chip, new System.Text.RegularExpressions.Regex("^((?!breached).)*$"));
        Assert.EndsWith("/incidents?status=all&severity=SEV1,SEV2&region=JP", Uri.UnescapeDataString(page.Url), StringComparison.Ordinal);

        // Still there after a reload: it is stored, not kept in the page.
        await page.ReloadAsync();
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("saved-view").Filter(new() { HasText = name })).ToBeVisibleAsync();
        Assert.Empty(errors);
    }

    [Fact]
    public async Task AnAlertFromAMonitorOpensAnIncidentThatShowsItsAlert()
    {
        using var http = new HttpClient { BaseAddress = browser.Portal.BaseUrl };
        var dedupKey = $"e2e-{Guid.NewGuid():N}";
        for (var i = 0; i < 3; i++)
        {
            using var content = new StringContent(
                $$"""{"routing_key":"{{DemoWorld.MonitorKey}}","event_action":"trigger","dedup_key":"{{dedupKey}}","payload":{"summary":"Card authorisations failing in MX","source":"synthetics-mx","severity":"critical"} }""",
                System.Text.Encoding.UTF8, "application/json");
            using var response = await http.PostAsync(new Uri("v2/enqueue", UriKind.Relative), content, TestContext.Current.CancellationToken);
            Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        }
        var person = World.People.First(p => p.Region == RegionCode.MX && p.Role == PortalRole.Engineer);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, person.Handle);
        await page.GotoAsync("/incidents?q=Card authorisations failing in MX");
        await ShellTests.WaitForCircuitAsync(page);

        await page.GetByTestId("incident-link").First.ClickAsync();
        await ShellTests.WaitForCircuitAsync(page);

        await Assertions.Expect(page.GetByTestId("alerts")).ToContainTextAsync("3×");
        await Assertions.Expect(page.GetByTestId("fired-again")).ToContainTextAsync("fired 2 more times");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("incident-from-alert.png"), FullPage = true });
        Assert.Empty(errors);
    }
}
