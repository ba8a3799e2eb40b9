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
using Portal.Tests.Support;
using Portal.Features.Directory;

namespace Portal.Tests.Components;

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
        Services.AddScoped<Portal.Features.Incidents.IncidentService>();
        Services.AddScoped<Portal.Features.Incidents.IncidentQueries>();
        Services.AddScoped<Portal.Features.Incidents.SlaBreachService>();
        Services.AddScoped<Portal.Features.Incidents.SavedViewService>();
        Services.AddScoped<Portal.Features.Incidents.SlaPolicyService>();
        Services.AddScoped<Portal.Features.Alerts.AlertService>();
        Services.AddScoped<Portal.Features.Alerts.IntegrationService>();
        Services.AddScoped<Portal.Features.OnCall.OnCallService>();
        Services.AddScoped<Portal.Features.OnCall.OverrideService>();
        Services.AddScoped<Portal.Features.OnCall.EscalationService>();
        Services.AddScoped<Portal.Features.OnCall.EscalationPolicyService>();
        Services.AddScoped<Portal.Features.OnCall.SwapService>();
        Services.AddScoped<Portal.Features.OnCall.CalendarFeedService>();
        Services.AddScoped<Portal.Features.OnCall.OnCallLoadService>();
        Services.AddScoped<Portal.Features.OnCall.HandoffService>();
        Services.AddScoped<Portal.Features.Runbooks.RunbookService>();
        Services.AddScoped<Portal.Features.Runbooks.IncidentRunbookService>();
        Services.AddScoped<Portal.Features.Rca.RcaService>();
        Services.AddScoped<Portal.Features.Rca.ActionItemService>();
        Services.AddScoped<Portal.Features.Rca.RecurrenceService>();
        Services.AddSingleton(new Portal.Features.Rca.RcaOptions());
        Services.AddScoped<Portal.Features.Runbooks.RunbookSync>();
        Services.AddSingleton(new Portal.Features.Runbooks.RunbookOptions());
        Services.AddScoped<Portal.Features.Notifications.NotificationService>();
        Services.AddSingleton(new Portal.Shared.OnCall.OutboundAddresses());
        Services.AddSingleton<Microsoft.AspNetCore.DataProtection.IDataProtectionProvider>(new Microsoft.AspNetCore.DataProtection.EphemeralDataProtectionProvider());
        Services.AddSingleton<Portal.Features.Notifications.DeliverySignal>();
        Services.AddMemoryCache();
        Services.AddSingleton<Microsoft.Extensions.Logging.ILogger<Portal.Infrastructure.Live.InMemoryLiveFeed>>(NullLogger<Portal.Infrastructure.Live.InMemoryLiveFeed>.Instance);
        Services.AddSingleton<Portal.Infrastructure.Web.MarkdownRenderer>();
        Services.AddSingleton<Portal.Shared.Live.IPresence, Portal.Infrastructure.Live.InMemoryPresence>();
        Services.AddScoped<ShellState>();
        Services.AddScoped<ClientOrigin>();
        Services.AddScoped<AuditWriter>();
        Services.AddScoped<Portal.Features.Admin.AuditService>();
        Services.AddScoped<PeopleService>();
        Services.AddScoped<IViewerDirectory>(sp => sp.GetRequiredService<PeopleService>());
        Services.AddScoped<OperationalRecordService>();
        Services.AddScoped<OneOnOneService>();
        Services.AddScoped<PlanService>();
        Services.AddScoped<ReviewService>();
        Services.AddScoped<ReviewCycleService>();
        Services.AddScoped<PeerFeedbackService>();
        Services.AddScoped<OnboardingService>();
        Services.AddScoped<TeamHealthService>();
        Services.AddSingleton(new Portal.Features.Metrics.MetricsOptions());
        Services.AddScoped<Portal.Features.Metrics.MetricsService>();
        Services.AddScoped<Portal.Features.Metrics.ReviewPackService>();
        Services.AddScoped<DemoSignInService>();
        Services.AddSingleton(_ => _database!.Factory);
    }

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var seeder = new DemoSeeder(_database.Factory, Options.Create(new DemoOptions { Seed = true, History = false }),
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" },
            Clock, NullLogger<DemoSeeder>.Instance);
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
