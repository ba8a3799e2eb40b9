using Microsoft.Playwright;

namespace Portal.E2E;

/// <summary>Debian's Chromium driven by Playwright, and one portal process for the test class.</summary>
public class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private readonly List<IBrowserContext> _contexts = [];

    /// <summary>
    /// Ends a test: when it failed, saves what each of its pages shows; then closes the browser contexts it opened.
    /// (Contexts stay open until here, so a failing test's pages can still be photographed.)
    /// </summary>
    public async Task EndTestAsync()
    {
        var test = TestContext.Current.Test?.TestCase.TestMethod?.MethodName ?? "test";
        var failed = TestContext.Current.TestState?.Result == TestResult.Failed;
        var contexts = _contexts.ToList();
        _contexts.Clear();
        var i = 0;
        foreach (var context in contexts)
        {
            foreach (var page in context.Pages.Where(p => failed && !p.IsClosed))
            {
                await page.ScreenshotAsync(new() { Path = Paths.Artifacts($"failed-{test}-{i++}.png"), FullPage = true });
            }
            await context.DisposeAsync();
        }
    }

    public IBrowser Browser { get; private set; } = default!;
    public PortalProcess Portal { get; private set; } = default!;

    /// <summary>Settings of this fixture's portal over <see cref="PortalProcess"/>'s.</summary>
    protected virtual IDictionary<string, string>? PortalSettings => null;

    public async ValueTask InitializeAsync()
    {
        Portal = await PortalProcess.StartAsync(PortalSettings);
        (_playwright, Browser) = await LaunchChromiumAsync();
    }

    /// <summary>Debian's Chromium, headless, with the flags this closed network needs.</summary>
    public static async Task<(IPlaywright, IBrowser)> LaunchChromiumAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException($"Chromium is not installed at {ChromiumPath}. Install it: apt-get install -y chromium");
        }
        var playwright = await Playwright.CreateAsync();
        var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        });
        return (playwright, browser);
    }

    /// <summary>A fresh browser context (its own cookies) with a page that records console errors.</summary>
    public Task<(IBrowserContext Context, IPage Page, List<string> Errors)> NewPageAsync() =>
        NewPageAsync(new BrowserNewContextOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 900 } });

    /// <summary>The same on a phone: 390 × 844 CSS pixels, touch, a mobile viewport (an iPhone 12 to 15's size).</summary>
    public Task<(IBrowserContext Context, IPage Page, List<string> Errors)> NewPhonePageAsync() =>
        NewPageAsync(new BrowserNewContextOptions
        {
            ViewportSize = new ViewportSize { Width = Phone.Width, Height = Phone.Height },
            IsMobile = true,
            HasTouch = true,
            DeviceScaleFactor = 3,
        });

    public static class Phone
    {
        public const int Width = 390;
        public const int Height = 844;
    }

    private async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> NewPageAsync(BrowserNewContextOptions options)
    {
        options.BaseURL = Portal.BaseUrl.ToString();
        options.TimezoneId = "Europe/Dublin";
        var context = await Browser.NewContextAsync(options);
        _contexts.Add(context);
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(15_000);
        var errors = new List<string>();
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                lock (errors)
                {
                    errors.Add(message.Text);
                }
            }
        };
        page.PageError += (_, error) =>
        {
            lock (errors)
            {
                errors.Add(error);
            }
        };
        return (context, page, errors);
    }

    public async ValueTask DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.DisposeAsync();
        }
        _playwright?.Dispose();
        if (Portal is not null)
        {
            await Portal.DisposeAsync();
        }
    }
}

/// <summary>
/// A browser fixture whose portal has the embedding model on: the other fixtures' portals leave it off, so the suite's
/// two cores are not spent embedding the demo history in every portal that never shows a similar incident.
/// </summary>
public sealed class IntelligenceBrowserFixture : BrowserFixture
{
    protected override IDictionary<string, string>? PortalSettings => new Dictionary<string, string> { ["AI__Enabled"] = "true" };
}
