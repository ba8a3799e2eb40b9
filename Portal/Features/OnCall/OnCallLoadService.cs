using Microsoft.EntityFrameworkCore;
using NodaTime;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.OnCall;

namespace Portal.Features.OnCall;

/// <summary>
/// One person's on-call load over a period: hours on call on any schedule (overlaps counted once), how much of it
/// fell off-hours in their own zone, pages received, pages off-hours (22:00–07:00 or a weekend), and pages at night
/// (22:00–07:00), the ones that woke them.
/// </summary>
public sealed record OnCallLoad(string Handle, string Name, string TimeZone, double HoursOnCall, double OffHoursOnCall, int Pages, int OffHoursPages, int NightPages);

/// <summary>On-call load per person, for the schedule pages and for the Team and Metrics modules.</summary>
public sealed class OnCallLoadService(IDbContextFactory<PortalDbContext> factory, OnCallService oncall)
{
    /// <summary>The load of everyone with on-call time or pages in the period, optionally only these handles or this team's people.</summary>
    public async Task<List<OnCallLoad>> LoadAsync(DateTimeOffset from, DateTimeOffset to, IReadOnlyCollection<string>? handles = null, string? team = null,
        CancellationToken cancellationToken = default)
    {
        if (to <= from)
        {
            throw new ValidationException("to", "The period must end after it starts.");
        }
        if (to - from > TimeSpan.FromDays(OnCallService.MaxWindowDays))
        {
            throw new ValidationException("to", $"Ask for at most {OnCallService.MaxWindowDays} days at a time.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var people = await db.People.AsNoTracking().ToListAsync(cancellationToken);
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(team))
        {
            teamId = await db.Teams.Where(t => t.Slug == team.Trim().ToLower()).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("team", $"There is no team \"{team}\".");
        }
        var wanted = people.Where(p => (handles is null || handles.Contains(p.Handle, StringComparer.OrdinalIgnoreCase)) && (teamId is null || p.TeamId == teamId))
            .ToDictionary(p => p.Handle, StringComparer.OrdinalIgnoreCase);

        var onCall = new Dictionary<string, List<Interval>>(StringComparer.OrdinalIgnoreCase);
        foreach (var id in await db.Schedules.AsNoTracking().Select(s => s.Id).ToListAsync(cancellationToken))
        {
            foreach (var shift in (await oncall.ShiftsAsync(id, from, to, cancellationToken)).Shifts.Where(s => wanted.ContainsKey(s.Handle)))
            {
                (onCall.TryGetValue(shift.Handle, out var list) ? list : onCall[shift.Handle] = []).Add(
                    new Interval(Instant.FromDateTimeOffset(shift.Start), Instant.FromDateTimeOffset(shift.End)));
            }
        }
        var ids = wanted.Values.Select(p => p.Id).ToList();
        var pages = await db.Notifications.AsNoTracking()
            .Where(n => n.Kind == NotificationKind.Page && n.CreatedAt >= from && n.CreatedAt < to && ids.Contains(n.PersonId))
            .Select(n => new { n.PersonId, n.CreatedAt }).ToListAsync(cancellationToken);
        var pagesOf = pages.ToLookup(p => p.PersonId, p => Instant.FromDateTimeOffset(p.CreatedAt));

        return [.. wanted.Values
            .Where(p => onCall.ContainsKey(p.Handle) || pagesOf.Contains(p.Id))
            .Select(p =>
            {
                var zone = TimeZones.GetOrUtc(p.TimeZone);
                var spans = Spans.Normalize(onCall.GetValueOrDefault(p.Handle) ?? []);
                var mine = pagesOf[p.Id].ToList();
                return new OnCallLoad(p.Handle, p.Name, p.TimeZone,
                    Math.Round(Spans.Total(spans).TotalHours, 2),
                    Math.Round(spans.Sum(s => OffHours.OffHoursWithin(s, zone).TotalHours), 2),
                    mine.Count, mine.Count(i => OffHours.IsOffHours(i, zone)), mine.Count(i => OffHours.IsNight(i, zone)));
            })
            .OrderByDescending(l => l.HoursOnCall).ThenBy(l => l.Name)];
    }
}
