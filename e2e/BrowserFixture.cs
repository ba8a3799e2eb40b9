using Microsoft.Playwright;

namespace Portal.E2E;

/// <summary>Debian's Chromium driven by Playwright, and one portal process for the test class.</summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    public const string ChromiumPath = "/usr/bin/chromium";

    private IPlaywright? _playwright;
    private readonly List<IPage> _pages = [];

    /// <summary>Saves what every open page shows, for a test that failed.</summary>
    public async Task CaptureAsync(string testName)
    {
        for (var i = 0; i < _pages.Count; i++)
        {
            if (!_pages[i].IsClosed)
            {
                await _pages[i].ScreenshotAsync(new() { Path = Paths.Artifacts($"failed-{testName}-{i}.png"), FullPage = true });
            }
        }
        _pages.Clear();
    }

    public IBrowser Browser { get; private set; } = default!;
    public PortalProcess Portal { get; private set; } = default!;

    public async ValueTask InitializeAsync()
    {
        Portal = await PortalProcess.StartAsync();
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
    public async Task<(IBrowserContext Context, IPage Page, List<string> Errors)> NewPageAsync()
    {
        var context = await Browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = Portal.BaseUrl.ToString(),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            TimezoneId = "Europe/Dublin",
        });
        var page = await context.NewPageAsync();
        _pages.Add(page);
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
