using Microsoft.Playwright;
using NodaTime;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>On-call pages against a real portal: the calendar, and an override that changes who is on call now.</summary>
public sealed class OnCallPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task AManagerPutsSomeoneOnCallInTheCalendarAndOnCallNowChanges()
    {
        var manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.JP);
        var cover = World.People.Where(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.JP).ElementAt(6);
        var (context, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, manager.Handle);

        await page.Locator(".mud-navmenu a.mud-nav-link[href='/oncall']").ClickAsync();
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("On call");
        var jpRow = page.GetByTestId("oncall-now").Locator("tr", new() { HasText = DemoSchedules.RegionalName(RegionCode.JP) });
        await Assertions.Expect(jpRow).ToBeVisibleAsync();
        Assert.DoesNotContain(cover.Name, await jpRow.InnerTextAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("oncall.png"), FullPage = true });

        await jpRow.GetByRole(AriaRole.Link).ClickAsync();
        await Assertions.Expect(page.GetByTestId("schedule-name")).ToHaveTextAsync(DemoSchedules.RegionalName(RegionCode.JP));
        await Assertions.Expect(page.GetByTestId("calendar-week").Locator(".cal-block").First).ToBeVisibleAsync();

        await page.GetByTestId("new-override").ClickAsync();
        await page.GetByTestId("override-person").SelectOptionAsync(cover.Handle);
        // The form reads times in the viewer's zone (the manager's own): from this minute, for three hours.
        var now = SystemClock.Instance.GetCurrentInstant().InZone(DateTimeZoneProviders.Tzdb[manager.TimeZone]).LocalDateTime;
        await page.GetByTestId("override-start").FillAsync(now.ToString("yyyy-MM-ddTHH:mm", null));
        await page.GetByTestId("override-end").FillAsync(now.PlusHours(3).ToString("yyyy-MM-ddTHH:mm", null));
        await page.GetByTestId("override-reason").FillAsync("Covering the release");
        await page.GetByTestId("save-override").ClickAsync();

        await Assertions.Expect(page.GetByTestId("schedule-overrides")).ToContainTextAsync(cover.Name);
        await Assertions.Expect(page.Locator($".cal-block.override[data-handle='{cover.Handle}']").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("schedule-week.png"), FullPage = true });

        await page.GetByRole(AriaRole.Button, new() { Name = "Month" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("calendar-month")).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("schedule-month.png"), FullPage = true });

        await page.Locator(".mud-navmenu a.mud-nav-link[href='/oncall']").ClickAsync();
        await Assertions.Expect(jpRow.GetByTestId("oncall-person")).ToContainTextAsync(cover.Name);
        await Assertions.Expect(jpRow).ToContainTextAsync("override");
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TheFollowTheSunCalendarShowsItsGaps()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
        var (context, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, engineer.Handle);

        await page.GotoAsync("/oncall");
        await ShellTests.WaitForCircuitAsync(page);
        await page.GetByTestId("oncall-now").GetByRole(AriaRole.Link, new() { Name = DemoSchedules.FollowTheSun }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("schedule-name")).ToHaveTextAsync(DemoSchedules.FollowTheSun);
        // Weekdays have an hour or more nobody covers between the regions' business hours.
        await Assertions.Expect(page.Locator(".cal-block.gap").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("layers").Locator("tbody tr")).ToHaveCountAsync(6);
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("follow-the-sun.png"), FullPage = true });
        Assert.Empty(errors);
    }
}
