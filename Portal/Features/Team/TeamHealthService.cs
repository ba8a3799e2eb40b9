using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.OnCall;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Rca;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

public sealed record LoadRow(string Handle, string Name, double HoursOnCall, double OffHoursOnCall, int Pages, int OffHoursPages, int NightPages);

/// <summary>How evenly on-call fell: the mean and the largest share, and their ratio (1.0 is perfectly even).</summary>
public sealed record LoadSpread(double MeanHours, double MaxHours, double HoursRatio, double MeanOffHoursPages, int MaxOffHoursPages, double OffHoursPagesRatio);

public sealed record OneOnOneDue(string Report, string ReportName, string Manager, DateTimeOffset? ScheduledAt, int? DaysOverdue);

public sealed record ReviewDeadline(int ReviewId, string Person, string PersonName, string Cycle, ReviewState State, DateTimeOffset Due, bool Late);

public sealed record OverdueAction(int Id, int RcaId, string Title, string Owner, string OwnerName, DateOnly DueDate, int DaysOverdue);

public sealed record OnboardingProgress(string Person, string PersonName, int Done, int Total, int Overdue);

public sealed record TeamHealth(DateTimeOffset From, DateTimeOffset To, int People, IReadOnlyList<LoadRow> Load, LoadSpread Spread,
    IReadOnlyList<OneOnOneDue> OneOnOnes, IReadOnlyList<ReviewDeadline> Reviews, IReadOnlyList<OverdueAction> Actions, IReadOnlyList<OnboardingProgress> Onboarding);

/// <summary>
/// A manager's view of their people: on-call load spread, 1:1s overdue or never set up, review deadlines coming or
/// missed, overdue RCA action items and onboarding progress. States and figures only: no notes, no review text.
/// </summary>
public sealed class TeamHealthService(IDbContextFactory<PortalDbContext> factory, OnCallLoadService load, TimeProvider clock, AuditWriter audit)
{
    public static readonly TimeSpan DeadlineHorizon = TimeSpan.FromDays(14);

    /// <summary>The health of everyone below the viewer (admins: everyone), optionally one team's people, over the last <paramref name="days"/> days.</summary>
    public async Task<TeamHealth> HealthAsync(ClaimsPrincipal viewer, string? team = null, int days = 30, CancellationToken cancellationToken = default)
    {
        if (!viewer.HasPortalRole(PortalRole.Manager))
        {
            throw await audit.DenyAsync(viewer, "team health", "Team health is for managers and admins.", cancellationToken);
        }
        if (days is < 7 or > 180)
        {
            throw new ValidationException("days", "Look back 7 to 180 days.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var now = clock.GetUtcNow();
        var me = viewer.GetPersonId()!.Value;
        var admin = viewer.HasPortalRole(PortalRole.Admin);
        var managerOf = await ReportingLines.ManagerMapAsync(db, cancellationToken);
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(team))
        {
            teamId = await db.Teams.Where(t => t.Slug == team.Trim().ToLower()).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken)
                ?? throw new ValidationException("team", $"There is no team \"{team}\".");
        }
        var people = (await db.People.AsNoTracking().Where(p => p.Active && p.Id != me && (teamId == null || p.TeamId == teamId)).ToListAsync(cancellationToken))
            .Where(p => admin || ManagerChain.IsAbove(me, p.Id, managerOf)).OrderBy(p => p.Name).ToList();
        var ids = people.Select(p => p.Id).ToList();
        var byId = people.ToDictionary(p => p.Id);
        var from = now.AddDays(-days);

        var loads = (await load.LoadAsync(from, now, [.. people.Select(p => p.Handle)], cancellationToken: cancellationToken)).ToDictionary(l => l.Handle, StringComparer.OrdinalIgnoreCase);
        var rows = people.Where(p => p.Role == PortalRole.Engineer || loads.ContainsKey(p.Handle)).Select(p => loads.TryGetValue(p.Handle, out var l)
            ? new LoadRow(p.Handle, p.Name, l.HoursOnCall, l.OffHoursOnCall, l.Pages, l.OffHoursPages, l.NightPages)
            : new LoadRow(p.Handle, p.Name, 0, 0, 0, 0, 0)).OrderByDescending(r => r.HoursOnCall).ThenBy(r => r.Name).ToList();

        var series = await db.OneOnOneSeries.AsNoTracking().Where(s => s.Active && ids.Contains(s.ReportId))
            .Select(s => new { s.ReportId, s.ManagerId, Next = db.OneOnOneMeetings.Where(m => m.SeriesId == s.Id && m.HeldAt == null).Min(m => (DateTimeOffset?)m.ScheduledAt) })
            .ToListAsync(cancellationToken);
        var managerHandles = await db.People.AsNoTracking().Where(p => series.Select(s => s.ManagerId).Contains(p.Id) || ids.Contains(p.Id)).ToDictionaryAsync(p => p.Id, p => p.Handle, cancellationToken);
        var dues = series.Where(s => s.Next is { } next && next + OneOnOneService.OverdueAfter < now)
            .Select(s => new OneOnOneDue(byId[s.ReportId].Handle, byId[s.ReportId].Name, managerHandles[s.ManagerId], s.Next, (int)(now - s.Next!.Value).TotalDays))
            .Concat(people.Where(p => p.ManagerId is not null && series.All(s => s.ReportId != p.Id))
                .Select(p => new OneOnOneDue(p.Handle, p.Name, managerHandles.GetValueOrDefault(p.ManagerId!.Value) ?? "", null, null)))
            .OrderByDescending(d => d.DaysOverdue ?? int.MaxValue).ToList();

        var reviews = await db.Reviews.AsNoTracking().Where(r => ids.Contains(r.PersonId) && r.State != ReviewState.SignedOff)
            .Join(db.ReviewCycles, r => r.CycleId, c => c.Id, (r, c) => new { r, c }).ToListAsync(cancellationToken);
        var deadlines = reviews.Select(x =>
            {
                var due = x.r.State == ReviewState.SelfReview ? ReviewRules.SelfDue(x.r, x.c) : ReviewRules.ManagerDue(x.r, x.c);
                return new ReviewDeadline(x.r.Id, byId[x.r.PersonId].Handle, byId[x.r.PersonId].Name, x.c.Name, x.r.State, due, due < now);
            })
            .Where(d => d.Due < now + DeadlineHorizon).OrderBy(d => d.Due).ToList();

        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var actions = (await db.ActionItems.AsNoTracking().Where(a => a.Status == ActionStatus.Open && a.DueDate < today && ids.Contains(a.OwnerId)).OrderBy(a => a.DueDate).Take(200).ToListAsync(cancellationToken))
            .Select(a => new OverdueAction(a.Id, a.RcaId, a.Title, byId[a.OwnerId].Handle, byId[a.OwnerId].Name, a.DueDate, today.DayNumber - a.DueDate.DayNumber)).ToList();

        var onboarding = (await db.OnboardingTasks.AsNoTracking().Where(t => ids.Contains(t.PersonId)).ToListAsync(cancellationToken))
            .GroupBy(t => t.PersonId)
            .Select(g => new OnboardingProgress(byId[g.Key].Handle, byId[g.Key].Name, g.Count(t => t.DoneAt is not null), g.Count(), g.Count(t => t.DoneAt is null && t.DueDate < today)))
            .Where(o => o.Done < o.Total).OrderBy(o => o.PersonName).ToList();

        return new TeamHealth(from, now, people.Count, rows, Spread(rows), dues, deadlines, actions, onboarding);
    }

    /// <summary>Mean and max over the people who could carry the pager (everyone in the rows); ratio max/mean, 0 when nobody was on call.</summary>
    public static LoadSpread Spread(IReadOnlyList<LoadRow> rows)
    {
        if (rows.Count == 0)
        {
            return new LoadSpread(0, 0, 0, 0, 0, 0);
        }
        var meanHours = rows.Average(r => r.HoursOnCall);
        var maxHours = rows.Max(r => r.HoursOnCall);
        var meanPages = rows.Average(r => (double)r.OffHoursPages);
        var maxPages = rows.Max(r => r.OffHoursPages);
        return new LoadSpread(Math.Round(meanHours, 1), maxHours, meanHours == 0 ? 0 : Math.Round(maxHours / meanHours, 2),
            Math.Round(meanPages, 1), maxPages, meanPages == 0 ? 0 : Math.Round(maxPages / meanPages, 2));
    }
}
