using System.Text.Json;
using Microsoft.Playwright;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>A manager writes and signs off a review; the engineer, in a second browser, sees it only after sign-off.</summary>
public sealed class TeamPagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task AManagerSignsOffAReviewAndTheEngineerSeesItOnlyThenInASecondBrowser()
    {
        var manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.MX);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, manager.Handle);

        // A review of the demo's open cycle that waits for this manager: the self-review is in.
        var cycles = JsonDocument.Parse(await (await page.APIRequest.GetAsync("/api/review-cycles")).TextAsync()).RootElement;
        var review = cycles[0].GetProperty("reviews").EnumerateArray()
            .First(r => r.GetProperty("state").GetString() == "ManagerReview" && r.GetProperty("manager").GetString() == manager.Handle);
        var id = review.GetProperty("id").GetInt32();
        var engineer = World.People.First(p => p.Handle == review.GetProperty("person").GetString());

        var (_, second, secondErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(second, engineer.Handle);
        await second.GotoAsync($"/team/reviews/{id}");
        await ShellTests.WaitForCircuitAsync(second);
        await Assertions.Expect(second.GetByTestId("manager-hidden")).ToBeVisibleAsync();

        await page.GotoAsync($"/team/reviews/{id}");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.GetByTestId("self-review")).ToContainTextAsync("Handed in");
        foreach (var competency in new[] { "OperationalExcellence", "TechnicalDepth", "IncidentLeadership", "Communication", "Mentoring" })
        {
            var rating = page.GetByTestId($"manager-rating-{competency}");
            await rating.Locator(".mud-rating-item").Nth(3).ClickAsync();
            await Assertions.Expect(rating).ToContainTextAsync("Exceeds expectations");
        }
        const string feedback = "Led the MX tax incident calmly and wrote a clear RCA. Next: mentor the new hires.";
        var text = page.GetByTestId("manager-text");
        for (var attempt = 0; attempt < 3 && await text.InputValueAsync() != feedback; attempt++)
        {
            await text.FillAsync(feedback);
        }
        await text.BlurAsync();
        await page.GetByTestId("manager-submit").ClickAsync();
        await Assertions.Expect(page.GetByTestId("review-state")).ToContainTextAsync("Awaiting sign-off");

        // Handed in is not signed off: the engineer's page (live) still hides it.
        await Assertions.Expect(second.GetByTestId("review-state")).ToContainTextAsync("Awaiting sign-off");
        await Assertions.Expect(second.GetByTestId("manager-hidden")).ToBeVisibleAsync();
        Assert.DoesNotContain(feedback, await second.ContentAsync(), StringComparison.Ordinal);

        await page.GetByTestId("review-signoff").ClickAsync();
        await Assertions.Expect(page.GetByTestId("review-state")).ToContainTextAsync("Signed off");

        // The engineer sees it arrive without reloading.
        await Assertions.Expect(second.GetByTestId("review-state")).ToContainTextAsync("Signed off");
        await Assertions.Expect(second.GetByTestId("manager-text")).ToHaveValueAsync(feedback);
        await Assertions.Expect(second.GetByTestId("manager-rating-Mentoring")).ToContainTextAsync("Exceeds expectations");
        await second.ScreenshotAsync(new() { Path = Paths.Artifacts("review-signed-off.png"), FullPage = true });

        // And it is in their history, signed off.
        await second.GotoAsync($"/team/{engineer.Handle}/reviews");
        await Assertions.Expect(second.GetByTestId("person-reviews")).ToContainTextAsync("Signed off");
        await page.GotoAsync("/team/health");
        await Assertions.Expect(page.GetByTestId("health-load")).ToContainTextAsync("max/mean");
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("team-health.png"), FullPage = true });
        Assert.Empty(errors);
        Assert.Empty(secondErrors);
    }
}
