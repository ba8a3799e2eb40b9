using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Incidents;

public sealed class SavedViewTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private SavedViewService Views => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<SavedViewService>();

    private async Task<(ClaimsPrincipal A, ClaimsPrincipal B)> TwoPeopleAsync()
    {
        _portal.AnonymousClient().Dispose();
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var two = await db.People.AsNoTracking().OrderBy(p => p.Id).Take(2).ToListAsync(Ct);
        return (new ClaimsPrincipal(PortalClaims.IdentityFor(two[0])), new ClaimsPrincipal(PortalClaims.IdentityFor(two[1])));
    }

    [Fact]
    public async Task AViewIsSavedAsTheQueueAddressAndListedOnlyForItsOwner()
    {
        var (a, b) = await TwoPeopleAsync();
        var filter = new IncidentQueueFilter(Severities: [Severity.SEV1, Severity.SEV2], Region: RegionCode.EU, Breached: true);

        Assert.False(await Views.SaveAsync(a, "  EU hot  ", filter, Ct));

        var view = Assert.Single(await Views.ListAsync(a, Ct));
        Assert.Equal("EU hot", view.Name);
        Assert.Equal("/incidents?severity=SEV1,SEV2&region=EU&breached=true", Uri.UnescapeDataString(view.Url));
        Assert.Empty(await Views.ListAsync(b, Ct));
    }

    [Fact]
    public async Task SavingUnderTheSameNameReplacesTheFilters()
    {
        var (a, _) = await TwoPeopleAsync();
        await Views.SaveAsync(a, "Mine", new IncidentQueueFilter(Mine: true), Ct);

        Assert.True(await Views.SaveAsync(a, "Mine", new IncidentQueueFilter(Mine: true, Status: "all"), Ct));

        var view = Assert.Single(await Views.ListAsync(a, Ct));
        Assert.Equal("/incidents?status=all&mine=true", view.Url);
    }

    [Fact]
    public async Task BadNamesAreRefusedWithTheReasonAndNothingIsWritten()
    {
        var (a, _) = await TwoPeopleAsync();

        var empty = await Assert.ThrowsAsync<ValidationException>(() => Views.SaveAsync(a, "   ", new IncidentQueueFilter(), Ct));
        Assert.Equal("Give the view a name.", Assert.Single(empty.Errors["name"]));
        var tooLong = await Assert.ThrowsAsync<ValidationException>(() => Views.SaveAsync(a, new string('x', SavedViewService.MaxName + 1), new IncidentQueueFilter(), Ct));
        Assert.Contains("at most 60 characters", Assert.Single(tooLong.Errors["name"]), StringComparison.Ordinal);
        var hugeSearch = await Assert.ThrowsAsync<ValidationException>(() => Views.SaveAsync(a, "huge", new IncidentQueueFilter(Search: new string('q', 1200)), Ct));
        Assert.True(hugeSearch.Errors.ContainsKey("filters"));

        Assert.Empty(await Views.ListAsync(a, Ct));
    }

    [Fact]
    public async Task APersonHasAtMostThirtyViews()
    {
        var (a, _) = await TwoPeopleAsync();
        for (var i = 0; i < SavedViewService.MaxPerPerson; i++)
        {
            await Views.SaveAsync(a, $"view {i:00}", new IncidentQueueFilter(Search: $"q{i}"), Ct);
        }

        var full = await Assert.ThrowsAsync<ValidationException>(() => Views.SaveAsync(a, "one more", new IncidentQueueFilter(), Ct));
        Assert.Contains("delete one first", Assert.Single(full.Errors["name"]), StringComparison.Ordinal);
        // Replacing an existing one is still fine.
        Assert.True(await Views.SaveAsync(a, "view 00", new IncidentQueueFilter(Mine: true), Ct));
        Assert.Equal(SavedViewService.MaxPerPerson, (await Views.ListAsync(a, Ct)).Count);
    }

    [Fact]
    public async Task OnlyTheOwnerCanDeleteAView()
    {
        var (a, b) = await TwoPeopleAsync();
        await Views.SaveAsync(a, "Mine", new IncidentQueueFilter(Mine: true), Ct);
        var view = Assert.Single(await Views.ListAsync(a, Ct));

        await Assert.ThrowsAsync<NotFoundException>(() => Views.DeleteAsync(b, view.Id, Ct));
        Assert.Single(await Views.ListAsync(a, Ct));

        await Views.DeleteAsync(a, view.Id, Ct);
        Assert.Empty(await Views.ListAsync(a, Ct));
        await Assert.ThrowsAsync<NotFoundException>(() => Views.DeleteAsync(a, view.Id, Ct));
    }

    [Fact]
    public async Task EachQueueHasItsOwnViewsAndAViewOnlyEverPointsIntoItsQueue()
    {
        var (a, _) = await TwoPeopleAsync();
        var cases = new Portal.Features.Cases.CaseQueueFilter(Priorities: [Portal.Shared.Cases.CasePriority.P1], Region: RegionCode.JP,
            From: DateTimeOffset.Parse("2026-11-08T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture));
        await Views.SaveAsync(a, "Hot", new IncidentQueueFilter(Mine: true), Ct);
        Assert.False(await Views.SaveAsync(a, "Hot", SavedViewQueues.Cases, cases.ToUrl(), Ct));

        Assert.Equal("/incidents?mine=true", Assert.Single(await Views.ListAsync(a, Ct)).Url);
        var view = Assert.Single(await Views.ListAsync(a, SavedViewQueues.Cases, Ct));
        Assert.Equal("/cases?priority=P1&region=JP&from=2026-11-08T00:00:00Z", Uri.UnescapeDataString(view.Url));

        // Not another queue's address, not another site: a view is only ever a navigation within its own queue.
        foreach (var (queue, url) in new[] { (SavedViewQueues.Cases, "/incidents?mine=true"), (SavedViewQueues.Cases, "https://evil.example/cases"),
            (SavedViewQueues.Cases, "//evil.example/cases?x=1"), ("admin", "/admin?x=1") })
        {
            var refused = await Assert.ThrowsAsync<ValidationException>(() => Views.SaveAsync(a, "Bad", queue, url, Ct));
            Assert.True(refused.Errors.ContainsKey("filters"), url);
        }
        Assert.Single(await Views.ListAsync(a, SavedViewQueues.Cases, Ct));
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
