using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Metrics;
using Portal.Shared.Rca;

namespace Portal.Features.Metrics;

/// <summary>One line of a pack's summary: this period, the one before, the change, and the short and long averages.</summary>
public sealed record SummaryRow(string Metric, string Unit, double? Current, double? Previous, double? ChangePercent, double? ShortAverage, double? LongAverage, string? Drill);

public sealed record RegionRow(RegionCode Region, int Current, int Previous, double? ChangePercent, int Sev1, double? MttaMean, double? MttrMean, double? AcknowledgePercent,
    double? MitigatePercent, int Breaches, long Advertisers, double RevenueUsd, string Drill);

public sealed record Callout(string Kind, string Text, string? Link);

public sealed record Sev1Row(string Key, string Title, RegionCode Region, DateTimeOffset TriggeredAt, DateTimeOffset? ResolvedAt, int? RcaId, string RcaState, bool RcaOverdue);

public sealed record OverdueActionRow(int Id, int RcaId, string Title, string Owner, DateOnly DueDate, int DaysOverdue);

/// <summary>A weekly or monthly business review: every figure of the period against the one before and the trend, by region, with callouts.</summary>
public sealed record ReviewPack(string Kind, ReportingPeriod Period, ReportingPeriod Previous, string Zone, bool ToDate, string ShortLabel, string LongLabel,
    Figures Current, Figures Prior, IReadOnlyList<TrendPoint> Trend, IReadOnlyList<SummaryRow> Summary, IReadOnlyList<RegionRow> Regions,
    IReadOnlyList<Callout> Callouts, IReadOnlyList<Sev1Row> Sev1s, IReadOnlyList<OverdueActionRow> OverdueActions, CaseFigures? Cases = null, CaseFigures? PriorCases = null);

/// <summary>Builds the WBR (a week against the week before, 4- and 13-week trends) and the MBR (a month against the month before, trailing year).</summary>
public sealed class ReviewPackService(IDbContextFactory<PortalDbContext> factory, MetricsService metrics, CaseMetricsService caseMetrics, TimeProvider clock,
    IEnumerable<IReviewFigures> others)
{
    private const int MaxSev1Callouts = 5;

    /// <summary>The WBR of an ISO week ("2026-W47"); by default the last complete week.</summary>
    public Task<ReviewPack> WbrAsync(string? week, CancellationToken cancellationToken = default)
    {
        var period = string.IsNullOrWhiteSpace(week)
            ? ReportingCalendar.Shift(ReportingCalendar.WeekOf(clock.GetUtcNow(), metrics.Zone), -1, metrics.Zone)
            : ReportingCalendar.Week(week, metrics.Zone, out var problem) ?? throw new ValidationException("week", problem!);
        var trend = ReportingCalendar.WeeksEndingWith(period, 13, metrics.Zone);
        return BuildAsync("WBR", period, trend, 4, "4-week avg", "13-week avg", cancellationToken);
    }

    /// <summary>The MBR of a month ("2026-11"); by default the current month, to date.</summary>
    public Task<ReviewPack> MbrAsync(string? month, CancellationToken cancellationToken = default)
    {
        var period = string.IsNullOrWhiteSpace(month)
            ? ReportingCalendar.MonthOf(clock.GetUtcNow(), metrics.Zone)
            : ReportingCalendar.Month(month, metrics.Zone, out var problem) ?? throw new ValidationException("month", problem!);
        var trend = ReportingCalendar.MonthsEndingWith(period, 12, metrics.Zone);
        return BuildAsync("MBR", period, trend, 3, "3-month avg", "12-month avg", cancellationToken);
    }

    private async Task<ReviewPack> BuildAsync(string kind, ReportingPeriod period, IReadOnlyList<ReportingPeriod> trendPeriods, int shortCount, string shortLabel, string longLabel,
        CancellationToken cancellationToken)
    {
        var now = clock.GetUtcNow();
        if (period.Start > now)
        {
            throw new ValidationException(kind == "WBR" ? "week" : "month", $"{period.Name} has not started yet.");
        }
        var previous = trendPeriods[^2];
        var filter = new MetricsFilter();
        var current = await metrics.FiguresAsync(period.Start, period.End, filter, cancellationToken);
        var prior = await metrics.FiguresAsync(previous.Start, previous.End, filter, cancellationToken);
        var trend = await metrics.TrendAsync(trendPeriods, filter, cancellationToken);
        var recent = trend.TakeLast(shortCount).ToList();

        string Drill(string extra = "") => $"/incidents?status=all&from={Iso(period.Start)}&to={Iso(period.End)}{extra}";
        SummaryRow Row(string metric, string unit, double? c, double? p, Func<TrendPoint, double?>? t = null, string? drill = null) =>
            new(metric, unit, c, p, Change(c, p), t is null ? null : Average(recent.Select(t)), t is null ? null : Average(trend.Select(t)), drill);
        var summary = new List<SummaryRow>
        {
            Row("Incidents", "", current.Incidents, prior.Incidents, t => t.Incidents, Drill()),
            Row("SEV1", "", current.BySeverity.GetValueOrDefault(Severity.SEV1), prior.BySeverity.GetValueOrDefault(Severity.SEV1), t => t.BySeverity.GetValueOrDefault(Severity.SEV1), Drill("&severity=SEV1")),
            Row("SEV2", "", current.BySeverity.GetValueOrDefault(Severity.SEV2), prior.BySeverity.GetValueOrDefault(Severity.SEV2), t => t.BySeverity.GetValueOrDefault(Severity.SEV2), Drill("&severity=SEV2")),
            Row("MTTA mean", "min", current.Mtta.Mean, prior.Mtta.Mean, t => t.MttaMean),
            Row("MTTA p50", "min", current.Mtta.P50, prior.Mtta.P50),
            Row("MTTA p90", "min", current.Mtta.P90, prior.Mtta.P90),
            Row("MTTR mean", "min", current.Mttr.Mean, prior.Mttr.Mean, t => t.MttrMean),
            Row("MTTR p50", "min", current.Mttr.P50, prior.Mttr.P50),
            Row("MTTR p90", "min", current.Mttr.P90, prior.Mttr.P90),
            Row("Acknowledge SLA met", "%", current.Acknowledge.Percent, prior.Acknowledge.Percent, t => t.Acknowledge.Percent),
            Row("Mitigate SLA met", "%", current.Mitigate.Percent, prior.Mitigate.Percent, t => t.Mitigate.Percent),
            Row("SLA breaches", "", current.AcknowledgeBreaches + current.MitigateBreaches, prior.AcknowledgeBreaches + prior.MitigateBreaches, t => t.Breaches, Drill("&breached=true")),
            Row("Recurrence rate", "%", current.RecurrenceRate, prior.RecurrenceRate),
            Row("Recurred after fix", "", current.RecurredAfterFix, prior.RecurredAfterFix),
            Row("RCAs published on time", "%", current.RcaOnTime.Percent, prior.RcaOnTime.Percent),
            Row("Action items closed on time", "%", current.ActionsOnTime.Percent, prior.ActionsOnTime.Percent),
            Row("Pages", "", current.Pages, prior.Pages),
            Row("Off-hours pages", "", current.OffHoursPages, prior.OffHoursPages),
            Row("Pages per on-call shift", "", current.PagesPerShift, prior.PagesPerShift),
            Row("Alerts per alerted incident", "", current.AlertsPerIncident, prior.AlertsPerIncident),
            Row("Alerts that opened no incident", "", current.AlertsJoinedOpenIncident, prior.AlertsJoinedOpenIncident),
            Row("Advertisers affected", "", current.Advertisers, prior.Advertisers, t => t.Advertisers),
            Row("Revenue at risk", "USD", current.RevenueUsd, prior.RevenueUsd, t => t.RevenueUsd),
        };
        var cases = await caseMetrics.FiguresAsync(period.Start, period.End, new CaseFilter(), cancellationToken);
        var priorCases = await caseMetrics.FiguresAsync(previous.Start, previous.End, new CaseFilter(), cancellationToken);
        summary.AddRange(CaseRows(cases, priorCases));
        foreach (var module in others)
        {
            var theirs = await module.ForAsync(period.Start, period.End, cancellationToken);
            var before = await module.ForAsync(previous.Start, previous.End, cancellationToken);
            summary.AddRange(theirs.Select(f => Row(f.Metric, f.Unit, f.Value, before.FirstOrDefault(b => b.Metric == f.Metric)?.Value)));
        }
        var regions = Enum.GetValues<RegionCode>().Select(r =>
        {
            var c = current.ByRegion.FirstOrDefault(x => x.Region == r);
            var p = prior.ByRegion.FirstOrDefault(x => x.Region == r);
            return new RegionRow(r, c?.Incidents ?? 0, p?.Incidents ?? 0, Change(c?.Incidents ?? 0, p?.Incidents ?? 0), c?.Sev1 ?? 0, c?.MttaMean, c?.MttrMean,
                c?.Acknowledge.Percent, c?.Mitigate.Percent, c?.Breaches ?? 0, c?.Advertisers ?? 0, c?.RevenueUsd ?? 0, Drill($"&region={r}"));
        }).ToList();

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var sev1s = await db.Incidents.AsNoTracking()
            .Where(i => i.Severity == Severity.SEV1 && i.TriggeredAt >= period.Start && i.TriggeredAt < period.End)
            .OrderBy(i => i.TriggeredAt).Take(50)
            .Select(i => new
            {
                i.Number, i.Title, i.Region, i.TriggeredAt, i.ResolvedAt,
                Rca = db.RcaIncidents.Where(r => r.IncidentNumber == i.Number).Join(db.Rcas, r => r.RcaId, r => r.Id, (_, r) => new { r.Id, r.State, r.DueAt }).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        var sev1Rows = sev1s.Select(i => new Sev1Row(IncidentNumber.Format(i.Number), i.Title, i.Region, i.TriggeredAt, i.ResolvedAt, i.Rca?.Id,
            i.Rca is null ? "no RCA yet" : i.Rca.State.ToString(), i.Rca is { State: not RcaState.Published, DueAt: { } due } && due < now)).ToList();
        var today = DateOnly.FromDateTime(now.UtcDateTime);
        var overdue = await db.ActionItems.AsNoTracking().Where(a => a.Status == ActionStatus.Open && a.DueDate < today).OrderBy(a => a.DueDate).Take(10)
            .Join(db.People, a => a.OwnerId, p => p.Id, (a, p) => new { a.Id, a.RcaId, a.Title, p.Name, a.DueDate }).ToListAsync(cancellationToken);
        var overdueRows = overdue.Select(a => new OverdueActionRow(a.Id, a.RcaId, a.Title, a.Name, a.DueDate, today.DayNumber - a.DueDate.DayNumber)).ToList();

        var callouts = Callouts(kind, current, prior, regions, sev1Rows, overdueRows, Drill).Concat(CaseCallouts(kind, cases, priorCases)).ToList();
        return new ReviewPack(kind, period, previous, metrics.Zone.Id, period.End > now, shortLabel, longLabel, current, prior, trend, summary, regions, callouts, sev1Rows, overdueRows,
            cases, priorCases);
    }

    /// <summary>The advertiser cases' lines of the summary: this period against the one before.</summary>
    private static IEnumerable<SummaryRow> CaseRows(CaseFigures c, CaseFigures p)
    {
        SummaryRow Row(string metric, string unit, double? now, double? before, string? drill = null) => new(metric, unit, now, before, Change(now, before), null, null, drill);
        yield return Row("Cases opened", "", c.Opened, p.Opened, "/cases?status=all");
        yield return Row("Case first reply mean", "min", c.FirstReply.Mean, p.FirstReply.Mean);
        yield return Row("Case resolution p50", "min", c.Resolution.P50, p.Resolution.P50);
        yield return Row("Case resolution p90", "min", c.Resolution.P90, p.Resolution.P90);
        yield return Row("CSAT", "%", c.Csat.Percent, p.Csat.Percent);
        yield return Row("Survey response rate", "%", c.SurveyResponse.Percent, p.SurveyResponse.Percent);
        yield return Row("One-touch resolution", "%", c.OneTouch.Percent, p.OneTouch.Percent);
        yield return Row("No-follow-up resolution", "%", c.NoFollowUp.Percent, p.NoFollowUp.Percent);
        yield return Row("Cases reopened", "%", c.Reopened.Percent, p.Reopened.Percent);
        yield return Row("Case first reply SLA met", "%", c.FirstReplySla.Percent, p.FirstReplySla.Percent, "/cases?status=all&breached=true");
        yield return Row("Case resolution SLA met", "%", c.ResolutionSla.Percent, p.ResolutionSla.Percent, "/cases?status=all&breached=true");
        yield return Row("Case backlog now", "", c.Backlog, null, "/cases");
        yield return Row("Advertisers told before they asked", "", c.ToldFirst.Met, p.ToldFirst.Met);
        yield return Row("Told before they asked, of affected", "%", c.ToldFirst.Percent, p.ToldFirst.Percent);
    }

    /// <summary>The case callouts: CSAT that moved, volume that jumped, first-reply SLA below target.</summary>
    private static IEnumerable<Callout> CaseCallouts(string kind, CaseFigures c, CaseFigures p)
    {
        var unit = kind == "WBR" ? "week" : "month";
        if (c.Csat.Percent is { } now && p.Csat.Percent is { } before && Math.Abs(now - before) >= 5)
        {
            yield return new Callout("cases", $"CSAT {(now > before ? "up" : "down")} {Math.Abs(now - before):0.#} points: {before:0.#}% → {now:0.#}% ({c.Csat.Of} answers).", null);
        }
        if (Change(c.Opened, p.Opened) is { } change && Math.Abs(change) >= 20 && Math.Max(c.Opened, p.Opened) >= 10)
        {
            yield return new Callout("cases", $"Advertiser cases {(change > 0 ? "up" : "down")} {Math.Abs(change):0}% ({p.Opened} → {c.Opened}) on the {unit} before.", "/cases?status=all");
        }
        if (c.ToldFirst.Of >= 5 && c.ToldFirst.Percent is < 50)
        {
            yield return new Callout("cases", $"Most advertisers hurt by incidents wrote in before we told them: {c.ToldFirst.Of - c.ToldFirst.Met} asked first, {c.ToldFirst.Met} were told first.", null);
        }
        if (c.FirstReplySla.Percent is < 90)
        {
            yield return new Callout("cases", $"Only {c.FirstReplySla.Percent:0.#}% of first replies met their SLA ({c.FirstReplySla.Met} of {c.FirstReplySla.Of}).", "/cases?status=all&breached=true");
        }
    }

    /// <summary>What a leader should look at first, from the numbers: the largest moves, breaches, SEV1s and their RCAs, overdue actions.</summary>
    private static IEnumerable<Callout> Callouts(string kind, Figures current, Figures prior, IReadOnlyList<RegionRow> regions, IReadOnlyList<Sev1Row> sev1s,
        List<OverdueActionRow> overdue, Func<string, string> drill)
    {
        var unit = kind == "WBR" ? "week" : "month";
        var moves = regions.Where(r => Math.Max(r.Current, r.Previous) >= 5 && r.Current != r.Previous)
            .Select(r => (Label: $"{r.Region} incidents", r.Current, r.Previous, Link: r.Drill))
            .Concat(Enum.GetValues<Severity>().Select(s => (Label: $"{s} incidents", Current: current.BySeverity.GetValueOrDefault(s), Previous: prior.BySeverity.GetValueOrDefault(s),
                Link: drill($"&severity={s}"))).Where(s => Math.Max(s.Current, s.Previous) >= 5 && s.Current != s.Previous))
            .OrderByDescending(m => Math.Abs(m.Current - m.Previous)).Take(3);
        foreach (var m in moves)
        {
            var change = Change(m.Current, m.Previous);
            yield return new Callout("change", $"{m.Label} {(m.Current > m.Previous ? "up" : "down")} {(change is { } c ? $"{Math.Abs(c):0}%" : "")} ({m.Previous} → {m.Current}) on the {unit} before.", m.Link);
        }
        foreach (var (name, now, before) in new[] { ("MTTA", current.Mtta.Mean, prior.Mtta.Mean), ("MTTR", current.Mttr.Mean, prior.Mttr.Mean) })
        {
            if (Change(now, before) is { } c && Math.Abs(c) >= 20)
            {
                yield return new Callout("change", $"{name} mean {(c > 0 ? "worse" : "better")} by {Math.Abs(c):0}%: {Durations.Minutes(before)} → {Durations.Minutes(now)}.", null);
            }
        }
        var breaches = current.AcknowledgeBreaches + current.MitigateBreaches;
        yield return new Callout("breaches",
            breaches == 0 ? $"No SLA breaches this {unit}." : $"{breaches} SLA breach{(breaches == 1 ? "" : "es")} ({current.AcknowledgeBreaches} acknowledge, {current.MitigateBreaches} mitigate), {prior.AcknowledgeBreaches + prior.MitigateBreaches} the {unit} before.",
            breaches == 0 ? null : drill("&breached=true"));
        // Each SEV1 with where its RCA stands; past a handful, the table below lists the rest.
        foreach (var s in sev1s.Take(MaxSev1Callouts))
        {
            yield return new Callout("sev1", $"SEV1 {s.Key} ({s.Region}) {s.Title}: {(s.RcaId is null ? "no RCA yet" : $"RCA {s.RcaState}")}{(s.RcaOverdue ? ", overdue" : "")}.",
                s.RcaId is { } id ? $"/rca/{id}" : $"/incidents/{s.Key}");
        }
        if (current.BySeverity.GetValueOrDefault(Severity.SEV1) is var more and > MaxSev1Callouts)
        {
            yield return new Callout("sev1", $"…and {more - MaxSev1Callouts} more SEV1 incidents this {unit}.", drill("&severity=SEV1"));
        }
        if (current.ActionsOverdue > 0)
        {
            var oldest = overdue.Count > 0 ? overdue[0] : null;
            yield return new Callout("actions", $"{current.ActionsOverdue} RCA action item{(current.ActionsOverdue == 1 ? "" : "s")} overdue{(oldest is null ? "" : $"; the oldest, \"{oldest.Title}\" ({oldest.Owner}), by {oldest.DaysOverdue} days")}.",
                oldest is null ? null : $"/rca/{oldest.RcaId}");
        }
        if (current.RecurredAfterFix > 0)
        {
            yield return new Callout("recurrence", $"{current.RecurredAfterFix} incident{(current.RecurredAfterFix == 1 ? "" : "s")} recurred after the fix was closed.", null);
        }
    }

    internal static double? Change(double? current, double? previous) =>
        current is { } c && previous is { } p && p != 0 ? Math.Round(100 * (c - p) / p, 1) : null;

    private static double? Average(IEnumerable<double?> values)
    {
        var present = values.OfType<double>().ToList();
        return present.Count == 0 ? null : Math.Round(present.Average(), 1);
    }

    internal static string Iso(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
}
