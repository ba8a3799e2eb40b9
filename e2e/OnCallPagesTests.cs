using System.Text.Json;
using System.Text.RegularExpressions;
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

    [Fact]
    public async Task AnEngineerAsksForCoverAndTheTeammateAcceptsInAnotherBrowserThenAManagerApproves()
    {
        // Someone on call now on a regional schedule for at least the next 45 minutes, and a teammate to ask.
        var (_, lookup, _) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(lookup, World.People.First(p => p.Role == PortalRole.Admin).Handle);
        var rows = JsonDocument.Parse(await (await lookup.APIRequest.GetAsync("/api/oncall")).TextAsync()).RootElement;
        var now = DateTimeOffset.UtcNow;
        var pick = rows.EnumerateArray()
            .Where(r => r.GetProperty("team").ValueKind == JsonValueKind.String && r.GetProperty("person").ValueKind == JsonValueKind.Object)
            .Select(r => (Schedule: r.GetProperty("scheduleId").GetInt32(), Team: r.GetProperty("team").GetString()!,
                Handle: r.GetProperty("person").GetProperty("handle").GetString()!, Until: r.GetProperty("person").GetProperty("until").GetDateTimeOffset()))
            .First(r => r.Until - now > TimeSpan.FromMinutes(45) && World.People.Any(p => p.Handle == r.Handle && p.Role == PortalRole.Engineer));
        var requester = World.People.Single(p => p.Handle == pick.Handle);
        var teammate = World.People.First(p => p.TeamSlug == pick.Team && p.Role == PortalRole.Engineer && p.Handle != requester.Handle);

        var (_, coverPage, coverErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(coverPage, teammate.Handle);
        await coverPage.GotoAsync("/oncall");
        await ShellTests.WaitForCircuitAsync(coverPage);

        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, requester.Handle);
        await page.GotoAsync($"/oncall/schedules/{pick.Schedule}");
        await ShellTests.WaitForCircuitAsync(page);
        await page.GetByTestId("new-swap").ClickAsync();
        await page.GetByTestId("swap-cover").SelectOptionAsync(teammate.Handle);
        // The form reads times in the requester's own zone.
        var zone = DateTimeZoneProviders.Tzdb[requester.TimeZone];
        var start = Instant.FromDateTimeOffset(now.AddMinutes(2)).InZone(zone).LocalDateTime;
        var end = Instant.FromDateTimeOffset(Min(pick.Until.AddMinutes(-1), now.AddMinutes(60))).InZone(zone).LocalDateTime;
        await page.GetByTestId("override-start").FillAsync(start.ToString("yyyy-MM-ddTHH:mm", null));
        await page.GetByTestId("override-end").FillAsync(end.ToString("yyyy-MM-ddTHH:mm", null));
        await page.GetByTestId("override-reason").FillAsync("School run");
        await page.GetByTestId("request-swap").ClickAsync();
        await Assertions.Expect(page.Locator(".mud-snackbar")).ToContainTextAsync($"Asked {teammate.Name} to cover you");

        // The teammate's page shows the request by itself, with a toast, and they accept it there.
        var request = coverPage.GetByTestId("swaps").Locator("tr[data-state='Requested']", new() { HasText = requester.Name });
        await Assertions.Expect(request).ToBeVisibleAsync();
        await Assertions.Expect(coverPage.Locator(".mud-snackbar")).ToContainTextAsync($"{requester.Name} asks you to cover");
        await coverPage.ScreenshotAsync(new() { Path = Paths.Artifacts("swap-request.png"), FullPage = true });
        await request.GetByTestId("accept-swap").ClickAsync();
        // The demo's regional schedules want a manager's approval (an admin may give it) before the swap takes effect.
        await Assertions.Expect(coverPage.GetByTestId("swaps").Locator("tr[data-state='AwaitingApproval']", new() { HasText = requester.Name })).ToBeVisibleAsync();
        await lookup.GotoAsync("/oncall");
        await ShellTests.WaitForCircuitAsync(lookup);
        await lookup.GetByTestId("swaps").Locator("tr[data-state='AwaitingApproval']", new() { HasText = requester.Name }).GetByTestId("approve-swap").ClickAsync();
        await Assertions.Expect(coverPage.GetByTestId("swaps").Locator("tr[data-state='Accepted']", new() { HasText = requester.Name })).ToBeVisibleAsync();

        // The requester's calendar shows the override without a reload, and the bell says there is news.
        await Assertions.Expect(page.Locator($".cal-block.override[data-handle='{teammate.Handle}']").First).ToBeVisibleAsync();
        await Assertions.Expect(page.GetByTestId("notification-bell")).ToHaveAttributeAsync("title", new Regex(@"unread"));
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("swap-accepted.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(coverErrors);
    }

    [Fact]
    public async Task TheDemoWorldPagesHandsOverAndTellsPeople()
    {
        var (_, page, errors) = await browser.NewPageAsync();
        var admin = World.People.First(p => p.Role == PortalRole.Admin);
        await ShellTests.SignInAsync(page, admin.Handle);

        await page.GotoAsync("/oncall/escalation-policies");
        await Assertions.Expect(page.GetByTestId("policy")).ToHaveCountAsync(World.Teams.Count);
        await Assertions.Expect(page.GetByTestId("policy").First).ToContainTextAsync("whoever is on call for Billing Support");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("escalation-policies.png"), FullPage = true });
        await page.GetByTestId("policy").First.GetByRole(AriaRole.Link, new() { Name = "Edit" }).ClickAsync();
        await Assertions.Expect(page.GetByTestId("editor-text")).ToHaveValueAsync(new Regex("\"delayMinutes\": 15"));
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("policy-editor.png"), FullPage = true });

        // A triggered incident of the history shows where its escalation stands.
        var open = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/incidents?status=Triggered&limit=1")).TextAsync()).RootElement.GetProperty("items");
        var key = open[0].GetProperty("key").GetString();
        await page.GotoAsync($"/incidents/{key}");
        await Assertions.Expect(page.GetByTestId("escalation")).ToContainTextAsync("escalation");
        await Assertions.Expect(page.GetByText("Level 1 paged").First).ToBeVisibleAsync();
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("incident-escalation.png"), FullPage = true });

        // The engineer the demo's pending swap asks sees it in the notification centre.
        var jpEngineers = World.People.Where(p => p.Region == RegionCode.JP && p.Role == PortalRole.Engineer).ToList();
        IPage? asked = null;
        foreach (var engineer in jpEngineers)
        {
            var (_, candidate, _) = await browser.NewPageAsync();
            await ShellTests.SignInAsync(candidate, engineer.Handle);
            var swaps = JsonDocument.Parse(await (await candidate.APIRequest.GetAsync("/api/swaps")).TextAsync()).RootElement;
            if (swaps.EnumerateArray().Any(s => s.GetProperty("canAnswer").GetBoolean()))
            {
                asked = candidate;
                break;
            }
        }
        Assert.NotNull(asked);
        await asked.GotoAsync("/notifications");
        await Assertions.Expect(asked.GetByTestId("notifications").Locator("tr[data-kind='Swap']").First).ToContainTextAsync("asks you to cover");
        await asked.ScreenshotAsync(new() { Path = Paths.Artifacts("notifications.png"), FullPage = true });

        // Someone on call now finds their handoff drafted on My shift.
        var rows = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/oncall")).TextAsync()).RootElement;
        var onCall = rows.EnumerateArray().Where(r => r.GetProperty("person").ValueKind == JsonValueKind.Object)
            .Select(r => r.GetProperty("person").GetProperty("handle").GetString()!).First(h => World.People.Any(p => p.Handle == h && p.Role == PortalRole.Engineer));
        var (_, mine, mineErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(mine, onCall);
        await Assertions.Expect(mine.GetByTestId("handoff-body").First).ToHaveValueAsync(new Regex(@"Open incidents \(\d+\)"));
        await mine.ScreenshotAsync(new() { Path = Paths.Artifacts("handoff.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(mineErrors);
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
