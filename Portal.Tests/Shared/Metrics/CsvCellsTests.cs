using Portal.Features.Metrics;
using Portal.Shared.Metrics;

namespace Portal.Tests.Shared.Metrics;

public sealed class CsvCellsTests
{
    [Theory]
    [InlineData("=HYPERLINK(\"http://evil\",\"x\")", "'=HYPERLINK(\"http://evil\",\"x\")")]
    [InlineData("+1+cmd|' /C calc'!A0", "'+1+cmd|' /C calc'!A0")]
    [InlineData("-2+3", "'-2+3")]
    [InlineData("@SUM(A1)", "'@SUM(A1)")]
    [InlineData("\tTabbed", "'\tTabbed")]
    [InlineData("\rReturn", "'\rReturn")]
    [InlineData("-12.5", "-12.5")]
    [InlineData("+3", "+3")]
    [InlineData("Payments", "Payments")]
    [InlineData("", "")]
    public void ACellThatCouldRunAsAFormulaIsNeutralisedAndANumberIsNot(string cell, string expected) =>
        Assert.Equal(expected, CsvCells.Neutralise(cell));

    [Fact]
    public void AnExportedTableIsQuotedByTheLibraryAndCarriesNoFormula()
    {
        var csv = MetricsExport.Csv(["title", "change"], [["=1+2", "-3.5"], ["Refunds, late", "4"], ["Say \"hi\"", "0"]]);

        Assert.Equal("title,change\r\n'=1+2,-3.5\r\n\"Refunds, late\",4\r\n\"Say \"\"hi\"\"\",0\r\n", csv);
    }
}
