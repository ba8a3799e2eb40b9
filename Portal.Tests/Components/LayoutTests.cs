using Bunit;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Authorization.Infrastructure;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.Http;
using Portal.Components.Layout;
using Portal.Features.Account;
using Portal.Infrastructure.Auth;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Components;

public class LayoutTests : ComponentTestContext
{
    private void SignInAs(string handle, PortalRole role, int id = 1)
    {
        var auth = AddAuthorization();
        auth.SetAuthorized(handle);
        auth.SetClaims(
            new(PortalClaims.PersonId, id.ToString(System.Globalization.CultureInfo.InvariantCulture)),
            new(PortalClaims.Handle, handle),
            new(PortalClaims.Role, role.ToString()));
        UseRealPolicies();
    }

    // bUnit's fake authorization passes any policy it is told to; the real service tests PortalPolicies itself.
    private void UseRealPolicies()
    {
        Services.AddSingleton<IAuthorizationPolicyProvider, DefaultAuthorizationPolicyProvider>();
        Services.AddSingleton<IAuthorizationService, DefaultAuthorizationService>();
        Services.AddSingleton<IAuthorizationHandlerProvider, DefaultAuthorizationHandlerProvider>();
        Services.AddSingleton<IAuthorizationHandler, PassThroughAuthorizationHandler>();
        Services.AddSingleton<IAuthorizationEvaluator, DefaultAuthorizationEvaluator>();
        Services.AddSingleton<IAuthorizationHandlerContextFactory, DefaultAuthorizationHandlerContextFactory>();
        PortalPolicies.Add(new AuthorizationBuilder(Services));
    }

    private static string[] NavLinks(IRenderedComponent<NavMenu> menu) =>
        [.. menu.FindAll("a.mud-nav-link").Select(a => a.GetAttribute("href") ?? "")];

    [Fact]
    public void AnEngineerSeesTheModulesButNotAdmin()
    {
        SignInAs("someone", PortalRole.Engineer);
        var menu = Render<NavMenu>();

        Assert.Equal(["/", "/incidents", "/cases", "/oncall", "/runbooks", "/rca", "/team", "/metrics", "/insights", "/automation", "/admin/services", "/admin/sla", "/admin/case-sla"], NavLinks(menu));
        Assert.DoesNotContain("Audit log", menu.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void AnAdminAlsoSeesTheAuditLog()
    {
        SignInAs("grace.coleman", PortalRole.Admin);
        var menu = Render<NavMenu>();

        Assert.Equal(["/", "/incidents", "/cases", "/oncall", "/runbooks", "/rca", "/team", "/metrics", "/insights", "/automation", "/admin/services", "/admin/sla", "/admin/case-sla", "/admin/integrations", "/admin/audit", "/admin/intelligence"], NavLinks(menu));
    }

    [Fact]
    public void SomeoneSignedOutIsOfferedSignInOnly()
    {
        AddAuthorization();
        UseRealPolicies();
        var menu = Render<NavMenu>();
        Assert.Equal(["/", "/account/signin"], NavLinks(menu));
    }

    [Fact]
    public void TheLayoutShowsNavigationAndTheSignedInPersonsMenu()
    {
        var admin = World.People.Single(p => p.Role == PortalRole.Admin);
        SignInAs(admin.Handle, PortalRole.Admin, id: 1);
        SetRendererInfo(new RendererInfo("Server", isInteractive: true));
        var layout = Render<MainLayout>(p => p.Add(l => l.Body, (RenderFragment)(b => b.AddContent(0, "page body"))));

        layout.WaitForAssertion(() => Assert.Contains("title=\"" + admin.Name + "\"", layout.Markup, StringComparison.Ordinal));
        Assert.Contains("href=\"/admin/audit\"", layout.Markup, StringComparison.Ordinal);
        Assert.Contains("page body", layout.Markup, StringComparison.Ordinal);
        Assert.Contains("Region filter", layout.Markup, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDemoBannerShowsWhileDemoSignInIsOn()
    {
        var banner = Render<DemoBanner>();
        Assert.Contains("Demo sign-in is on", banner.Find("[data-testid=demo-banner]").TextContent, StringComparison.Ordinal);
    }

    [Fact]
    public void TheDemoSignInPageListsPeopleGroupedByTeam()
    {
        var page = Render<CascadingValue<HttpContext>>(p => p
            .Add(c => c.Value, new DefaultHttpContext())
            .AddChildContent<DemoSignInPage>());

        page.WaitForAssertion(() => Assert.Equal(6, page.FindAll("[data-testid=demo-team]").Count));
        var groups = page.FindAll("[data-testid=demo-team]");
        foreach (var team in World.Teams)
        {
            var group = groups.Single(g => g.QuerySelector("h2")!.TextContent == team.Name);
            var handles = group.QuerySelectorAll("a[data-handle]").Select(a => a.GetAttribute("data-handle")).Order().ToList();
            Assert.Equal(World.People.Where(p => p.TeamSlug == team.Slug).Select(p => p.Handle).Order(), handles);
            Assert.Contains("Managers", group.TextContent, StringComparison.Ordinal);
            Assert.Contains("Engineers", group.TextContent, StringComparison.Ordinal);
        }
        var leadership = groups.Single(g => g.QuerySelector("h2")!.TextContent == "Leadership");
        Assert.Contains("Admins", leadership.TextContent, StringComparison.Ordinal);
        Assert.All(page.FindAll("a[data-handle]"), a =>
            Assert.Equal($"/account/demo?as={a.GetAttribute("data-handle")}", a.GetAttribute("href")));
    }
}

public class LayoutWithoutDemoTests() : ComponentTestContext(demoSignIn: false)
{
    [Fact]
    public void TheDemoBannerIsAbsentWhenDemoSignInIsOff()
    {
        var banner = Render<DemoBanner>();
        Assert.Empty(banner.FindAll("[data-testid=demo-banner]"));
    }
}
