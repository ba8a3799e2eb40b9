using System.Text.RegularExpressions;
using Microsoft.Playwright;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>
/// The portal on a 390 × 844 phone, as the engineer woken at 03:00 opens it: every routable page fits the screen's width
/// in both themes, the app bar keeps the bell and the account menu on screen, an incident's state and actions are on the
/// first screen, and the queue is compact rows with its filters folded away.
/// </summary>
public sealed partial class PhoneTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly int Width = BrowserFixture.Phone.Width;
    private static readonly int Height = BrowserFixture.Phone.Height;
    private static readonly string[] AppBarControls = ["notification-bell", "user-menu"];

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    private sealed record Box(double X, double Y, double Width, double Height)
    {
        public double Right => X + Width;
        public double Bottom => Y + Height;
    }

    private static async Task<Box> BoxAsync(ILocator locator)
    {
        var box = await locator.BoundingBoxAsync() ?? throw new InvalidOperationException($"{locator} is not displayed");
        return new Box(box.X, box.Y, box.Width, box.Height);
    }

    /// <summary>
    /// In light mode only: a theme changes colours, never sizes, so a second walk in dark mode measured the same widths
    /// again (and was a minute of the suite). Dark mode's colours are checked by axe in <see cref="AccessibilityTests"/>.
    /// </summary>
    [Fact]
    public async Task EveryPageFitsAPhonesWidthAndKeepsTheAppBarOnScreen()
    {
        var admin = World.People.Single(p => p.Role == PortalRole.Admin);
        var (_, page, _) = await browser.NewPhonePageAsync();
        var problems = new List<string>();
        await ShellTests.SignInAsync(page, admin.Handle);
        var (visited, unreached) = await PageWalker.WalkAsync(page, PageWalker.Routes, async visit =>
        {
            var scrollWidth = await page.EvaluateAsync<int>("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)");
            if (scrollWidth > Width)
            {
                problems.Add($"{visit.Path}: {scrollWidth} px wide, scrolls sideways by {scrollWidth - Width} px ({await WidestAsync(page)})");
            }
            // The static sign-in pages (PublicLayout) have an app bar with no controls; every other page has the bell and the menu.
            var controls = await page.Locator("[data-circuit]").CountAsync() > 0 ? AppBarControls : [];
            foreach (var id in controls)
            {
                var box = await BoxAsync(page.GetByTestId(id));
                if (box.X < 0 || box.Right > Width)
                {
                    problems.Add($"{visit.Path}: the app bar's {id} is off the screen ({box.X:0}–{box.Right:0} px)");
                }
            }
            await page.ScreenshotAsync(new() { Path = Paths.Artifacts($"phone-light{visit.Path.Replace('/', '-')}.png") });
        });
        Assert.Empty(unreached);
        Assert.Equal(PageWalker.Routes.Count, visited.Count);
        Assert.True(problems.Count == 0, string.Join('\n', problems));
    }

    /// <summary>What sticks out furthest to the right, to name in a failure.</summary>
    private static Task<string> WidestAsync(IPage page) => page.EvaluateAsync<string>("""
        () => {
          // The fixed app bar stretches with the page, and what scrolls inside its own box does not widen the page: skip both.
          const clipped = e => { for (let p = e.parentElement; p; p = p.parentElement) { if (p.matches('header') || ['auto', 'scroll', 'hidden', 'clip'].includes(getComputedStyle(p).overflowX)) return true; } return false; };
          let widest = null, right = 0;
          for (const e of document.querySelectorAll('body *')) {
            const r = e.getBoundingClientRect();
            if (r.right > right && r.width > 0 && !e.matches('header') && !clipped(e)) { right = r.right; widest = e; }
          }
          if (!widest) return 'nothing';
          const id = widest.getAttribute('data-testid');
          return `${widest.tagName.toLowerCase()}${id ? '[data-testid=' + id + ']' : ''}.${[...widest.classList].slice(0, 3).join('.')} ends at ${Math.round(right)} px`;
        }
        """);

    [Fact]
    public async Task AnIncidentShowsItsStateAndItsActionsOnThePhonesFirstScreen()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        var (_, page, _) = await browser.NewPhonePageAsync();
        await ShellTests.SignInAsync(page, engineer.Handle);
        var key = await NewIncidentAsync(page);

        await PageWalker.OpenAsync(page, $"/incidents/{key}");
        await Assertions.Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("Triggered");
        Assert.Equal(0, await page.EvaluateAsync<int>("() => window.scrollY"));
        foreach (var id in new[] { "incident-status", "incident-severity", "action-acknowledge", "action-mitigate", "action-resolve", "assign-me" })
        {
            var box = await BoxAsync(page.GetByTestId(id));
            Assert.True(box.Bottom <= Height && box.X >= 0 && box.Right <= Width, $"{id} is at {box.X:0},{box.Y:0}–{box.Right:0},{box.Bottom:0}: not on the first {Width} × {Height} screen");
        }
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("phone-incident-first-screen.png") });

        // And they work from there: acknowledge, then the state on the same first screen says so.
        await page.GetByTestId("action-acknowledge").ClickAsync();
        await Assertions.Expect(page.GetByTestId("incident-status")).ToHaveTextAsync("Acknowledged");
        Assert.True((await BoxAsync(page.GetByTestId("incident-status"))).Bottom <= Height);
    }

    [Fact]
    public async Task TheQueueOnAPhoneIsCompactRowsWithItsFiltersFoldedAway()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        var (_, page, _) = await browser.NewPhonePageAsync();
        await ShellTests.SignInAsync(page, engineer.Handle);
        await PageWalker.OpenAsync(page, "/incidents");

        // Folded: the filters are behind one button that says how many are on.
        var toggle = page.GetByTestId("filters-toggle");
        await Assertions.Expect(toggle).ToBeVisibleAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "false");
        await Assertions.Expect(page.GetByTestId("filter-status")).ToBeHiddenAsync();

        // Compact: each row is a few lines with its key, severity, status and title, and the first rows are on the first screen.
        var rows = page.GetByTestId("queue").Locator("tbody tr");
        await Assertions.Expect(rows.First).ToBeVisibleAsync();
        var count = Math.Min(5, await rows.CountAsync());
        Assert.True(count >= 3, $"the demo queue shows {count} rows");
        for (var n = 0; n < count; n++)
        {
            var row = rows.Nth(n);
            var box = await BoxAsync(row);
            Assert.True(box.Height <= 96, $"row {n + 1} is {box.Height:0} px tall");
            Assert.True(box.Right <= Width, $"row {n + 1} ends at {box.Right:0} px");
            await Assertions.Expect(row.GetByTestId("incident-link")).ToBeVisibleAsync();
            await Assertions.Expect(row.Locator("td[data-label=Title]")).ToBeVisibleAsync();
        }
        Assert.True((await BoxAsync(rows.First)).Bottom <= Height, "the first row is below the first screen");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("phone-queue.png") });

        // Unfolded on demand; the button counts a filter applied from there.
        await toggle.ClickAsync();
        await Assertions.Expect(toggle).ToHaveAttributeAsync("aria-expanded", "true");
        await Assertions.Expect(page.GetByTestId("filter-status")).ToBeVisibleAsync();
        await page.GetByTestId("filter-mine").ClickAsync();
        await Assertions.Expect(page).ToHaveURLAsync(MineFilter());
        await Assertions.Expect(toggle).ToContainTextAsync("1");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("phone-queue-filters.png") });
    }

    [GeneratedRegex("mine=true")]
    private static partial Regex MineFilter();

    /// <summary>Opens a new SEV2 incident from the queue's dialog and returns its key.</summary>
    private static async Task<string> NewIncidentAsync(IPage page)
    {
        await PageWalker.OpenAsync(page, "/incidents");
        await page.GetByTestId("new-incident").ClickAsync();
        await page.GetByTestId("new-title").FillAsync($"Card charges declined for MX advertisers {Guid.NewGuid():N}"[..50]);
        await page.GetByTestId("create-incident").ClickAsync();
        await Assertions.Expect(page.GetByTestId("incident-title")).ToContainTextAsync("Card charges declined");
        return (await page.GetByTestId("incident-title").InnerTextAsync()).Split(' ')[0];
    }
}
