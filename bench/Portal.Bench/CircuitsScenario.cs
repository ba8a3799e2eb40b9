using System.Diagnostics;
using System.Diagnostics.Tracing;
using Microsoft.Diagnostics.NETCore.Client;
using Microsoft.Diagnostics.Tracing;
using Microsoft.Diagnostics.Tracing.Parsers;
using Microsoft.Playwright;

namespace Portal.Bench;

/// <summary>
/// Server memory per open queue page: Debian's Chromium opens N signed-in <c>/incidents</c> pages (each its own
/// circuit), and the portal's managed heap is read after a forced full GC before and after. Budget (DESIGN.md): under
/// 1 MB of managed memory per circuit.
/// </summary>
internal static class CircuitsScenario
{
    private const double BudgetMb = 1.0;
    private const string Chromium = "/usr/bin/chromium";

    public static async Task<int> RunAsync(string[] args)
    {
        var pages = args.Length > 0 && int.TryParse(args[0], out var n) ? n : 50;
        // The default queue (open incidents, a dozen in the demo world); "/incidents?status=all" shows a full page of 50.
        var url = args.Length > 1 ? args[1] : "/incidents";
        // What shows the page has rendered its data: a test id (for example incident-title on /incidents/INC-1, metrics-filters on /metrics).
        var ready = args.Length > 2 ? args[2] : "incident-link";
        if (!File.Exists(Chromium))
        {
            Console.Error.WriteLine($"circuits needs Debian's Chromium at {Chromium}: apt-get install -y chromium");
            return 2;
        }
        await using var host = PortalHost.Start(new Dictionary<string, string>
        {
            // Build output serves static web assets only in Development; the demo world with its 90-day history.
            ["ASPNETCORE_ENVIRONMENT"] = "Development",
            ["RateLimits__SignInPerMinute"] = "1000",
        });
        await host.WaitUntilReadyAsync(Stopwatch.StartNew());

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new()
        {
            ExecutablePath = Chromium,
            Headless = true,
            Args = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
        });
        await using var context = await browser.NewContextAsync(new() { BaseURL = host.BaseUrl.ToString() });
        await SignInAsync(context);

        // Warm-up: a few pages opened and closed, so JIT, caches and pools are in the baseline, not in the figure.
        var warm = new List<IPage>();
        for (var i = 0; i < 5; i++)
        {
            warm.Add(await OpenPageAsync(context, url, ready));
        }
        foreach (var page in warm)
        {
            await page.CloseAsync(new() { RunBeforeUnload = true });
        }
        await Task.Delay(2000);

        var before = await ManagedHeapAfterFullGcAsync(host.ProcessId);
        await HoldAsync("before the pages open", host.ProcessId);
        var opening = Stopwatch.StartNew();
        var open = new List<IPage>();
        for (var i = 0; i < pages; i++)
        {
            open.Add(await OpenPageAsync(context, url, ready));
        }
        Console.WriteLine($"circuits: {pages} pages of {url} open, each with its circuit, in {opening.Elapsed.TotalSeconds:0.0} s");
        await Task.Delay(3000);
        var after = await ManagedHeapAfterFullGcAsync(host.ProcessId);

        var perCircuitMb = (after - before) / (double)pages / (1024 * 1024);
        Console.WriteLine($"managed heap after full GC: {before / (1024.0 * 1024):0.0} MB before, {after / (1024.0 * 1024):0.0} MB with {pages} pages open");
        Console.WriteLine($"per circuit: {perCircuitMb * 1024:0} KB");
        Verdicts.Under($"managed memory per open {url} page", perCircuitMb, BudgetMb, "MB");
        await HoldAsync($"with {pages} pages open", host.ProcessId);
        return 0;
    }

    /// <summary>
    /// BENCH_HOLD_SECONDS=N waits N seconds at this point, so that a heap snapshot can be taken of the portal
    /// (dotnet-gcdump collect -p PID) to see what a circuit keeps.
    /// </summary>
    private static async Task HoldAsync(string moment, int processId)
    {
        if (int.TryParse(Environment.GetEnvironmentVariable("BENCH_HOLD_SECONDS"), out var seconds) && seconds > 0)
        {
            Console.WriteLine($"holding {seconds} s {moment}: portal pid {processId}");
            await Task.Delay(TimeSpan.FromSeconds(seconds));
        }
    }

    private static async Task SignInAsync(IBrowserContext context)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync("/account/demo");
        await page.Locator("a[data-handle]").First.ClickAsync();
        await page.WaitForURLAsync(u => new Uri(u).AbsolutePath == "/");
        await page.CloseAsync();
    }

    /// <summary>A page with its circuit up and the element of <paramref name="ready"/> rendered.</summary>
    private static async Task<IPage> OpenPageAsync(IBrowserContext context, string url, string ready)
    {
        var page = await context.NewPageAsync();
        page.SetDefaultTimeout(60_000);
        await page.GotoAsync(url);
        await page.Locator("[data-circuit=on]").WaitForAsync(new() { State = WaitForSelectorState.Attached });
        await page.GetByTestId(ready).First.WaitForAsync();
        return page;
    }

    /// <summary>
    /// Bytes on the managed heap (all generations, large and pinned objects) right after a full blocking GC, which an
    /// EventPipe session with the GCHeapCollect keyword makes the runtime perform (as dotnet-gcdump does).
    /// </summary>
    private static async Task<long> ManagedHeapAfterFullGcAsync(int processId)
    {
        var client = new DiagnosticsClient(processId);
        var keywords = (long)(ClrTraceEventParser.Keywords.GC | ClrTraceEventParser.Keywords.GCHeapCollect);
        using var session = client.StartEventPipeSession(
            [new EventPipeProvider("Microsoft-Windows-DotNETRuntime", EventLevel.Informational, keywords)], requestRundown: false);
        using var source = new EventPipeEventSource(session.EventStream);
        var induced = -1;
        var result = new TaskCompletionSource<long>(TaskCreationOptions.RunContinuationsAsynchronously);
        source.Clr.GCStart += e =>
        {
            if (induced < 0 && e.Depth == 2 && e.Type != Microsoft.Diagnostics.Tracing.Parsers.Clr.GCType.BackgroundGC)
            {
                induced = e.Count;
            }
        };
        source.Clr.GCHeapStats += e =>
        {
            if (induced >= 0)
            {
                result.TrySetResult(e.GenerationSize0 + e.GenerationSize1 + e.GenerationSize2 + e.GenerationSize3 + e.GenerationSize4);
            }
        };
        var processing = Task.Run(source.Process);
        var bytes = await result.Task.WaitAsync(TimeSpan.FromSeconds(60));
        await session.StopAsync(CancellationToken.None);
        await processing;
        return bytes;
    }
}
