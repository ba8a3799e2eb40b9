using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Notifications;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.OnCall;
using Portal.Shared.Rca;
using Portal.Shared.Team;

namespace Portal.Features.Rca;

/// <summary>A change to an action item: any field left null stays as it is. <see cref="Version"/> must match.</summary>
public sealed record ActionChange(string? Title, string? Owner, DateOnly? DueDate, ActionPriority? Priority, int Version);

/// <summary>
/// Action items: adding them to an RCA (its editors), listing them, reminding owners, and closing, editing, reopening
/// and deleting them. Changing one is allowed to the item's owner, the RCA's author, the owner's managers and admins
/// (<see cref="Permissions.MayChangeActionItem"/>); anyone else is refused and audited.
/// </summary>
public sealed class ActionItemService(IDbContextFactory<PortalDbContext> factory, RcaService rcas, AuditWriter audit, TimeProvider clock, NotificationService notifications)
{
    public async Task<ActionView> AddAsync(ClaimsPrincipal user, int rcaId, ActionInput input, CancellationToken cancellationToken = default)
    {
        RcaService.Me(user);
        var errors = new Dictionary<string, string[]>();
        if (string.IsNullOrWhiteSpace(input.Title) || input.Title.Length > 300)
        {
            errors["title"] = ["Say what will be done (at most 300 characters)."];
        }
        if (string.IsNullOrWhiteSpace(input.Owner))
        {
            errors["owner"] = ["Every action item has an owner (their handle)."];
        }
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        if (input.DueDate is not { } due)
        {
            errors["dueDate"] = ["Give the action item a due date."];
        }
        else if (due < today)
        {
            errors["dueDate"] = [$"The due date {due:yyyy-MM-dd} is in the past."];
        }
        if (input.TrackerUrl is { Length: > 0 } url && !(Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "https" or "http"))
        {
            errors["trackerUrl"] = ["The tracker link must be an http(s) URL."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rca = await db.Rcas.AsNoTracking().FirstOrDefaultAsync(r => r.Id == rcaId, cancellationToken) ?? throw RcaService.Missing(rcaId);
        await rcas.RequireMayEditAsync(db, user, rca, cancellationToken);
        var owner = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == input.Owner!.Trim() && p.Active, cancellationToken)
            ?? throw new ValidationException("owner", $"There is no active person \"{input.Owner}\".");
        var item = new ActionItem
        {
            RcaId = rca.Id, Title = input.Title!.Trim(), OwnerId = owner.Id, DueDate = input.DueDate!.Value, Priority = input.Priority, Kind = input.Kind,
            TrackerUrl = string.IsNullOrWhiteSpace(input.TrackerUrl) ? null : input.TrackerUrl.Trim(), Status = ActionStatus.Open, CreatedAt = clock.GetUtcNow(), Version = 1,
        };
        db.ActionItems.Add(item);
        await db.SaveChangesAsync(cancellationToken);
        return (await ViewsAsync(db, db.ActionItems.Where(a => a.Id == item.Id), clock.GetUtcNow(), cancellationToken))[0];
    }

    /// <summary>Action items, optionally only one owner's, one team's, or the overdue ones.</summary>
    public async Task<List<ActionView>> ListAsync(string? owner = null, string? team = null, bool overdueOnly = false, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var query = db.ActionItems.AsQueryable();
        if (owner is not null)
        {
            query = query.Where(a => db.People.Any(p => p.Id == a.OwnerId && p.Handle == owner));
        }
        if (team is not null)
        {
            query = query.Where(a => db.People.Any(p => p.Id == a.OwnerId && p.Team != null && p.Team.Slug == team));
        }
        if (overdueOnly)
        {
            var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
            query = query.Where(a => a.Status == ActionStatus.Open && a.DueDate < today);
        }
        return await ViewsAsync(db, query, clock.GetUtcNow(), cancellationToken);
    }

    /// <summary>One action item; anyone signed in reads them, as the list.</summary>
    public async Task<ActionView> GetAsync(int id, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return (await ViewsAsync(db, db.ActionItems.Where(a => a.Id == id), clock.GetUtcNow(), cancellationToken)).FirstOrDefault()
            ?? throw new NotFoundException($"There is no action item #{id}.");
    }

    /// <summary>Reminds owners in the portal, once, of open action items due within two days. Returns how many were reminded.</summary>
    public async Task<int> RemindAsync(CancellationToken cancellationToken = default)
    {
        var now = clock.GetUtcNow();
        var soon = DateOnly.FromDateTime(now.UtcDateTime.AddDays(2));
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var exclusive = await db.BeginExclusiveAsync("rca.remind", cancellationToken);
        var due = await db.ActionItems.Where(a => a.Status == ActionStatus.Open && a.RemindedAt == null && a.DueDate <= soon).OrderBy(a => a.DueDate).Take(200).ToListAsync(cancellationToken);
        var notices = new List<Shared.Live.LiveNotice>();
        foreach (var item in due)
        {
            item.RemindedAt = now;
            notices.AddRange(await NotificationService.StageAsync(db, [item.OwnerId], [],
                new NoticeDraft(NotificationKind.Rca, $"Action item due {item.DueDate:yyyy-MM-dd}: {item.Title}", "Close it with a verification note, or move its due date with your team.", $"/rca/{item.RcaId}"),
                now, cancellationToken));
        }
        // Once staged, the reminders are written even while the node stops (a commit cut off halfway is an error).
        await db.SaveChangesAsync(CancellationToken.None);
        if (exclusive is not null)
        {
            await exclusive.CommitAsync(CancellationToken.None);
        }
        await notifications.PublishAsync(notices, cancellationToken);
        return due.Count;
    }

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
        return (await ViewsAsync(db, db.ActionItems.Where(a => a.Id == item.Id), clock.GetUtcNow(), cancellationToken))[0];
    }

    /// <summary>Action items as pages and the API show them (overdue as of <paramref name="now"/>).</summary>
    internal static async Task<List<ActionView>> ViewsAsync(PortalDbContext db, IQueryable<ActionItem> query, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var items = await query.AsNoTracking().OrderBy(a => a.Status).ThenBy(a => a.DueDate).Take(500).ToListAsync(cancellationToken);
        var ownerIds = items.Select(a => a.OwnerId).Distinct().ToList();
        var owners = await db.People.AsNoTracking().Where(p => ownerIds.Contains(p.Id)).ToDictionaryAsync(p => p.Id, cancellationToken);
        var rcaIds = items.Select(a => a.RcaId).Distinct().ToList();
        var titles = await db.Rcas.AsNoTracking().Where(r => rcaIds.Contains(r.Id)).ToDictionaryAsync(r => r.Id, r => r.Title, cancellationToken);
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        return [.. items.Select(a => new ActionView(a.Id, a.RcaId, titles.GetValueOrDefault(a.RcaId) ?? "", a.Title, owners[a.OwnerId].Handle, owners[a.OwnerId].Name, a.DueDate,
            a.Priority, a.Kind, a.Status, a.TrackerUrl, a.VerificationNote, a.ClosedAt, a.Status == ActionStatus.Open && a.DueDate < today, a.Version))];
    }
}
