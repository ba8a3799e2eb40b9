using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Components.Layout;
using Portal.Features.Account;
using Portal.Features.Team;
using Portal.Infrastructure.Auth;
using Portal.Features.Demo;
using Portal.Infrastructure.Web;
using Portal.Shared.Demo;
using Portal.Features.Alerts;
using Portal.Features.Directory;
using Portal.Features.Cases;
using Portal.Features.Incidents;
using Portal.Features.Metrics;
using Portal.Features.Notifications;
using Portal.Features.OnCall;
using Portal.Features.Rca;
using Portal.Features.Runbooks;
using Portal.Features.Admin;

namespace Portal.Tests.Support;

/// <summary>bUnit with MudBlazor, and the portal's real services over a migrated, seeded SQLite file.</summary>
public abstract class ComponentTestContext : BunitContext, IAsyncLifetime
{
    private TestDatabase? _database;

    protected ComponentTestContext(bool demoSignIn = true)
    {
        Services.AddMudServices();
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddSingleton(new SignInModes(Entra: !demoSignIn, Demo: demoSignIn));
        Services.AddSingleton<TimeProvider>(Clock);
        Services.AddSingleton<Portal.Infrastructure.Live.InMemoryLiveFeed>();
        Services.AddSingleton<Portal.Shared.Live.ILiveFeed>(sp => sp.GetRequiredService<Portal.Infrastructure.Live.InMemoryLiveFeed>());
        // Every module registers its own services, as the app does (with no settings): a new service needs no edit here.
        var configuration = new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build();
        Services.AddDirectoryServices(configuration);
        Services.AddNotificationsServices(configuration);
        Services.AddAdminServices(configuration);
        Services.AddTeamServices(configuration);
        Services.AddAccountServices(configuration);
        Services.AddIncidentsServices(configuration);
        Services.AddCasesServices(configuration);
        Services.AddAlertsServices(configuration);
        Services.AddOnCallServices(configuration);
        Services.AddRunbooksServices(configuration);
        Services.AddRcaServices(configuration);
        Services.AddMetricsServices(configuration);
        Services.AddDemoServices(configuration);
        // What Infrastructure gives the modules in the app.
        Services.AddSingleton<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<Portal.Infrastructure.Live.InMemoryLiveFeed>>(NullLogger<Portal.Infrastructure.Live.InMemoryLiveFeed>.Instance);
        Services.AddSingleton<Portal.Infrastructure.Web.MarkdownRenderer>();
        Services.AddSingleton<Portal.Shared.Live.IPresence, Portal.Infrastructure.Live.InMemoryPresence>();
        Services.AddKeyedSingleton<Portal.Shared.Live.IPresence, Portal.Infrastructure.Live.InMemoryPresence>(Portal.Shared.Live.PresenceSpaces.Cases);
        Services.AddScoped<ShellState>();
        Services.AddScoped<ClientOrigin>();
        Services.AddScoped<AuditWriter>();
        Services.AddSingleton(_ => _database!.Factory);
    }

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var seeder = new DemoSeeder(_database.Factory, Options.Create(new DemoOptions { Seed = true, History = false }),
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" },
            // Without history the seeder never opens a scope: an empty provider's, so bUnit's services are not frozen yet.
            Clock, new ServiceCollection().BuildServiceProvider().GetRequiredService<IServiceScopeFactory>(), new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build(),
            NullLogger<DemoSeeder>.Instance);
        await seeder.SeedIfWantedAsync(Xunit.TestContext.Current.CancellationToken);
    }

    protected static DemoWorld World { get; } = DemoWorld.Generate();

    /// <summary>The test database, for setting up data without resolving services (bUnit freezes them on first use).</summary>
    protected Microsoft.EntityFrameworkCore.IDbContextFactory<Portal.Infrastructure.Data.PortalDbContext> Database => _database!.Factory;

    /// <summary>
    /// Signs in, as an interactive circuit would see it, the first seeded person who matches; returns their principal.
    /// </summary>
    protected async Task<System.Security.Claims.ClaimsPrincipal> SignInAsync(System.Linq.Expressions.Expression<Func<Portal.Shared.Team.Person, bool>> who)
    {
        var ct = Xunit.TestContext.Current.CancellationToken;
        await using var db = await Database.CreateDbContextAsync(ct);
        var person = await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstAsync(
            Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.AsNoTracking(db.People).OrderBy(p => p.Id), who, ct);
        var auth = AddAuthorization();
        auth.SetAuthorized(person.Name);
        auth.SetClaims([.. PortalClaims.IdentityFor(person).Claims]);
        SetRendererInfo(new Microsoft.AspNetCore.Components.RendererInfo("Server", isInteractive: true));
        return new System.Security.Claims.ClaimsPrincipal(PortalClaims.IdentityFor(person));
    }

    /// <summary>The clock every component and service here sees; tests move it.</summary>
    protected Microsoft.Extensions.Time.Testing.FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
