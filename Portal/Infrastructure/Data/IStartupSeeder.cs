namespace Portal.Infrastructure.Data;

/// <summary>
/// Fills the database at start, after the migrations and before provisioning from configuration (the demo world is
/// one). Registered by the module that owns the data; several nodes may start at once, so seeding is idempotent.
/// </summary>
public interface IStartupSeeder
{
    Task SeedIfWantedAsync(CancellationToken cancellationToken);
}
