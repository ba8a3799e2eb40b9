using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;
using Portal.Components.Layout;
using Portal.Features.Account;
using Portal.Features.Admin;
using Portal.Features.Team;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Demo;
using Portal.Infrastructure.Web;
using Portal.Shared.Demo;
using Portal.Tests.Support;

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
        Services.AddSingleton(TimeProvider.System);
        Services.AddScoped<ShellState>();
        Services.AddScoped<ClientOrigin>();
        Services.AddScoped<AuditService>();
        Services.AddScoped<PeopleService>();
        Services.AddScoped<DemoSignInService>();
        Services.AddSingleton(_ => _database!.Factory);
    }

    public async ValueTask InitializeAsync()
    {
        _database = await TestDatabase.CreateAsync();
        var seeder = new DemoSeeder(_database.Factory, Options.Create(new DemoOptions { Seed = true }),
            new Microsoft.Extensions.Hosting.Internal.HostingEnvironment { EnvironmentName = "Development" },
            TimeProvider.System, NullLogger<DemoSeeder>.Instance);
        await seeder.SeedIfWantedAsync(Xunit.TestContext.Current.CancellationToken);
    }

    protected static DemoWorld World { get; } = DemoWorld.Generate();

    public new async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        if (_database is not null)
        {
            await _database.DisposeAsync();
        }
    }
}
