using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Playwright;
using Portal.Shared.Demo;
using Portal.Tests.Support;

namespace Portal.E2E;

/// <summary>
/// Two portal processes on one PostgreSQL and one Redis that the fixture starts, with HAProxy in front running
/// <c>deploy/haproxy.cfg</c>: the README's "Run it at scale", with a browser.
/// </summary>
public sealed class Cluster : IAsyncLifetime
{
    private readonly PostgresServer _postgres = new();
    private IPlaywright? _playwright;

    public RedisServer Redis { get; } = new();
    public PortalProcess A { get; private set; } = null!;
    public PortalProcess B { get; private set; } = null!;
    public LoadBalancer Balancer { get; private set; } = null!;
    public IBrowser Browser { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        await _postgres.InitializeAsync();
        await Redis.StartAsync();
        var settings = new Dictionary<string, string>
        {
            ["Database__Provider"] = "Postgres",
            ["ConnectionStrings__Portal"] = await _postgres.CreateDatabaseAsync(),
            ["Live__Redis"] = Redis.ConnectionString,
        };
        // A migrates and seeds; B then finds the database ready.
        A = await PortalProcess.StartAsync(settings);
        B = await PortalProcess.StartAsync(settings);
        Balancer = await LoadBalancer.StartAsync(A.BaseUrl, B.BaseUrl);
        (_playwright, Browser) = await BrowserFixture.LaunchChromiumAsync();
    }

    public PortalProcess Node(string name) => name == "a" ? A : B;

    public async ValueTask DisposeAsync()
    {
        // Whatever started is stopped, also when starting the rest failed.
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        foreach (var started in new IAsyncDisposable?[] { Balancer, B, A })
        {
            if (started is not null)
            {
                await started.DisposeAsync();
            }
        }
        // The nodes' logs, to read when a test here failed.
        foreach (var (name, node) in new[] { ("a", A), ("b", B) })
        {
            if (node is not null)
            {
                await File.WriteAllTextAsync(Paths.Artifacts($"two-nodes-{name}.log"), node.Output);
            }
        }
        await Redis.DisposeAsync();
        await _postgres.DisposeAsync();
    }
}

public sealed class ScaleOutTests(Cluster cluster) : IClassFixture<Cluster>
{
    private const string Handle = "grace.coleman";
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<IPage> OpenQueueAsync(IBrowserContext context, string handle = Handle)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await ShellTests.SignInAsync(page, handle);
        await page.GotoAsync("/incidents");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(page.Locator("h1")).ToHaveTextAsync("Incidents");
        return page;
    }

    private static ILocator Row(IPage page, string title) => page.GetByTestId("queue").Locator("tr", new() { HasText = title });

    /// <summary>Pages the portal through one node, as a monitor would.</summary>
    private static async Task AlertAsync(PortalProcess node, string title)
    {
        using var http = new HttpClient { BaseAddress = node.BaseUrl };
        var response = await http.PostAsJsonAsync("v2/enqueue", new
        {
            routing_key = DemoWorld.MonitorKey, event_action = "trigger", dedup_key = title,
            payload = new { summary = title, source = "payments-monitor", severity = "critical" },
        }, Ct);
        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
    }

    /// <summary>Waits until both nodes' readiness reports the live feed in the given state.</summary>
    private async Task BothReportAsync(string state)
    {
        foreach (var node in new[] { cluster.A, cluster.B })
        {
            using var probe = new HttpClient { BaseAddress = node.BaseUrl };
            await Eventually.TrueAsync(async () =>
            {
                var ready = await probe.GetAsync(new Uri("/health/ready", UriKind.Relative), Ct);
                if (ready.StatusCode != HttpStatusCode.OK)
                {
                    return false;
                }
                using var report = JsonDocument.Parse(await ready.Content.ReadAsStringAsync(Ct));
                return report.RootElement.GetProperty("checks").GetProperty("live-feed").GetProperty("status").GetString() == state;
            }, seconds: 30);
        }
    }

    private static string Unique(string text) => $"{text} {Guid.NewGuid():N}"[..(text.Length + 9)];

    [Fact]
    public async Task AnAlertOnNodeBAppearsInABrowserAndAHubClientOnNodeAAndARedisOutageOnlyPausesIt()
    {
        await using var context = await cluster.Browser.NewContextAsync(new() { BaseURL = cluster.A.BaseUrl.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await OpenQueueAsync(context);

        // A script on node A listens through the live hub with its own sign-in.
        var jar = new CookieContainer();
        using (var signIn = new HttpClient(new HttpClientHandler { CookieContainer = jar, AllowAutoRedirect = false }) { BaseAddress = cluster.A.BaseUrl })
        {
            Assert.Equal(HttpStatusCode.Redirect, (await signIn.GetAsync(new Uri($"/account/demo?as={Handle}", UriKind.Relative), Ct)).StatusCode);
        }
        await using var hub = new HubConnectionBuilder().WithUrl(new Uri(cluster.A.BaseUrl, "hubs/live"), o => o.Cookies = jar).Build();
        var created = new ConcurrentQueue<string>();
        var resyncs = 0;
        hub.On<JsonElement>("incidentChanged", m =>
        {
            if (m.GetProperty("kind").GetString() == "Created")
            {
                created.Enqueue(m.GetProperty("title").GetString()!);
            }
        });
        hub.On("resync", () => Interlocked.Increment(ref resyncs));
        await hub.StartAsync(Ct);
        await hub.InvokeAsync("Subscribe", "incidents", Ct);

        var first = Unique("Card declines seen through node B");
        await AlertAsync(cluster.B, first);
        await Assertions.Expect(Row(page, first)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Eventually.TrueAsync(() => created.Contains(first));
        await page.ScreenshotAsync(new() { Path = Paths.Artifacts("two-nodes-queue.png"), FullPage = true });

        // Redis goes away: both nodes keep serving and writing, their readiness says the feed is degraded, and what B
        // commits does not reach A's hub client. (A's page may still show it: any change A makes itself, such as A's
        // processor paging for B's new incident, re-reads A's page from the database.)
        await cluster.Redis.StopAsync();
        try
        {
            await BothReportAsync("Degraded");
            var second = Unique("Refund queue stalled while Redis was away");
            await AlertAsync(cluster.B, second);
            // B has committed it (the sign-in cookie of A's script is good on B: one key ring in the database), and what
            // it publishes now is dropped, not queued. Then A's own change is the sentinel: A's hub client gets it at once.
            using (var onB = new HttpClient(new HttpClientHandler { CookieContainer = jar }) { BaseAddress = cluster.B.BaseUrl })
            {
                await Eventually.TrueAsync(async () =>
                {
                    using var page = JsonDocument.Parse(await onB.GetStringAsync(new Uri($"/api/incidents?q={Uri.EscapeDataString(second)}", UriKind.Relative), Ct));
                    return page.RootElement.GetProperty("items").GetArrayLength() == 1;
                }, seconds: 30);
            }
            var sentinel = Unique("Sentinel committed on node A");
            await AlertAsync(cluster.A, sentinel);
            await Eventually.TrueAsync(() => created.Contains(sentinel), seconds: 30);
            Assert.DoesNotContain(second, created);
            Assert.Equal(0, Volatile.Read(ref resyncs));

            // Redis returns: A's open page re-reads and shows it without a reload; the hub client is told to re-read.
            await cluster.Redis.StartAsync();
            await Assertions.Expect(Row(page, second)).ToBeVisibleAsync(new() { Timeout = 30_000 });
            await Eventually.TrueAsync(() => Volatile.Read(ref resyncs) > 0, seconds: 30);
            await Assertions.Expect(Row(page, first)).ToBeVisibleAsync();

            // And B's changes reach A live again, once B has rejoined too (what B commits before that is dropped, and
            // A is told to re-read when B announces it is back; A's re-read above may come from A's own return alone).
            await BothReportAsync("Healthy");
            var third = Unique("Payouts delayed after Redis came back");
            await AlertAsync(cluster.B, third);
            await Eventually.TrueAsync(() => created.Contains(third), seconds: 30);
            await Assertions.Expect(Row(page, third)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }
        finally
        {
            // Whatever failed above, the next test finds Redis running.
            if (!cluster.Redis.Running)
            {
                await cluster.Redis.StartAsync();
            }
        }
    }

    [Fact]
    public async Task TwoPeopleOnDifferentNodesSeeEachOtherOnAnIncidentAndEachOthersActions()
    {
        var us = DemoWorld.Generate().People.First(p => p.Region == Portal.Shared.Admin.RegionCode.US && p.Role == Portal.Shared.Team.PortalRole.Engineer);
        await using var onA = await cluster.Browser.NewContextAsync(new() { BaseURL = cluster.A.BaseUrl.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        await using var onB = await cluster.Browser.NewContextAsync(new() { BaseURL = cluster.B.BaseUrl.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var a = await OpenQueueAsync(onA);
        var title = Unique("Tax invoices missing a line");
        await AlertAsync(cluster.A, title);
        await Row(a, title).GetByTestId("incident-link").ClickAsync();
        await ShellTests.WaitForCircuitAsync(a);
        await Assertions.Expect(a.GetByTestId("incident-title")).ToContainTextAsync(title);

        // The US engineer opens it on node B: each sees the other there, across nodes.
        var b = await onB.NewPageAsync();
        b.SetDefaultTimeout(30_000);
        await ShellTests.SignInAsync(b, us.Handle);
        await b.GotoAsync(new Uri(a.Url).PathAndQuery);
        await ShellTests.WaitForCircuitAsync(b);
        await Assertions.Expect(a.GetByTestId("presence").GetByLabel(us.Name)).ToBeVisibleAsync(new() { Timeout = 15_000 });
        await Assertions.Expect(b.GetByTestId("presence")).ToContainTextAsync("Also here", new() { Timeout = 15_000 });
        await b.GetByTestId("comment-box").FillAsync("Looking at the tax service");
        await Assertions.Expect(a.GetByTestId("typing")).ToHaveTextAsync($"{us.Name} is typing a comment…", new() { Timeout = 15_000 });

        // What B does shows on A's open page.
        await b.GetByTestId("action-acknowledge").ClickAsync();
        await Assertions.Expect(b.GetByTestId("incident-status")).ToContainTextAsync("Acknowledged");
        await Assertions.Expect(a.GetByTestId("incident-status")).ToContainTextAsync("Acknowledged", new() { Timeout = 10_000 });
        await Assertions.Expect(a.GetByTestId("incident-assignee")).ToHaveTextAsync(us.Name);
        await a.ScreenshotAsync(new() { Path = Paths.Artifacts("two-nodes-presence.png"), FullPage = true });
    }

    [Fact]
    public async Task TheQueueKeepsItsPrerenderedRowsWhileItsInteractivePartStarts()
    {
        // On PostgreSQL every read is truly asynchronous, so a page that reads its rows again when its circuit starts
        // renders once without them. The queue hands its prerendered rows to the circuit instead.
        await using var context = await cluster.Browser.NewContextAsync(new() { BaseURL = cluster.A.BaseUrl.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(30_000);
        await ShellTests.SignInAsync(page, Handle);
        // Count the queue's rows at every change of the page once the server's HTML is parsed. (Not before: while the
        // parser is still inside the table, it has no rows yet.)
        await page.AddInitScriptAsync("""
            window.__queueRows = [];
            document.addEventListener('DOMContentLoaded', () => {
              const count = () => {
                const table = document.querySelector('[data-testid=queue]');
                if (table) window.__queueRows.push(table.querySelectorAll('tbody tr.mud-table-row').length);
              };
              count();
              new MutationObserver(count).observe(document, { childList: true, subtree: true });
            });
            """);
        await page.GotoAsync("/incidents?status=all");
        var rows = page.GetByTestId("queue").Locator("tbody tr.mud-table-row");
        var prerendered = await rows.CountAsync();
        Assert.True(prerendered > 1, $"the server-rendered queue should list incidents, found {prerendered}");
        await ShellTests.WaitForCircuitAsync(page);
        await Assertions.Expect(rows).ToHaveCountAsync(prerendered);
        var seen = await page.EvaluateAsync<int[]>("window.__queueRows");
        Assert.NotEmpty(seen);
        Assert.True(seen.Min() > 0, $"the table blanked while the page started: row counts seen {string.Join(",", seen)}");
    }

    [Fact]
    public async Task WhenItsNodeIsKilledABrowserMovesThroughTheLoadBalancerToTheOtherNodeAndReReads()
    {
        await using var context = await cluster.Browser.NewContextAsync(new() { BaseURL = cluster.Balancer.BaseUrl.ToString(), ViewportSize = new() { Width = 1440, Height = 900 } });
        var page = await OpenQueueAsync(context);
        var victim = await NodeCookieAsync(context);
        var survivor = victim == "a" ? "b" : "a";

        await cluster.Node(victim).KillAsync();
        try
        {
            // While the page has no server, the surviving node takes an alert.
            var title = Unique("Invoice run late after a node died");
            await AlertAsync(cluster.Node(survivor), title);

            // The page's connection drops; its reconnection goes through HAProxy to the survivor, which does not know
            // the circuit, so the page loads afresh from there: signed in still (shared keys) and showing the new row.
            await Assertions.Expect(Row(page, title)).ToBeVisibleAsync(new() { Timeout = 90_000 });
            await ShellTests.WaitForCircuitAsync(page);
            await Assertions.Expect(page.Locator("#components-reconnect-modal")).ToBeHiddenAsync();
            await Assertions.Expect(Row(page, title)).ToBeVisibleAsync();
            Assert.Equal(survivor, await NodeCookieAsync(context));
            await page.ScreenshotAsync(new() { Path = Paths.Artifacts("two-nodes-after-kill.png"), FullPage = true });

            // And it is live on its new node.
            var next = Unique("Second alert after the move");
            await AlertAsync(cluster.Node(survivor), next);
            await Assertions.Expect(Row(page, next)).ToBeVisibleAsync(new() { Timeout = 10_000 });
        }
        finally
        {
            await cluster.Node(victim).RestartAsync();
        }
    }

    private static async Task<string> NodeCookieAsync(IBrowserContext context) =>
        (await context.CookiesAsync()).Single(c => c.Name == LoadBalancer.NodeCookie).Value;
}
