using Portal.Shared.Intelligence;

namespace Portal.Tests.Shared.Intelligence;

public sealed class SimilarityRulesTests
{
    [Fact]
    public void AnIncidentsTextJoinsItsPartsOnceAndIsClipped()
    {
        var text = SimilarityRules.IncidentText("Card declines in JP", ["Declines above 5%", "Declines above 5%", " "], ["Rolled back the router"], "Router bug", "Change");
        Assert.Equal("Card declines in JP. Declines above 5%. Rolled back the router. Router bug. Change", text);
        var long_ = SimilarityRules.IncidentText("x", [new string('a', 5000)], [], null, null);
        Assert.Equal(SimilarityRules.MaxText, long_.Length);
    }

    [Theory]
    [InlineData(0.50, false, false, false, 0.50)]
    [InlineData(0.50, true, false, false, 0.55)]
    [InlineData(0.50, true, true, true, 0.62)]
    public void BoostsAddUp(double cosine, bool service, bool alertClass, bool rca, double expected) =>
        Assert.Equal(expected, SimilarityRules.Score(cosine, service, alertClass, rca), 6);

    [Fact]
    public void TheReasonNamesWhatIsSharedInWords()
    {
        Assert.Equal("same service (payments); same alert class (card-declines); shared words: \"card\", \"declines\"",
            SimilarityRules.Reason("payments", "card-declines", "Card declines in JP", "JP card declines above 5%"));
        Assert.Equal("similar wording", SimilarityRules.Reason(null, null, "Ledger is late", "Invoices stuck"));
        Assert.DoesNotContain("the", SimilarityRules.Words("The ledger and the invoices"));
    }

    [Fact]
    public void TheTextHashIsStableAndTellsChangesApart()
    {
        Assert.Equal(SimilarityRules.Hash("a b"), SimilarityRules.Hash("a b"));
        Assert.NotEqual(SimilarityRules.Hash("a b"), SimilarityRules.Hash("a c"));
        Assert.Equal(32, SimilarityRules.Hash("").Length);
    }

    [Theory]
    [InlineData(0.80, 30, true)]
    [InlineData(0.75, 119, true)]
    [InlineData(0.74, 10, false)]   // too different: look-alikes stay apart
    [InlineData(0.95, 121, false)]  // too far apart in time: a recurrence, not the same problem
    [InlineData(0.95, -30, true)]   // either order
    public void AMergeNeedsMeaningAndTimeClose(double cosine, int minutesApart, bool expected) =>
        Assert.Equal(expected, SimilarityRules.LikelySame(cosine, TimeSpan.FromMinutes(minutesApart)));

    [Theory]
    [InlineData("Card declines in JP", "JP card declines above 5%", 1.0)]
    [InlineData("Card declines in JP", "Card payments late", 0.5)]  // "card" of "card", "declines"
    [InlineData("Card declines in JP", "Ledger is late", 0.0)]
    [InlineData("The and of", "Card declines", 0.0)]                 // nothing significant in the query
    public void TheLexicalHalfIsTheShareOfTheQuerysWordsTheCandidateHas(string query, string candidate, double expected) =>
        Assert.Equal(expected, SimilarityRules.Lexical(query, candidate), 6);

    [Fact]
    public void SharedWordsAddAtMostTheLexicalWeight()
    {
        Assert.Equal(0.60 + SimilarityRules.LexicalWeight, SimilarityRules.Score(0.60, false, false, false, lexical: 1), 6);
        Assert.Equal(0.60 + SimilarityRules.LexicalWeight, SimilarityRules.Score(0.60, false, false, false, lexical: 7), 6);
        Assert.Equal(0.60, SimilarityRules.Score(0.60, false, false, false, lexical: -1), 6);
    }

    [Theory]
    [InlineData(0.50, -60, true)]     // written an hour before the incident opened: the first to notice
    [InlineData(0.50, -25 * 60, false)] // more than a day before: another matter
    [InlineData(0.44, 10, false)]     // too different
    [InlineData(0.45, 600, true)]
    public void ACaseIsSuggestedForLinkingWhenCloseAndWrittenAroundTheIncident(double cosine, int minutesAfter, bool expected)
    {
        var triggered = new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero);
        Assert.Equal(expected, SimilarityRules.LinkCase(cosine, triggered.AddMinutes(minutesAfter), triggered));
    }
}
