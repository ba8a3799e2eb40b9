using Microsoft.EntityFrameworkCore;

namespace Portal.Infrastructure.Data;

/// <summary>Lets services ask for the portal's context without knowing which provider is configured.</summary>
internal sealed class PortalDbContextFactory<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<PortalDbContext>
    where TContext : PortalDbContext
{
    public PortalDbContext CreateDbContext() => inner.CreateDbContext();

    public async Task<PortalDbContext> CreateDbContextAsync(CancellationToken cancellationToken = default) =>
        await inner.CreateDbContextAsync(cancellationToken);
}
