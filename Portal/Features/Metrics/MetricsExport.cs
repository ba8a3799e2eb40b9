using System.Globalization;
using System.Text;
using CsvHelper;
using CsvHelper.Configuration;
using Portal.Shared.Metrics;

namespace Portal.Features.Metrics;

/// <summary>The packs and tables as Markdown and CSV (RFC 4180: comma-separated, quoted where needed, invariant numbers).</summary>
public static class MetricsExport
{
    public static readonly string[] PackTables = ["summary", "regions", "trend", "sev1", "actions"];
    public static readonly string[] DashboardTables = ["regions", "services", "trend"];

    public static string Markdown(ReviewPack pack)
    {
        var md = new StringBuilder();
        var unit = pack.Kind == "WBR" ? "week" : "month";
        md.AppendLine(CultureInfo.InvariantCulture, $"# {pack.Kind} {pack.Period.Name}{(pack.ToDate ? " (to date)" : "")}");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"{Day(pack.Period.Start)} to {Day(pack.Period.End)} (end exclusive), reporting zone {pack.Zone}; compared with {pack.Previous.Name}. " +
            $"An incident counts in the {unit} it was triggered in.");
        md.AppendLine();
        md.AppendLine("## Callouts");
        md.AppendLine();
        foreach (var c in pack.Callouts)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"- {c.Text}");
        }
        md.AppendLine();
        md.AppendLine("## Summary");
        md.AppendLine();
        Table(md, ["Metric", pack.Period.Name, pack.Previous.Name, "Change", pack.ShortLabel, pack.LongLabel],
            pack.Summary.Select(r => new[] { Label(r), Number(r.Current), Number(r.Previous), Percent(r.ChangePercent), Number(r.ShortAverage), Number(r.LongAverage) }));
        md.AppendLine();
        md.AppendLine("## By region");
        md.AppendLine();
        Table(md, RegionHeader, pack.Regions.Select(RegionCells));
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"## Trend ({pack.Trend.Count} {unit}s)");
        md.AppendLine();
        Table(md, TrendHeader, pack.Trend.Select(TrendCells));
        md.AppendLine();
        md.AppendLine("## SEV1 incidents");
        md.AppendLine();
        if (pack.Sev1s.Count == 0)
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"None this {unit}.");
        }
        else
        {
            Table(md, Sev1Header, pack.Sev1s.Select(Sev1Cells));
        }
        md.AppendLine();
        md.AppendLine("## Overdue action items");
        md.AppendLine();
        if (pack.OverdueActions.Count == 0)
        {
            md.AppendLine("None.");
        }
        else
        {
            Table(md, ActionHeader, pack.OverdueActions.Select(ActionCells));
        }
        return md.ToString();
    }

    /// <summary>One table of a pack as CSV, or null when there is no such table.</summary>
    public static string? PackCsv(ReviewPack pack, string table) => table switch
    {
        "summary" => Csv(["metric", "unit", pack.Period.Name, pack.Previous.Name, "change_percent", pack.ShortLabel, pack.LongLabel],
            pack.Summary.Select(r => new[] { r.Metric, r.Unit, Number(r.Current), Number(r.Previous), Number(r.ChangePercent), Number(r.ShortAverage), Number(r.LongAverage) })),
        "regions" => Csv(RegionHeader, pack.Regions.Select(RegionCells)),
        "trend" => Csv(TrendHeader, pack.Trend.Select(TrendCells)),
        "sev1" => Csv(Sev1Header, pack.Sev1s.Select(Sev1Cells)),
        "actions" => Csv(ActionHeader, pack.OverdueActions.Select(ActionCells)),
        _ => null,
    };

    /// <summary>One table of the dashboard as CSV, or null when there is no such table.</summary>
    public static string? DashboardCsv(Figures figures, IReadOnlyList<TrendPoint> trend, string table) => table switch
    {
        "regions" => Csv(["region", "incidents", "sev1", "mtta_mean_min", "mttr_mean_min", "acknowledge_sla_percent", "mitigate_sla_percent", "breaches", "advertisers", "revenue_usd"],
            figures.ByRegion.Select(r => new[] { r.Region.ToString(), Number(r.Incidents), Number(r.Sev1), Number(r.MttaMean), Number(r.MttrMean), Number(r.Acknowledge.Percent),
                Number(r.Mitigate.Percent), Number(r.Breaches), Number(r.Advertisers), Number(r.RevenueUsd) })),
        "services" => Csv(["service", "name", "incidents", "advertisers", "revenue_usd"],
            figures.TopByIncidents.Concat(figures.TopByImpact).DistinctBy(s => s.Slug).Select(s => new[] { s.Slug, s.Name, Number(s.Incidents), Number(s.Advertisers), Number(s.RevenueUsd) })),
        "trend" => Csv(TrendHeader, trend.Select(TrendCells)),
        _ => null,
    };

    private static readonly string[] RegionHeader = ["Region", "Incidents", "Before", "Change", "SEV1", "MTTA mean (min)", "MTTR mean (min)", "Ack SLA %", "Mitigate SLA %", "Breaches", "Advertisers", "Revenue USD"];
    private static readonly string[] TrendHeader = ["Period", "Incidents", "SEV1", "SEV2", "SEV3", "SEV4", "SEV5", "MTTA mean (min)", "MTTR mean (min)", "Ack SLA %", "Mitigate SLA %", "Breaches", "Advertisers", "Revenue USD"];
    private static readonly string[] Sev1Header = ["Incident", "Title", "Region", "Triggered (UTC)", "Resolved (UTC)", "RCA"];
    private static readonly string[] ActionHeader = ["Action item", "RCA", "Owner", "Due", "Days overdue"];

    private static string[] RegionCells(RegionRow r) =>
        [r.Region.ToString(), Number(r.Current), Number(r.Previous), Percent(r.ChangePercent), Number(r.Sev1), Number(r.MttaMean), Number(r.MttrMean), Number(r.AcknowledgePercent),
            Number(r.MitigatePercent), Number(r.Breaches), Number(r.Advertisers), Number(r.RevenueUsd)];

    private static string[] TrendCells(TrendPoint t) =>
        [t.Name, Number(t.Incidents), .. Enum.GetValues<Shared.Incidents.Severity>().Select(s => Number(t.BySeverity.GetValueOrDefault(s))), Number(t.MttaMean), Number(t.MttrMean),
            Number(t.Acknowledge.Percent), Number(t.Mitigate.Percent), Number(t.Breaches), Number(t.Advertisers), Number(t.RevenueUsd)];

    private static string[] Sev1Cells(Sev1Row s) =>
        [s.Key, s.Title, s.Region.ToString(), Minute(s.TriggeredAt), s.ResolvedAt is { } r ? Minute(r) : "open", s.RcaId is { } id ? $"RCA {id}: {s.RcaState}{(s.RcaOverdue ? " (overdue)" : "")}" : s.RcaState];

    private static string[] ActionCells(OverdueActionRow a) => [a.Title, $"RCA {a.RcaId}", a.Owner, a.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), Number(a.DaysOverdue)];

    private static string Label(SummaryRow r) => r.Unit.Length == 0 ? r.Metric : $"{r.Metric} ({r.Unit})";

    private static void Table(StringBuilder md, IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        md.AppendLine("| " + string.Join(" | ", header) + " |");
        md.AppendLine("|" + string.Concat(header.Select((_, i) => i == 0 ? " --- |" : " ---: |")));
        foreach (var row in rows)
        {
            md.AppendLine("| " + string.Join(" | ", row.Select(c => c.Replace("|", "\\|", StringComparison.Ordinal))) + " |");
        }
    }

    /// <summary>
    /// A table as CSV: CsvHelper quotes (RFC 4180, CRLF), and every cell is neutralised first so that none can run as a
    /// formula in a spreadsheet (<see cref="CsvCells"/>).
    /// </summary>
    public static string Csv(IReadOnlyList<string> header, IEnumerable<string[]> rows)
    {
        using var text = new StringWriter(CultureInfo.InvariantCulture);
        using (var csv = new CsvWriter(text, new CsvConfiguration(CultureInfo.InvariantCulture) { NewLine = "\r\n" }))
        {
            foreach (var row in rows.Prepend([.. header]))
            {
                foreach (var cell in row)
                {
                    csv.WriteField(CsvCells.Neutralise(cell));
                }
                csv.NextRecord();
            }
        }
        return text.ToString();
    }

    public static string Number(double? value) => value is { } v ? v.ToString("0.##", CultureInfo.InvariantCulture) : "";

    private static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    private static string Percent(double? value) => value is { } v ? $"{(v > 0 ? "+" : "")}{v.ToString("0.#", CultureInfo.InvariantCulture)}%" : "";

    private static string Day(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm 'UTC'", CultureInfo.InvariantCulture);

    private static string Minute(DateTimeOffset instant) => instant.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
}
