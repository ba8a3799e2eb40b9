using Bunit;
using Portal.Features.Admin;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Admin;

public class ServiceCatalogPageTests : ComponentTestContext
{
    [Fact]
    public async Task ThePageSaysWhatATierIsAndClaimsNoPagingItDoesNotDo()
    {
        await SignInAsync(p => p.Role == PortalRole.Engineer);
        var page = Render<ServiceCatalogPage>();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=services] tbody tr")));

        // Paging follows the escalation policy; the tier does not change it, so the page must not say it does.
        Assert.DoesNotContain("pages at once", page.Markup, StringComparison.Ordinal);
        Assert.DoesNotContain("business hours", page.Markup, StringComparison.Ordinal);
        Assert.Contains("escalation policy", page.Markup, StringComparison.Ordinal);
        Assert.Contains("Tier 1", page.Markup, StringComparison.Ordinal);
    }
}
