using System.ComponentModel.DataAnnotations;
using Portal.Shared;
using Portal.Shared.Incidents;

namespace Portal.Tests.Shared;

public sealed class InputRulesTests
{
    private sealed record Inner(string? Name, List<string>? Tags);

    private sealed record Request(
        string? Title, [property: MultiLine] string? Notes, [property: MaxLength(3)] List<string>? Members, Severity? Severity,
        List<Inner>? Layers, Dictionary<Severity, int>? Ratings);

    private static Dictionary<string, string[]> Check(Request request) => InputRules.Check(request, "");

    [Fact]
    public void AValidRequestHasNoProblems() =>
        Assert.Empty(Check(new Request("Invoices", "Line one\nLine two", ["a", "b"], Severity.SEV2, [new Inner("Primary", ["x"])], new() { [Severity.SEV1] = 1 })));

    [Fact]
    public void ANullInAListIsNamedByItsPlaceEvenInsideAnotherList()
    {
        var errors = Check(new Request("x", null, ["a", null!], null, [new Inner("Primary", ["x", null!])], null));

        Assert.Equal(["members[1]", "layers[0].tags[1]"], errors.Keys);
    }

    [Fact]
    public void AnUndefinedEnumIsRefusedWhereverItIs()
    {
        var errors = Check(new Request("x", null, null, (Severity)99, null, new() { [(Severity)42] = 1 }));

        Assert.Contains("severity", errors.Keys);
        Assert.Contains("ratings.42", errors.Keys);
    }

    [Fact]
    public void TextsAndListsHaveTheirLimits()
    {
        var errors = Check(new Request(new string('x', InputRules.MaxLine + 1), new string('y', InputRules.MaxText + 1), ["a", "b", "c", "d"], null, null, null));

        Assert.Equal(["title", "notes", "members"], errors.Keys);
    }

    [Theory]
    [InlineData("two\nlines", true)]
    [InlineData("a\ttab", true)]
    [InlineData("nul\0", true)]
    [InlineData("plain", false)]
    public void ASingleLineRefusesControlCharacters(string title, bool refused) =>
        Assert.Equal(refused, Check(new Request(title, null, null, null, null, null)).ContainsKey("title"));

    [Fact]
    public void AMultiLineTextKeepsLineBreaksAndTabsButNotOtherControlCharacters()
    {
        Assert.Empty(Check(new Request("x", "a\r\n\tb", null, null, null, null)));
        Assert.Contains("notes", Check(new Request("x", "a\u0007b", null, null, null, null)).Keys);
    }
}
