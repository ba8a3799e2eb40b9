using System.Security.Claims;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Incidents;

public class IncidentQueueTests : ComponentTestContext
{
    private ClaimsPrincipal _user = new();

    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    private async Task<ClaimsPrincipal> SignInAsync()
    {
        var engineer = World.People.First(p => p.Role == PortalRole.Engineer);
        _user = await SignInAsync(p => p.Handle == engineer.Handle);
        return _user;
    }

    private IncidentService Incidents => Services.GetRequiredService<IncidentService>();

    private IRenderedComponent<IncidentQueuePage> RenderQueue(string url)
    {
        Render<MudBlazor.MudPopoverProvider>();
        Services.GetRequiredService<NavigationManager>().NavigateTo(url);
        return Render<IncidentQueuePage>();
    }

    private static List<string> Keys(IRenderedComponent<IncidentQueuePage> queue) =>
        [.. queue.FindAll("[data-testid=incident-link]").Select(a => a.TextContent)];

    private void TickOnce() => Clock.Advance(LiveRefresh.Tick);

    [Fact]
    public async Task TheQueueListsOpenIncidentsNewestFirst()
    {
        var user = await SignInAsync();
        var a = await Incidents.CreateAsync(user, new NewIncident("FX feed stale"), cancellationToken: Ct);
        var b = await Incidents.CreateAsync(user, new NewIncident("Ledger drift", Severity: Severity.SEV2), cancellationToken: Ct);
        var c = await Incidents.CreateAsync(user, new NewIncident("Old one"), cancellationToken: Ct);
        await Incidents.ActAsync(user, c.Number, IncidentAction.Resolve, note: "done", cancellationToken: Ct);

        var queue = RenderQueue("/incidents");
        queue.WaitForAssertion(() => Assert.Equal([b.Key, a.Key], Keys(queue)));
        Assert.Contains("Ledger drift", queue.Markup, StringComparison.Ordinal);
        // Times in the viewer's zone, named once in the header.
        Assert.Contains("Triggered (UTC)", queue.Find("[data-testid=queue] thead").TextContent, StringComparison.Ordinal);
        Assert.Contains("20 Nov 09:00", queue.Find($"tr:has(a[href='/incidents/{a.Key}'])").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LiveChangesInsertUpdateAndRemoveRowsWithoutResettingTheFilter()
    {
        var user = await SignInAsync();
        var existing = await Incidents.CreateAsync(user, new NewIncident("Existing SEV2", Severity: Severity.SEV2), cancellationToken: Ct);
        var queue = RenderQueue("/incidents?severity=SEV2");
        queue.WaitForAssertion(() => Assert.Equal([existing.Key], Keys(queue)));

        // Arrives live: inserted at the top, highlighted.
        var hints = queue.Instance.LiveHints;
        var arrived = await Incidents.CreateAsync(user, new NewIncident("Arrived live", Severity: Severity.SEV2), cancellationToken: Ct);
        var ignored = await Incidents.CreateAsync(user, new NewIncident("Not my filter", Severity: Severity.SEV4), cancellationToken: Ct);
        await WaitForHintsAsync(queue, hints + 2);
        TickOnce();
        queue.WaitForAssertion(() => Assert.Equal([arrived.Key, existing.Key], Keys(queue)));
        Assert.Contains("queue-row-new", queue.Find($"tr:has(a[href='/incidents/{arrived.Key}'])").ClassName, StringComparison.Ordinal);
        Assert.DoesNotContain(ignored.Key, Keys(queue));

        // Changed: updated in place.
        hints = queue.Instance.LiveHints;
        await Incidents.ActAsync(user, existing.Number, IncidentAction.Acknowledge, cancellationToken: Ct);
        await WaitForHintsAsync(queue, hints + 1);
        TickOnce();
        queue.WaitForAssertion(() => Assert.Contains("Acknowledged", queue.Find($"tr:has(a[href='/incidents/{existing.Key}'])").TextContent, StringComparison.Ordinal));

        // No longer matching: leaves.
        hints = queue.Instance.LiveHints;
        await Incidents.ChangeSeverityAsync(user, arrived.Number, Severity.SEV4, cancellationToken: Ct);
        await WaitForHintsAsync(queue, hints + 1);
        TickOnce();
        queue.WaitForAssertion(() => Assert.Equal([existing.Key], Keys(queue)));

        // The viewer's filter never moved.
        Assert.EndsWith("/incidents?severity=SEV2", Services.GetRequiredService<NavigationManager>().Uri, StringComparison.Ordinal);
        Assert.Equal("SEV2", queue.Find("[data-testid=filter-severity]").GetAttribute("value"));
    }

    [Fact]
    public async Task AStormOfChangesIsAppliedInOneRenderPerTick()
    {
        var user = await SignInAsync();
        var incident = await Incidents.CreateAsync(user, new NewIncident("Storm target", Severity: Severity.SEV2), cancellationToken: Ct);
        var queue = RenderQueue("/incidents");
        queue.WaitForAssertion(() => Assert.Equal([incident.Key], Keys(queue)));
        var rendersBefore = queue.Instance.OwnRenders;
        var hints = queue.Instance.LiveHints;

        for (var i = 0; i < 100; i++)
        {
            await Incidents.PostAsync(user, incident.Number, $"update {i}", cancellationToken: Ct);
        }
        await WaitForHintsAsync(queue, hints + 100);
        // A hundred changes, no tick yet: nothing rendered for them.
        Assert.Equal(rendersBefore, queue.Instance.OwnRenders);

        TickOnce();
        queue.WaitForAssertion(() => Assert.True(queue.Instance.OwnRenders > rendersBefore));
        // Anything that tick queued on the renderer has run once this no-op, queued after it, has.
        await queue.InvokeAsync(() => { });
        Assert.Equal(1, queue.Instance.OwnRenders - rendersBefore);
    }

    [Fact]
    public async Task APersonSavesTheCurrentFiltersAsAViewAndOpensOrDeletesIt()
    {
        await SignInAsync();
        var queue = RenderQueue("/incidents?severity=SEV1,SEV2&region=JP");
        queue.WaitForAssertion(() => Assert.Contains("none yet", queue.Find("[data-testid=saved-views]").TextContent, StringComparison.Ordinal));

        queue.Find("input[data-testid=view-name]").Input("JP hot");
        queue.Find("[data-testid=save-view]").Click();

        queue.WaitForAssertion(() => Assert.Equal("JP hot", queue.Find("[data-testid=saved-view]").TextContent.Trim()));
        Assert.Contains("mud-chip-filled", queue.Find("[data-testid=saved-view]").ClassName, StringComparison.Ordinal);

        // Elsewhere in the queue, the view's chip takes the person back to its filters.
        var navigation = Services.GetRequiredService<NavigationManager>();
        navigation.NavigateTo("/incidents?status=all");
        queue.WaitForAssertion(() => Assert.Contains("mud-chip-outlined", queue.Find("[data-testid=saved-view]").ClassName, StringComparison.Ordinal));
        queue.Find("[data-testid=saved-view]").Click();
        Assert.EndsWith("/incidents?severity=SEV1,SEV2&region=JP", Uri.UnescapeDataString(navigation.Uri), StringComparison.Ordinal);

        // The chip's close button deletes it.
        queue.Find("[data-testid=saved-view] + .mud-chip-close-button").Click();
        queue.WaitForAssertion(() => Assert.Empty(queue.FindAll("[data-testid=saved-view]")));
        Assert.Empty(await Services.GetRequiredService<SavedViewService>().ListAsync(_user, Ct));
    }

    [Fact]
    public async Task TheAssigneeFilterListsOnlyThatPersonsIncidents()
    {
        var user = await SignInAsync();
        var other = World.People.First(p => p.Handle != user.GetHandle());
        var theirs = await Incidents.CreateAsync(user, new NewIncident("Theirs", Assignee: other.Handle), cancellationToken: Ct);
        await Incidents.CreateAsync(user, new NewIncident("Nobody's"), cancellationToken: Ct);

        var queue = RenderQueue($"/incidents?assignee={other.Handle}");

        queue.WaitForAssertion(() => Assert.Equal([theirs.Key], Keys(queue)));
        Assert.Equal(other.Name, queue.Find("input[data-testid=filter-assignee]").GetAttribute("value"));
    }

    [Fact]
    public async Task BulkAcknowledgeReportsTheResultOfEachIncident()
    {
        var user = await SignInAsync();
        var first = await Incidents.CreateAsync(user, new NewIncident("Bulk one", Severity: Severity.SEV2), cancellationToken: Ct);
        var second = await Incidents.CreateAsync(user, new NewIncident("Bulk two", Severity: Severity.SEV2), cancellationToken: Ct);
        var queue = RenderQueue("/incidents");
        queue.WaitForAssertion(() => Assert.Equal([second.Key, first.Key], Keys(queue)));

        queue.Find($"input[aria-label='Select {first.Key}']").Change(true);
        queue.Find($"input[aria-label='Select {second.Key}']").Change(true);
        Assert.Contains("2 selected", queue.Find("[data-testid=bulk-bar]").TextContent, StringComparison.Ordinal);
        // Meanwhile someone acknowledges the second one (the page has not re-read yet).
        await Incidents.ActAsync(user, second.Number, IncidentAction.Acknowledge, cancellationToken: Ct);
        queue.FindAll("[data-testid=bulk-bar] button").Single(b => b.TextContent.Trim() == "Acknowledge").Click();

        queue.WaitForAssertion(() =>
        {
            var results = queue.Find("[data-testid=bulk-results]").TextContent;
            Assert.Contains($"{first.Key}: acknowledged", results, StringComparison.Ordinal);
            Assert.Contains($"{second.Key}: {second.Key} changed while you were looking: Acknowledged by", results, StringComparison.Ordinal);
        });
        Assert.Empty(queue.FindAll("[data-testid=bulk-bar]"));
    }

    [Fact]
    public async Task SelectAllSelectsEveryRowOnThePage()
    {
        var user = await SignInAsync();
        await Incidents.CreateAsync(user, new NewIncident("One"), cancellationToken: Ct);
        await Incidents.CreateAsync(user, new NewIncident("Two"), cancellationToken: Ct);
        var queue = RenderQueue("/incidents");
        queue.WaitForAssertion(() => Assert.Equal(2, Keys(queue).Count));

        queue.Find("[data-testid=select-all]").Change(true);

        Assert.Contains("2 selected", queue.Find("[data-testid=bulk-bar]").TextContent, StringComparison.Ordinal);
        Assert.All(queue.FindAll("[data-testid=select-row]"), box => Assert.True(box.HasAttribute("checked")));
        queue.Find("[data-testid=select-all]").Change(false);
        Assert.Empty(queue.FindAll("[data-testid=bulk-bar]"));
    }

    // The feed delivers on its own reader: wait until the page has been handed the hints, not for a while.
    private static Task WaitForHintsAsync(IRenderedComponent<IncidentQueuePage> queue, long count) =>
        Eventually.TrueAsync(() => queue.Instance.LiveHints >= count);
}
