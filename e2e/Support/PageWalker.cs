using Microsoft.Playwright;

namespace Portal.E2E;

/// <summary>
/// Visits every routable page of the portal (<see cref="AppRoutes"/>), filling a parameterised route from a link seen on an
/// earlier page: <c>/incidents/{Number}</c> from a queue row, <c>/runbooks/{Slug}/edit</c> from a runbook page.
/// </summary>
public static class PageWalker
{
    public static IReadOnlyList<AppRoute> Routes { get; } = AppRoutes.Read(Paths.PortalDll());

    public sealed record Visit(AppRoute Route, string Path);

    /// <summary>
    /// Opens each route in turn on <paramref name="page"/>, waits until it has rendered, then calls <paramref name="check"/>.
    /// Returns the routes visited and those no visited page linked to.
    /// </summary>
    public static async Task<(IReadOnlyList<Visit> Visited, IReadOnlyList<AppRoute> Unreached)> WalkAsync(
        IPage page, IEnumerable<AppRoute> routes, Func<Visit, Task> check)
    {
        var pending = routes.ToList();
        var literal = pending.Where(r => !r.HasParameters).Select(r => r.Template).ToHashSet(StringComparer.Ordinal);
        var seen = new List<string>();
        var visited = new List<Visit>();
        for (var progress = true; progress && pending.Count > 0;)
        {
            progress = false;
            foreach (var route in pending.ToList())
            {
                var path = route.HasParameters
                    ? seen.FirstOrDefault(p => !literal.Contains(p) && route.Pattern.IsMatch(p))
                    : route.Template;
                if (path is null)
                {
                    continue;
                }
                pending.Remove(route);
                progress = true;
                try
                {
                    await OpenAsync(page, path);
                }
                catch (Exception e) when (e is TimeoutException or PlaywrightException)
                {
                    throw new InvalidOperationException($"{path} ({route}) did not render: {e.Message}", e);
                }
                foreach (var link in await LinksAsync(page))
                {
                    if (!seen.Contains(link, StringComparer.Ordinal))
                    {
                        seen.Add(link);
                    }
                }
                var visit = new Visit(route, path);
                await check(visit);
                visited.Add(visit);
            }
        }
        return (visited, pending);
    }

    /// <summary>Goes to a path and waits until its page has rendered: its heading, and the circuit where the page has one.</summary>
    public static async Task OpenAsync(IPage page, string path)
    {
        await page.GotoAsync(path);
        await page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        if (await page.Locator("[data-circuit]").CountAsync() > 0)
        {
            await ShellTests.WaitForCircuitAsync(page);
        }
        await page.Locator("h1").First.WaitForAsync();
        // Tables that load after the first render show a progress bar until their data is in.
        await Assertions.Expect(page.Locator(".mud-table-loading-progress")).ToHaveCountAsync(0);
    }

    /// <summary>The same-origin paths the page links to, without query or fragment.</summary>
    private static async Task<string[]> LinksAsync(IPage page) =>
        await page.Locator("a[href]").EvaluateAllAsync<string[]>(
            "els => els.map(e => new URL(e.href, location.href)).filter(u => u.origin === location.origin).map(u => u.pathname)");
}
