using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared.Team;

namespace Portal.Features.Admin;

/// <summary>A filter over the audit log. Instants are UTC; <see cref="To"/> is exclusive.</summary>
public sealed record AuditQuery(
    string? Action = null, string? Actor = null, DateTimeOffset? From = null, DateTimeOffset? To = null,
    int Page = 0, int PageSize = 50);

public sealed record AuditRow(long Id, DateTimeOffset At, string Actor, string Action, string? Target, string? Detail, string? Address);

public sealed record AuditPage(IReadOnlyList<AuditRow> Items, int Total, int Page, int PageSize);

/// <summary>Reads the audit log (admins only); <see cref="AuditWriter"/> appends to it.</summary>
public sealed class AuditService(IDbContextFactory<PortalDbContext> factory, AuditWriter writer)
{
    public const int MaxPageSize = 500;

    /// <summary>One page of the log, newest first. Admins only; a refusal is itself recorded.</summary>
    public async Task<AuditPage> ListAsync(ClaimsPrincipal viewer, AuditQuery query, CancellationToken cancellationToken = default)
    {
        if (!viewer.HasPortalRole(PortalRole.Admin))
        {
            throw await writer.DenyAsync(viewer, "audit log", "Only admins can read the audit log.", cancellationToken);
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

}
