using System.Globalization;

namespace Portal.Shared.Metrics;

/// <summary>
/// Keeps a cell of an exported CSV from being run as a formula when the file is opened in a spreadsheet: text that
/// starts with <c>=</c>, <c>+</c>, <c>-</c>, <c>@</c>, a tab or a carriage return gets a leading apostrophe (OWASP's
/// advice). A plain number, negative ones included, is left as it is, so figures stay figures.
/// </summary>
public static class CsvCells
{
    private static readonly char[] Triggers = ['=', '+', '-', '@', '\t', '\r'];

    public static string Neutralise(string cell) =>
        cell.Length > 0 && Triggers.Contains(cell[0]) && !IsNumber(cell) ? "'" + cell : cell;

    private static bool IsNumber(string cell) =>
        double.TryParse(cell, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out _);
}
