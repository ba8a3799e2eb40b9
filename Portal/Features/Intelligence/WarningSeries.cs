using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;

namespace Portal.Features.Intelligence;

/// <summary>One event of a signal: what it belongs to (a service slug, a region, a category) and when it happened.</summary>
public readonly record struct SignalEvent(string Subject, DateTimeOffset At);

/// <summary>
/// A signal the early warnings watch: alerts or incidents per service, incidents per region, cases per category and
/// per region. Each reads its events of a time range.
/// </summary>
public sealed record WarningSeries(string Scope, string Signal, Func<PortalDbContext, DateTimeOffset, DateTimeOffset, CancellationToken, Task<List<SignalEvent>>> Read)
{
    public static readonly IReadOnlyList<WarningSeries> All =
    [
        new("service", "alerts", async (db, from, to, ct) =>
            [.. (await db.Alerts.AsNoTracking().Where(a => a.FirstSeenAt >= from && a.FirstSeenAt < to && a.Incident!.Service != null)
                .Select(a => new { a.Incident!.Service!.Slug, a.FirstSeenAt }).ToListAsync(ct)).Select(a => new SignalEvent(a.Slug, a.FirstSeenAt))]),
        new("service", "incidents", async (db, from, to, ct) =>
            [.. (await db.Incidents.AsNoTracking().Where(i => i.TriggeredAt >= from && i.TriggeredAt < to && i.Service != null)
                .Select(i => new { i.Service!.Slug, i.TriggeredAt }).ToListAsync(ct)).Select(i => new SignalEvent(i.Slug, i.TriggeredAt))]),
        new("region", "incidents", async (db, from, to, ct) =>
            [.. (await db.Incidents.AsNoTracking().Where(i => i.TriggeredAt >= from && i.TriggeredAt < to)
                .Select(i => new { i.Region, i.TriggeredAt }).ToListAsync(ct)).Select(i => new SignalEvent(i.Region.ToString(), i.TriggeredAt))]),
        new("category", "cases", async (db, from, to, ct) =>
            [.. (await db.Cases.AsNoTracking().Where(c => c.CreatedAt >= from && c.CreatedAt < to)
                .Select(c => new { c.Category, c.CreatedAt }).ToListAsync(ct)).Select(c => new SignalEvent(c.Category, c.CreatedAt))]),
        new("region", "cases", async (db, from, to, ct) =>
            [.. (await db.Cases.AsNoTracking().Where(c => c.CreatedAt >= from && c.CreatedAt < to)
                .Select(c => new { c.Region, c.CreatedAt }).ToListAsync(ct)).Select(c => new SignalEvent(c.Region.ToString(), c.CreatedAt))]),
    ];

    public string Name => $"{Signal} by {Scope}";
}
