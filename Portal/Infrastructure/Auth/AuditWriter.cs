using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Admin;

namespace Portal.Infrastructure.Auth;

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

/// <summary>
/// Appends to the audit log: every module records what it did, and every refusal, through this one writer. Rows are
/// never changed or deleted; reading the log is the Admin module's (<c>AuditWriter</c>).
/// </summary>
public sealed class AuditWriter(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, ClientOrigin origin)
{
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

    private static string? Truncate(string? value, int max) => value is null || value.Length <= max ? value : value[..max];
}
