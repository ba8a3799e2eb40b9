using Microsoft.Playwright;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;

namespace Portal.E2E;

/// <summary>An advertiser writes in, an engineer in another region answers live, the advertiser reads it, rates it, and CSAT moves.</summary>
public sealed class CasePagesTests(BrowserFixture browser) : IClassFixture<BrowserFixture>, IAsyncLifetime
{
    private static readonly DemoWorld World = DemoWorld.Generate();

    public ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public async ValueTask DisposeAsync() => await browser.EndTestAsync();

    [Fact]
    public async Task AnAdvertiserWritesInAnEngineerElsewhereAnswersLiveAndTheSurveyMovesCsat()
    {
        // A Japanese engineer works the queue; the advertiser is in the United States (the demo's first).
        var jp = World.People.First(p => p.Region == RegionCode.JP && p.Role == PortalRole.Engineer);
        var advertiser = DemoAdvertisers.Generate()[0];
        var (_, engineer, engineerErrors) = await browser.NewPageAsync();
        var (_, customer, customerErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(engineer, jp.Handle);

        await PageWalker.OpenAsync(engineer, "/metrics");
        var csatBefore = await engineer.GetByTestId("case-csat").InnerTextAsync();
        await PageWalker.OpenAsync(engineer, "/cases");

        // The advertiser writes in by the form; no mail server here, so the one-time link is on screen.
        var subject = $"Charged twice for invoice {Guid.NewGuid():N}"[..40];
        await PageWalker.OpenAsync(customer, "/support");
        await customer.FillAsync("#support-email", advertiser.BillingEmails![0]);
        await customer.SelectOptionAsync("#support-category", "duplicate-charge");
        await customer.FillAsync("#support-subject", subject);
        await customer.FillAsync("#support-body", "Two debits of 1,204.50 USD this morning.");
        await customer.GetByTestId("support-submit").ClickAsync();
        await customer.GetByTestId("support-confirm-link").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("support-confirmed")).ToContainTextAsync("your question is case CASE-");
        await customer.GetByTestId("support-case-link").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("support-case-title")).ToContainTextAsync(subject);
        var caseLink = customer.Url;
        _findings.AddRange(await AccessibilityTests.SeriousViolationsAsync(customer, "light", "/support/case"));

        // The engineer's open queue shows it without a reload; they open it and reply.
        var row = engineer.GetByTestId("case-queue").Locator("tr", new() { HasText = subject });
        await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await row.GetByTestId("case-link").ClickAsync();
        await ShellTests.WaitForCircuitAsync(engineer);
        await Assertions.Expect(engineer.GetByTestId("case-title")).ToContainTextAsync(subject);
        await engineer.GetByTestId("case-composer").FillAsync("We refunded the second debit; it reaches your card in 3-5 days.");
        await engineer.GetByTestId("case-send").ClickAsync();
        await Assertions.Expect(engineer.GetByTestId("case-status")).ToContainTextAsync("Open");
        // The snackbar that says so, once faded in (mid-transition its colours are half transparent).
        await engineer.WaitForFunctionAsync("() => [...document.querySelectorAll('.mud-snackbar')].every(s => getComputedStyle(s).opacity === '1')");
        _findings.AddRange(await AccessibilityTests.SeriousViolationsAsync(engineer, "light", "/cases/{Number}"));

        // The advertiser reads the reply on their link (and no internal address).
        await customer.GotoAsync(caseLink);
        await Assertions.Expect(customer.GetByTestId("support-message").Last).ToContainTextAsync("We refunded the second debit");
        Assert.DoesNotContain("@" + DemoWorld.EmailDomain, await customer.ContentAsync(), StringComparison.Ordinal);

        // The engineer solves it; the advertiser's page offers the survey; they answer it.
        await engineer.GetByTestId("case-solve").ClickAsync();
        await Assertions.Expect(engineer.GetByTestId("case-status")).ToContainTextAsync("Solved");
        await customer.GotoAsync(caseLink);
        await customer.GetByTestId("support-survey-link").ClickAsync();
        _findings.AddRange(await AccessibilityTests.SeriousViolationsAsync(customer, "light", "/support/survey"));
        await customer.GetByTestId("survey-score-5").CheckAsync();
        await customer.FillAsync("#survey-comment", "Quick and clear.");
        await customer.GetByTestId("survey-submit").ClickAsync();
        await Assertions.Expect(customer.GetByTestId("survey-thanks")).ToBeVisibleAsync();

        // CSAT on /metrics counts the answer.
        await PageWalker.OpenAsync(engineer, "/metrics");
        await Assertions.Expect(engineer.GetByTestId("case-csat")).Not.ToHaveTextAsync(csatBefore);
        await engineer.ScreenshotAsync(new() { Path = Paths.Artifacts("case-metrics.png"), FullPage = true });
        Assert.True(_findings.Count == 0, string.Join('\n', _findings));
        Assert.Empty(engineerErrors);
        Assert.Empty(customerErrors);
    }

    [Fact]
    public async Task ACommanderLinksCasesToAnIncidentAndSendsOneUpdateToAllOfThem()
    {
        var admin = World.People.Single(p => p.Role == PortalRole.Admin);
        var (_, page, errors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(page, admin.Handle);
        var api = page.Context.APIRequest;
        var incident = await (await api.PostAsync("/api/incidents", new() { DataObject = new { title = "Duplicate card charges in the US", severity = "SEV2", service = "payments", region = "US" } })).JsonAsync();
        var key = incident!.Value.GetProperty("key").GetString()!;
        var cases = new List<string>();
        foreach (var index in new[] { 0, 5 })
        {
            var opened = await (await api.PostAsync("/api/cases", new() { DataObject = new { advertiser = DemoAdvertisers.AccountId(index), subject = "Charged twice", category = "duplicate-charge" } })).JsonAsync();
            cases.Add(opened!.Value.GetProperty("key").GetString()!);
        }
        await api.PostAsync($"/api/incidents/{key}/mitigate", new() { DataObject = new { } });

        await PageWalker.OpenAsync(page, $"/incidents/{key}");
        var panel = page.GetByTestId("incident-cases");
        foreach (var c in cases)
        {
            await panel.GetByTestId("incident-link-case").FillAsync(c);
            await panel.GetByTestId("incident-link-case-button").ClickAsync();
            await Assertions.Expect(panel.GetByTestId("incident-case").Filter(new() { HasText = c })).ToBeVisibleAsync();
        }
        await Assertions.Expect(panel.GetByTestId("incident-case-impact")).ToContainTextAsync("2 advertisers wrote in");
        await panel.GetByTestId("incident-case-update-send").ClickAsync();
        await Assertions.Expect(panel.GetByTestId("incident-case-update-sent")).ToContainTextAsync("Update sent to 2 cases");

        // The advertisers of the region who have not written in are told, once; the two who did are left out.
        var notice = page.GetByTestId("proactive-notice");
        await Assertions.Expect(notice.GetByTestId("proactive-notice-audience")).ToContainTextAsync("2 advertisers who already wrote in are left out");
        await notice.GetByTestId("proactive-notice-open").ClickAsync();
        await notice.GetByTestId("proactive-notice-send").ClickAsync();
        await Assertions.Expect(notice.GetByTestId("proactive-notice-sent")).ToContainTextAsync("Notice sent to");
        foreach (var c in cases)
        {
            await PageWalker.OpenAsync(page, $"/cases/{c}");
            await Assertions.Expect(page.GetByTestId("case-message").Last).ToContainTextAsync("is fixed on our side");
        }
        Assert.Empty(errors);
    }

    [Fact]
    public async Task TwoEngineersOnOneCaseSeeEachOtherWriteAndAQueueViewIsSaved()
    {
        var us = World.People.First(p => p.Region == RegionCode.US && p.Role == PortalRole.Engineer);
        var eu = World.People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);
        var (_, a, aErrors) = await browser.NewPageAsync();
        var (_, b, bErrors) = await browser.NewPageAsync();
        await ShellTests.SignInAsync(a, us.Handle);
        await ShellTests.SignInAsync(b, eu.Handle);
        var opened = await (await a.Context.APIRequest.PostAsync("/api/cases", new() { DataObject = new { advertiser = DemoAdvertisers.AccountId(1), subject = "Invoice looks wrong", category = "invoice-dispute" } })).JsonAsync();
        var key = opened!.Value.GetProperty("key").GetString()!;

        await PageWalker.OpenAsync(a, $"/cases/{key}");
        await ShellTests.WaitForCircuitAsync(a);
        await PageWalker.OpenAsync(b, $"/cases/{key}");
        await ShellTests.WaitForCircuitAsync(b);
        await Assertions.Expect(a.GetByTestId("presence").GetByLabel(eu.Name)).ToBeVisibleAsync();
        await b.GetByTestId("case-composer").FillAsync("Checking the invoice lines now");
        await Assertions.Expect(a.GetByTestId("typing")).ToHaveTextAsync($"{eu.Name} is writing on this case…");

        // A view of the case queue, saved under a name, is a chip on the queue from then on.
        await PageWalker.OpenAsync(a, "/cases?priority=P3&region=EU");
        await ShellTests.WaitForCircuitAsync(a);
        await a.GetByTestId("view-name").FillAsync("EU P3");
        await a.GetByTestId("save-view").ClickAsync();
        await Assertions.Expect(a.GetByTestId("saved-view")).ToHaveTextAsync("EU P3");
        await a.ScreenshotAsync(new() { Path = Paths.Artifacts("case-queue-view.png"), FullPage = true });
        Assert.Empty(aErrors);
        Assert.Empty(bErrors);
    }

    private readonly List<AccessibilityTests.Finding> _findings = [];
}
