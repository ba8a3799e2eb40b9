using System.Security.Claims;
using Ical.Net;
using Ical.Net.CalendarComponents;
using Ical.Net.DataTypes;
using Ical.Net.Serialization;
using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.OnCall;

namespace Portal.Features.OnCall;

/// <summary>A calendar feed; <see cref="Url"/> (with its secret) is only filled in when it is created.</summary>
public sealed record CalendarFeedView(int Id, int? ScheduleId, string What, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt, string? Url = null);

/// <summary>
/// iCalendar (RFC 5545) subscriptions to on-call shifts: a person's own shifts on every schedule, or a whole
/// schedule. The URL carries a random secret (stored hashed, shown once) because calendar apps cannot sign in;
/// revoking a feed makes its URL answer 404 at once.
/// </summary>
public sealed class CalendarFeedService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
{
    public const string PathPrefix = "/ical/";
    public const int MaxFeedsPerPerson = 20;

    /// <summary>How far back and ahead a feed reaches: calendar apps show past shifts and plan months ahead.</summary>
    public static readonly TimeSpan Behind = TimeSpan.FromDays(30);
    public static readonly TimeSpan Ahead = TimeSpan.FromDays(180);

    public async Task<List<CalendarFeedView>> ListAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var feeds = await db.CalendarFeeds.AsNoTracking().Where(f => f.OwnerId == me).OrderByDescending(f => f.Id).ToListAsync(cancellationToken);
        var names = await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        return [.. feeds.Select(f => View(f, names))];
    }

    /// <summary>A new feed of the caller's shifts, or of one schedule; the answer's URL path is the only time the secret is shown.</summary>
    public async Task<CalendarFeedView> CreateAsync(ClaimsPrincipal user, int? scheduleId, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        if (scheduleId is { } id && !await db.Schedules.AnyAsync(s => s.Id == id, cancellationToken))
        {
            throw new NotFoundException($"There is no schedule #{id}.");
        }
        if (await db.CalendarFeeds.CountAsync(f => f.OwnerId == me && f.RevokedAt == null, cancellationToken) >= MaxFeedsPerPerson)
        {
            throw new ValidationException("scheduleId", $"You have {MaxFeedsPerPerson} feeds; revoke one you no longer use first.");
        }
        var secret = ApiTokenSecrets.Generate()[ApiTokenSecrets.Prefix.Length..];
        var feed = new CalendarFeed { OwnerId = me, ScheduleId = scheduleId, SecretHash = ApiTokenSecrets.Hash(secret), CreatedAt = clock.GetUtcNow() };
        db.CalendarFeeds.Add(feed);
        var names = await db.Schedules.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Name, cancellationToken);
        db.Audit(user, feed.CreatedAt, "oncall.feed-created", View(feed, names).What);
        await db.SaveChangesAsync(cancellationToken);
        return View(feed, names) with { Url = PathPrefix + secret + ".ics" };
    }

    public async Task RevokeAsync(ClaimsPrincipal user, int id, CancellationToken cancellationToken = default)
    {
        var me = Me(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var feed = await db.CalendarFeeds.FirstOrDefaultAsync(f => f.Id == id, cancellationToken)
            ?? throw new NotFoundException($"You have no calendar feed #{id}.");
        if (feed.OwnerId != me)
        {
            throw await audit.NotYoursAsync(user, $"calendar feed #{id}", cancellationToken);
        }
        if (feed.RevokedAt is null)
        {
            feed.RevokedAt = clock.GetUtcNow();
            db.Audit(user, feed.RevokedAt.Value, "oncall.feed-revoked", $"feed #{id}");
            await db.SaveChangesAsync(cancellationToken);
        }
    }

    /// <summary>The iCalendar text of the feed with this secret, or null when there is none (or it was revoked).</summary>
    public async Task<string?> RenderAsync(string secret, OnCallService oncall, CancellationToken cancellationToken = default)
    {
        var hash = ApiTokenSecrets.Hash(secret);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var feed = await db.CalendarFeeds.AsNoTracking().FirstOrDefaultAsync(f => f.SecretHash == hash && f.RevokedAt == null, cancellationToken);
        var owner = feed is null ? null : await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Id == feed.OwnerId && p.Active, cancellationToken);
        if (feed is null || owner is null)
        {
            return null;
        }
        var now = clock.GetUtcNow();
        var (from, to) = (now - Behind, now + Ahead);
        var schedules = feed.ScheduleId is { } only
            ? await db.Schedules.AsNoTracking().Where(s => s.Id == only).ToListAsync(cancellationToken)
            : await db.Schedules.AsNoTracking().ToListAsync(cancellationToken);
        var events = new List<(ShiftView Shift, Schedule Schedule)>();
        foreach (var schedule in schedules)
        {
            var shifts = await oncall.ShiftsAsync(schedule.Id, from, to, cancellationToken);
            events.AddRange(shifts.Shifts.Where(s => feed.ScheduleId is not null || s.Handle == owner.Handle).Select(s => (s, schedule)));
        }
        var calendar = new Calendar { ProductId = "-//Portal//On-call shifts//EN" };
        calendar.AddProperty("X-WR-CALNAME", feed.ScheduleId is null ? $"On call: {owner.Name}" : $"On call: {schedules.FirstOrDefault()?.Name}");
        // Each shift is written in a real zone with its VTIMEZONE: the person's own for their feed, the first layer's for a schedule's.
        var zoneOf = (Schedule s) => feed.ScheduleId is null ? owner.TimeZone : s.Layers.FirstOrDefault()?.Zone ?? "UTC";
        foreach (var zone in events.Select(e => zoneOf(e.Schedule)).Append(owner.TimeZone).Distinct())
        {
            calendar.AddTimeZone(zone, from.UtcDateTime, includeHistoricalData: false);
        }
        foreach (var (shift, schedule) in events)
        {
            var zone = zoneOf(schedule);
            calendar.Events.Add(new CalendarEvent
            {
                Uid = $"{schedule.Id}-{shift.Handle}-{shift.Start.ToUnixTimeSeconds()}@portal",
                Summary = feed.ScheduleId is null ? $"On call: {schedule.Name}" : $"{shift.Name} on call",
                Description = shift.OverrideId is not null ? "Override" : $"Layer: {shift.LayerName}",
                DtStart = Local(shift.Start, zone),
                DtEnd = Local(shift.End, zone),
                DtStamp = new CalDateTime(now.UtcDateTime, "UTC", true),
                Transparency = "OPAQUE",
            });
        }
        return new CalendarSerializer().SerializeToString(calendar);
    }

    private static CalDateTime Local(DateTimeOffset instant, string zone)
    {
        var local = Instant.FromDateTimeOffset(instant).InZone(TimeZones.GetOrUtc(zone)).LocalDateTime;
        return new CalDateTime(local.ToDateTimeUnspecified(), zone, true);
    }

    private static CalendarFeedView View(CalendarFeed f, Dictionary<int, string> names) =>
        new(f.Id, f.ScheduleId, f.ScheduleId is { } s ? $"Schedule {names.GetValueOrDefault(s) ?? $"#{s}"}" : "My shifts on every schedule", f.CreatedAt, f.RevokedAt);

    private static int Me(ClaimsPrincipal user) => user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal have calendar feeds.");
}
