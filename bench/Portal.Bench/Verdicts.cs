using System.Globalization;

namespace Portal.Bench;

/// <summary>
/// Every budget a scenario checks, as a row: what was measured, the budget, the ratio (measured ÷ budget for a ceiling,
/// measured ÷ baseline for a share of a baseline) and the verdict. <c>bench all</c> prints them as one table.
/// </summary>
internal static class Verdicts
{
    internal sealed record Row(string Scenario, string Figure, string Measured, string Budget, string Ratio, string Verdict);

    private static readonly List<Row> Rows = [];

    /// <summary>The scenario now running (its rows are filed under it).</summary>
    public static string Scenario { get; set; } = "";

    /// <summary>A ceiling: within when <paramref name="measured"/> is under <paramref name="budget"/> (same unit).</summary>
    public static void Under(string figure, double measured, double budget, string unit) =>
        Add(figure, Format(measured, unit), $"< {Format(budget, unit)}", (measured / budget).ToString("0.00", CultureInfo.InvariantCulture), measured < budget);

    /// <summary>A share of a baseline measured in the same run: within when <paramref name="measured"/> ÷ <paramref name="baseline"/> is at least <paramref name="share"/>.</summary>
    public static void AtLeast(string figure, double measured, double baseline, double share, string unit, bool alsoWithin = true, string? note = null)
    {
        var ratio = measured / baseline;
        Add(figure, Format(measured, unit) + (note is null ? "" : $" ({note})"), $"≥ {share:0.##} × {Format(baseline, unit)}",
            ratio.ToString("0.000", CultureInfo.InvariantCulture), ratio >= share && alsoWithin);
    }

    /// <summary>A multiple of a baseline measured in the same run: within when <paramref name="measured"/> is at most <paramref name="factor"/> × <paramref name="baseline"/>.</summary>
    public static void AtMost(string figure, double measured, double baseline, double factor, string unit) =>
        Add(figure, Format(measured, unit), $"≤ {factor:0.##} × {Format(baseline, unit)}", (measured / baseline).ToString("0.00", CultureInfo.InvariantCulture),
            measured <= factor * baseline);

    /// <summary>A figure printed for the record, with no budget of its own.</summary>
    public static void Measured(string figure, double measured, string unit) => Add(figure, Format(measured, unit), "—", "", null);

    public static void Failed(string scenario, Exception ex)
    {
        Rows.Add(new Row(scenario, "(the scenario failed)", ex.GetType().Name + ": " + ex.Message.Split('\n')[0], "", "", "FAILED"));
        Console.WriteLine($"{scenario} failed: {ex}");
    }

    private static void Add(string figure, string measured, string budget, string ratio, bool? within)
    {
        var verdict = within switch { true => "within", false => "OVER", null => "" };
        Rows.Add(new Row(Scenario, figure, measured, budget, ratio, verdict));
        Console.WriteLine($"budget ({figure}): {budget} -> {measured}{(ratio.Length > 0 ? $", ratio {ratio}" : "")}{(verdict.Length > 0 ? " -> " + verdict : "")}");
    }

    private static string Format(double value, string unit) => unit switch
    {
        "ms" => $"{value:0.0} ms",
        "s" => $"{value:0.00} s",
        "MB" => $"{value:0.00} MB",
        "/s" => $"{value:N0}/s",
        "%" => $"{value:0}%",
        _ => $"{value:0.##} {unit}",
    };

    /// <summary>All rows so far, as a Markdown table.</summary>
    public static void PrintTable()
    {
        Console.WriteLine();
        Console.WriteLine("| scenario | figure | measured | budget | ratio | verdict |");
        Console.WriteLine("|---|---|---|---|---|---|");
        foreach (var r in Rows)
        {
            Console.WriteLine($"| {r.Scenario} | {r.Figure} | {r.Measured} | {r.Budget} | {r.Ratio} | {r.Verdict} |");
        }
        var over = Rows.Count(r => r.Verdict is "OVER" or "FAILED");
        Console.WriteLine();
        Console.WriteLine($"{Rows.Count(r => r.Verdict == "within")} within, {over} over or failed, {Rows.Count(r => r.Verdict.Length == 0)} for the record");
    }
}
