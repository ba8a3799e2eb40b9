using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

public sealed record SavedViewEntry(int Id, string Name, string Url);

/// <summary>Each person's named views of each queue (incidents, cases). A view is the queue's filters as a URL, so opening one is a navigation.</summary>
public sealed class SavedViewService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public const int MaxName = 60;
    public const int MaxUrl = 1000;
    public const int MaxPerPerson = 30;

    public Task<IReadOnlyList<SavedViewEntry>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default) =>
        ListAsync(user, SavedViewQueues.Incidents, cancellationToken);

    /// <summary>My views of one queue, by name.</summary>
    public async Task<IReadOnlyList<SavedViewEntry>> ListAsync(ClaimsPrincipal user, string queue, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.SavedViews.AsNoTracking().Where(v => v.PersonId == me && v.Queue == queue).OrderBy(v => v.Name)
            .Select(v => new SavedViewEntry(v.Id, v.Name, v.Url)).ToListAsync(cancellationToken);
    }

    /// <summary>Saves the incident queue's filter under the name; a view of the same name is replaced. Returns whether it replaced one.</summary>
    public Task<bool> SaveAsync(ClaimsPrincipal user, string? name, IncidentQueueFilter filter, CancellationToken cancellationToken = default) =>
        SaveAsync(user, name, SavedViewQueues.Incidents, filter.ToUrl(), cancellationToken);

    /// <summary>Saves a queue's address (its filters) under the name; the address must be a page of that queue.</summary>
    public async Task<bool> SaveAsync(ClaimsPrincipal user, string? name, string queue, string url, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        var trimmed = name?.Trim() ?? "";
        if (!SavedViewQueues.IsKnown(queue) || !SavedViewQueues.Belongs(queue, url))
        {
            throw new ValidationException("filters", $"A view of the {queue} queue is an address of that queue.");
        }
        if (trimmed.Length == 0)
        {
            throw new ValidationException("name", "Give the view a name.");
        }
        if (trimmed.Length > MaxName)
        {
            throw new ValidationException("name", $"A view's name has at most {MaxName} characters.");
        }
        if (url.Length > MaxUrl)
        {
            throw new ValidationException("filters", $"These filters are too long to save (at most {MaxUrl} characters); shorten the search.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.SavedViews.FirstOrDefaultAsync(v => v.PersonId == me && v.Queue == queue && v.Name == trimmed, cancellationToken);
        if (existing is not null)
        {
            existing.Url = url;
        }
        else
        {
            if (await db.SavedViews.CountAsync(v => v.PersonId == me && v.Queue == queue, cancellationToken) >= MaxPerPerson)
            {
                throw new ValidationException("name", $"You have {MaxPerPerson} saved views, the most there can be; delete one first.");
            }
            db.SavedViews.Add(new SavedView { PersonId = me, Queue = queue, Name = trimmed, Url = url, CreatedAt = clock.GetUtcNow() });
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            // The same name saved twice at once from two tabs: the other one won.
            throw new ConflictException($"A view named '{trimmed}' was saved at the same moment; try again.");
        }
        return existing is not null;
    }

    public async Task DeleteAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        // Only one's own views: someone else's id deletes nothing, as if it did not exist.
        if (await db.SavedViews.Where(v => v.Id == id && v.PersonId == me).ExecuteDeleteAsync(cancellationToken) == 0)
        {
            throw new NotFoundException("That saved view no longer exists.");
        }
    }

    private static int Me(ClaimsPrincipal user) => user.GetPersonId() ?? throw new AccessDeniedException("Sign in to save views.");
}
