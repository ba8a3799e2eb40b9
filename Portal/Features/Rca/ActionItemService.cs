using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Rca;
using Portal.Shared.Team;

namespace Portal.Features.Rca;

/// <summary>A change to an action item: any field left null stays as it is. <see cref="Version"/> must match.</summary>
public sealed record ActionChange(string? Title, string? Owner, DateOnly? DueDate, ActionPriority? Priority, int Version);

/// <summary>
/// Closing, editing, reopening and deleting action items. Each is allowed to the item's owner, the RCA's author, the
/// owner's managers and admins (<see cref="Permissions.MayChangeActionItem"/>); anyone else is refused and audited.
/// </summary>
public sealed class ActionItemService(IDbContextFactory<PortalDbContext> factory, RcaService rcas, AuditWriter audit, TimeProvider clock)
{
    /// <summary>Closes an action item: only with a note saying how it was verified.</summary>
    public async Task<ActionView> CloseAsync(ClaimsPrincipal user, int id, string? verification, CancellationToken cancellationToken = default)
    {
        if (string.IsNullOrWhiteSpace(verification))
        {
            throw new ValidationException("verification", "Say how you verified it is done (a verification note is required to close an action item).");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var item = await ItemAsync(db, user, id, "close", cancellationToken);
        if (item.Status == ActionStatus.Closed)
        {
            throw new ConflictException($"Action item #{id} is already closed.");
        }
        (item.Status, item.VerificationNote, item.ClosedAt, item.ClosedById) = (ActionStatus.Closed, verification.Trim(), clock.GetUtcNow(), user.GetPersonId());
        return await SaveAsync(db, user, item, "rca.action-closed", cancellationToken);
    }

    /// <summary>Changes the title, owner, due date or priority.</summary>
    public async Task<ActionView> UpdateAsync(ClaimsPrincipal user, int id, ActionChange change, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var item = await ItemAsync(db, user, id, "edit", cancellationToken);
        var errors = new Dictionary<string, string[]>();
        if (change.Version != item.Version)
        {
            throw new ConflictException($"Someone changed action item #{id} since you opened it (version {change.Version}, now {item.Version}). Reload it and make your change again.");
        }
        if (change.Title is { } title && (title.Trim().Length is 0 or > 300))
        {
            errors["title"] = ["Say what will be done (at most 300 characters)."];
        }
        Shared.Team.Person? owner = null;
        if (change.Owner is { } handle)
        {
            owner = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == handle.Trim() && p.Active, cancellationToken);
            if (owner is null)
            {
                errors["owner"] = [$"There is no active person \"{handle}\"."];
            }
        }
        if (change.DueDate is { } due && due < DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime) && due != item.DueDate)
        {
            errors["dueDate"] = [$"The due date {due:yyyy-MM-dd} is in the past."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        item.Title = change.Title?.Trim() ?? item.Title;
        item.OwnerId = owner?.Id ?? item.OwnerId;
        item.DueDate = change.DueDate ?? item.DueDate;
        item.Priority = change.Priority ?? item.Priority;
        return await SaveAsync(db, user, item, "rca.action-updated", cancellationToken);
    }

    /// <summary>Opens a closed action item again; its verification note is kept on the audit log, not on the item.</summary>
    public async Task<ActionView> ReopenAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var item = await ItemAsync(db, user, id, "reopen", cancellationToken);
        if (item.Status != ActionStatus.Closed)
        {
            throw new ConflictException($"Action item #{id} is open already.");
        }
        (item.Status, item.VerificationNote, item.ClosedAt, item.ClosedById) = (ActionStatus.Open, null, null, null);
        return await SaveAsync(db, user, item, "rca.action-reopened", cancellationToken);
    }

    public async Task DeleteAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var item = await ItemAsync(db, user, id, "delete", cancellationToken);
        db.ActionItems.Remove(item);
        db.Audit(user, clock.GetUtcNow(), "rca.action-deleted", $"RCA-{item.RcaId}", item.Title);
        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<ActionItem> ItemAsync(PortalDbContext db, ClaimsPrincipal user, int id, string what, CancellationToken cancellationToken)
    {
        var item = await db.ActionItems.FirstOrDefaultAsync(a => a.Id == id, cancellationToken) ?? throw new NotFoundException($"There is no action item #{id}.");
        var author = await db.Rcas.Where(r => r.Id == item.RcaId).Select(r => r.AuthorId).FirstAsync(cancellationToken);
        await audit.RequireAsync(Permissions.MayChangeActionItem(await db.OrgAsync(cancellationToken), user.AsActor(), item.OwnerId, author), user,
            $"action item #{id} ({what})", "Only the action item's owner, the RCA's author, the owner's managers or an admin change it.", cancellationToken);
        return item;
    }

    private async Task<ActionView> SaveAsync(PortalDbContext db, ClaimsPrincipal user, ActionItem item, string action, CancellationToken cancellationToken)
    {
        item.Version++;
        db.Audit(user, clock.GetUtcNow(), action, $"RCA-{item.RcaId}", item.Title);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            throw new ConflictException($"Someone changed action item #{item.Id} at the same moment. Reload it and make your change again.");
        }
        return (await rcas.ActionsAsync(db, db.ActionItems.Where(a => a.Id == item.Id), cancellationToken))[0];
    }
}
