using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Features.Admin;

/// <summary>A filter over the audit log. Instants are UTC; <see cref="To"/> is exclusive.</summary>
public sealed record AuditQuery(
    string? Action = null, string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    int Page = 0, int PageSize = 50);

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Detail, string? Address);

public sealed record AuditPage(IReadOnlyList<AuditRow> Items, int Total, int Page, int PageSize);

/// <summary>Adding an audit row to the change being saved, so it commits (or not) with it.</summary>
public static class AuditTrail
{
    /// <summary>Records who (by handle and id) did what to what, in the caller's unit of work.</summary>
    public static void Audit(this PortalDbContext db, ClaimsPrincipal? user, DateTimeOffset at, string action, string target, string? detail = null) =>
        db.AuditEntries.Add(new AuditEntry { At = at, Actor = user.AuditName(), ActorId = user?.GetPersonId(), Action = action, Target = target, Detail = detail });

    /// <summary>
    /// The one shape of a refusal row, wherever it was decided (policy, service, a "not yours" 404, a page): who, the
    /// method and path or the object refused, and why.
    /// </summary>
    public static AuditEntry Refusal(ClaimsPrincipal? user, string target, string reason) =>
        new() { Actor = user.AuditName(), ActorId = user?.GetPersonId(), Action = AuditActions.AccessDenied, Target = target, Detail = reason };
}

/// <summary>Appends to and reads the audit log. Rows are never changed or deleted.</summary>
public sealed class AuditService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, ClientOrigin origin)
{
    public const int MaxPageSize = 500;

    public async Task RecordAsync(AuditEntry entry, CancellationToken cancellationToken = default)
    {
        entry.At = entry.At == default ? clock.GetUtcNow() : entry.At;
        entry.Address ??= origin.Address;
        entry.Target = Truncate(entry.Target, 200);
        entry.Detail = Truncate(entry.Detail, 2000);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        db.AuditEntries.Add(entry);
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>
    /// Records a refusal and returns the 403 to throw: <c>throw await audit.DenyAsync(user, "schedule 4", "…")</c>. The row
    /// commits on its own, whatever happens to the caller's unit of work.
    /// </summary>
    public async Task<AccessDeniedException> DenyAsync(ClaimsPrincipal? user, string target, string reason, CancellationToken cancellationToken = default)
    {
        await RecordAsync(AuditTrail.Refusal(user, target, reason), cancellationToken);
        return new AccessDeniedException(reason);
    }

    /// <summary>Goes on when <paramref name="allowed"/>; otherwise records the refusal and throws its 403.</summary>
    public async Task RequireAsync(bool allowed, ClaimsPrincipal? user, string target, string reason, CancellationToken cancellationToken = default)
    {
        if (!allowed)
        {
            throw await DenyAsync(user, target, reason, cancellationToken);
        }
    }

    /// <summary>
    /// Records a refusal of something that is someone else's (a token, a feed, a notification) and returns the 404 to
    /// throw: the caller is not told whether it exists.
    /// </summary>
    public async Task<NotFoundException> NotYoursAsync(ClaimsPrincipal? user, string target, CancellationToken cancellationToken = default)
    {
        await RecordAsync(AuditTrail.Refusal(user, target, "not yours"), cancellationToken);
        return new NotFoundException($"There is no {target}.");
    }

    /// <summary>Records what <paramref name="actor"/> did.</summary>
    public Task RecordAsync(ClaimsPrincipal actor, string action, string? target = null, string? detail = null, CancellationToken cancellationToken = default) =>
        RecordAsync(new AuditEntry { Actor = actor.AuditName(), ActorId = actor.GetPersonId(), Action = action, Target = target, Detail = detail }, cancellationToken);

    /// <summary>One page of the log, newest first. Admins only; a refusal is itself recorded.</summary>
    public async Task<AuditPage> ListAsync(ClaimsPrincipal viewer, AuditQuery query, CancellationToken cancellationToken = default)
    {
        if (!viewer.HasPortalRole(PortalRole.Admin))
        {
            throw await DenyAsync(viewer, "audit log", "Only admins can read the audit log.", cancellationToken);
        }
        var pageSize = Math.Clamp(query.PageSize, 1, MaxPageSize);
        var page = Math.Max(0, query.Page);

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.AuditEntries.AsNoTracking();
        if (!string.IsNullOrWhiteSpace(query.Action))
        {
            var action = query.Action.Trim();
            rows = rows.Where(a => a.Action.StartsWith(action));
        }
        if (!string.IsNullOrWhiteSpace(query.Actor))
        {
            var actor = query.Actor.Trim().ToLowerInvariant();
            rows = rows.Where(a => a.Actor == actor);
        }
        if (query.From is { } from)
        {
            rows = rows.Where(a => a.At >= from);
        }
        if (query.To is { } to)
        {
            rows = rows.Where(a => a.At < to);
        }
        var total = await rows.CountAsync(cancellationToken);
        var items = await rows
            .OrderByDescending(a => a.At).ThenByDescending(a => a.Id)
            .Skip(page * pageSize).Take(pageSize)
            .Select(a => new AuditRow(a.Id, a.At, a.Actor, a.Action, a.Target, a.Detail, a.Address))
            .ToListAsync(cancellationToken);
        return new AuditPage(items, total, page, pageSize);
    }

    /// <summary>The distinct actions in the log, for the filter list.</summary>
    public async Task<IReadOnlyList<string>> ActionsAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.AuditEntries.AsNoTracking().Select(a => a.Action).Distinct().OrderBy(a => a).ToListAsync(cancellationToken);
    }

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
