using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.OnCall;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Rca;
using Portal.Shared.Team;
using Portal.Features.Directory;

namespace Portal.Features.Team;

/// <summary>One week of a person's record, for the trend charts. The last week of a period may be shorter.</summary>
public sealed record RecordWeek(DateOnly Start, int Handled, IReadOnlyDictionary<Severity, int> BySeverity, int Commanded, double OnCallHours, int OffHoursPages,
    double? MttaMinutes, double? MttrMinutes);

/// <summary>
/// What a person did in operations over a period. Handled: incidents triggered in the period that they were assigned
/// or acknowledged. MTTA: from trigger to their acknowledgement, over incidents they acknowledged. MTTR: from trigger
/// to resolution, over handled incidents that are resolved. Commanded: incidents they were commander of. On call and
/// pages from the schedules and the notifications. RCAs authored: opened in the period. Action items: closed in the
/// period, and of those closed by their due date.
/// </summary>
public sealed record OperationalRecord(
    string Handle, DateTimeOffset From, DateTimeOffset To,
    int Handled, IReadOnlyDictionary<Severity, int> HandledBySeverity, double? MttaMinutes, double? MttrMinutes, int Commanded,
    double OnCallHours, double OffHoursOnCallHours, int Pages, int OffHoursPages, int NightPages,
    int RcasAuthored, int ActionItemsClosed, int ActionItemsClosedOnTime, int ActionItemsOverdue,
    IReadOnlyList<RecordWeek> Weeks, CaseRecord? Cases = null)
{
    public static OperationalRecord Empty(string handle, DateTimeOffset from, DateTimeOffset to) =>
        new(handle, from, to, 0, new Dictionary<Severity, int>(), null, null, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, []);
}

/// <summary>
/// A person's advertiser cases in a period: those assigned to them opened in it (merged duplicates left out), solved,
/// their mean first reply, solved in one touch (at most one public reply, never reopened), and the surveys of their
/// cases answered in the period (good is 4 or 5 of 5), and their internal quality score (the mean of the quality reviews
/// of their cases completed in the period).
/// </summary>
public sealed record CaseRecord(int Handled, int Solved, double? FirstReplyMinutes, int OneTouch, int CsatGood, int CsatAnswered, int QualityReviews = 0, double? QualityScore = null)
{
    public double? CsatPercent => CsatAnswered == 0 ? null : Math.Round(100.0 * CsatGood / CsatAnswered, 1);

    public double? OneTouchPercent => Solved == 0 ? null : Math.Round(100.0 * OneTouch / Solved, 1);
}

/// <summary>Per-person operational figures, read by the person page, the team health page and reviews.</summary>
public sealed class OperationalRecordService(IDbContextFactory<PortalDbContext> factory, OnCallLoadService load, TimeProvider clock)
{
    public const int MaxDays = OnCallService.MaxWindowDays;

    /// <summary>The record of <paramref name="handle"/>, for the person, their managers and admins (404 to others, audited).</summary>
    public async Task<OperationalRecord> RecordAsync(ClaimsPrincipal viewer, string handle, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken = default)
    {
        await using (var db = await factory.CreateDbContextAsync(cancellationToken))
        {
            var subject = await ReportingLines.SubjectAsync(db, viewer, handle, cancellationToken);
            await ReportingLines.RequireAsync(db, viewer, subject, CoachingAccess.CanReadRecord(subject.Relation), "operational record", clock.GetUtcNow(), false, cancellationToken);
        }
        return await ComputeAsync(handle, from, to, cancellationToken);
    }

    /// <summary>The record with no access check: for services that checked already.</summary>
    internal async Task<OperationalRecord> ComputeAsync(string handle, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        if (to <= from)
        {
            throw new ValidationException("to", "The period must end after it starts.");
        }
        if (to - from > TimeSpan.FromDays(MaxDays))
        {
            throw new ValidationException("to", $"Ask for at most {MaxDays} days at a time.");
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var person = await db.People.AsNoTracking().FirstOrDefaultAsync(p => p.Handle == handle, cancellationToken)
            ?? throw new NotFoundException($"There is no one with the handle '{handle}'.");
        var id = person.Id;

        var acknowledged = db.Timeline.Where(e => e.Kind == TimelineEventKind.Acknowledged && e.ActorId == id);
        var incidents = await db.Incidents.AsNoTracking()
            .Where(i => i.TriggeredAt >= from && i.TriggeredAt < to
                && (i.AssigneeId == id || i.CommanderId == id || acknowledged.Any(e => e.IncidentNumber == i.Number)))
            .Select(i => new { i.Number, i.Severity, i.TriggeredAt, i.ResolvedAt, i.AssigneeId, i.CommanderId })
            .ToListAsync(cancellationToken);
        var numbers = incidents.Select(i => i.Number).ToList();
        var acks = (await acknowledged.Where(e => numbers.Contains(e.IncidentNumber)).Select(e => new { e.IncidentNumber, e.At }).ToListAsync(cancellationToken))
            .GroupBy(e => e.IncidentNumber).ToDictionary(g => g.Key, g => g.Min(e => e.At));
        var rows = incidents.Select(i => new IncidentRow(i.TriggeredAt, i.Severity, i.AssigneeId == id || acks.ContainsKey(i.Number), i.CommanderId == id,
            acks.TryGetValue(i.Number, out var ack) ? (ack - i.TriggeredAt).TotalMinutes : null,
            i.ResolvedAt is { } resolved ? (resolved - i.TriggeredAt).TotalMinutes : null)).ToList();

        var rcas = await db.Rcas.CountAsync(r => r.AuthorId == id && r.CreatedAt >= from && r.CreatedAt < to, cancellationToken);
        var closed = await db.ActionItems.AsNoTracking().Where(a => a.OwnerId == id && a.ClosedAt >= from && a.ClosedAt < to)
            .Select(a => new { a.ClosedAt, a.DueDate }).ToListAsync(cancellationToken);
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        var overdue = await db.ActionItems.CountAsync(a => a.OwnerId == id && a.Status == ActionStatus.Open && a.DueDate < today, cancellationToken);

        var total = (await load.LoadAsync(from, to, [handle], cancellationToken: cancellationToken)).FirstOrDefault();
        var weeks = new List<RecordWeek>();
        for (var start = from; start < to; start = start.AddDays(7))
        {
            var end = start.AddDays(7) < to ? start.AddDays(7) : to;
            var week = rows.Where(r => r.TriggeredAt >= start && r.TriggeredAt < end).ToList();
            var weekLoad = (await load.LoadAsync(start, end, [handle], cancellationToken: cancellationToken)).FirstOrDefault();
            weeks.Add(new RecordWeek(DateOnly.FromDateTime(start.UtcDateTime), week.Count(r => r.Handled), BySeverity(week),
                week.Count(r => r.Commanded), weekLoad?.HoursOnCall ?? 0, weekLoad?.OffHoursPages ?? 0, Mean(week.Select(r => r.AckMinutes)), Mean(week.Where(r => r.Handled).Select(r => r.ResolveMinutes))));
        }
        return new OperationalRecord(handle, from, to,
            rows.Count(r => r.Handled), BySeverity(rows), Mean(rows.Select(r => r.AckMinutes)), Mean(rows.Where(r => r.Handled).Select(r => r.ResolveMinutes)),
            rows.Count(r => r.Commanded),
            total?.HoursOnCall ?? 0, total?.OffHoursOnCall ?? 0, total?.Pages ?? 0, total?.OffHoursPages ?? 0, total?.NightPages ?? 0,
            rcas, closed.Count, closed.Count(a => DateOnly.FromDateTime(a.ClosedAt!.Value.UtcDateTime) <= a.DueDate), overdue, weeks,
            await CasesAsync(db, id, from, to, cancellationToken));
    }

    private static async Task<CaseRecord> CasesAsync(PortalDbContext db, int id, DateTimeOffset from, DateTimeOffset to, CancellationToken cancellationToken)
    {
        var cases = await db.Cases.AsNoTracking()
            .Where(c => c.AssigneeId == id && c.CreatedAt >= from && c.CreatedAt < to && c.MergedIntoNumber == null)
            .Select(c => new { c.CreatedAt, c.FirstRepliedAt, c.SolvedAt, c.PublicReplies, c.ReopenCount })
            .ToListAsync(cancellationToken);
        var scores = await db.CaseSurveys.AsNoTracking()
            .Where(s => s.AnsweredAt >= from && s.AnsweredAt < to && s.Case!.AssigneeId == id && s.Case.MergedIntoNumber == null)
            .Select(s => s.Score).ToListAsync(cancellationToken);
        var solved = cases.Where(c => c.SolvedAt is not null).ToList();
        var quality = await db.QualityReviews.AsNoTracking().Where(r => r.EngineerId == id && r.CompletedAt >= from && r.CompletedAt < to && r.Score != null)
            .Select(r => r.Score!.Value).ToListAsync(cancellationToken);
        return new CaseRecord(cases.Count, solved.Count,
            Mean(cases.Where(c => c.FirstRepliedAt is not null).Select(c => (double?)(c.FirstRepliedAt!.Value - c.CreatedAt).TotalMinutes)),
            solved.Count(c => c.PublicReplies <= 1 && c.ReopenCount == 0), scores.Count(s => s >= 4), scores.Count,
            quality.Count, quality.Count == 0 ? null : Math.Round(quality.Average(), 1));
    }

    private static Dictionary<Severity, int> BySeverity(IEnumerable<IncidentRow> rows) =>
        rows.Where(r => r.Handled).GroupBy(r => r.Severity).OrderBy(g => g.Key).ToDictionary(g => g.Key, g => g.Count());

    private static double? Mean(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : Math.Round(present.Average(), 1);
    }

    private sealed record IncidentRow(DateTimeOffset TriggeredAt, Severity Severity, bool Handled, bool Commanded, double? AckMinutes, double? ResolveMinutes);
}
