using Portal.Shared.Cases;

namespace Portal.Tests.Shared.Cases;

public class QualityRulesTests
{
    private static readonly IReadOnlyList<ScorecardCategory> Card = QualityRules.DefaultCategories;

    private static List<CategoryRating> Rate(params QualityRating[] ratings) =>
        [.. Card.Zip(ratings, (c, r) => new CategoryRating { Category = c.Name, Rating = r })];

    [Fact]
    public void AllMetIsAHundredAndTheScoreIsTheWeightedMean()
    {
        Assert.Equal(100, QualityRules.Score(Card, Rate(QualityRating.Met, QualityRating.Met, QualityRating.Met, QualityRating.Met, QualityRating.Met)));
        // Accuracy (weight 3) partly, the rest met: (3·50 + 2·100 + 2·100 + 2·100 + 1·100) / 10 = 85.
        Assert.Equal(85, QualityRules.Score(Card, Rate(QualityRating.Partly, QualityRating.Met, QualityRating.Met, QualityRating.Met, QualityRating.Met)));
        // The incident category (weight 1) missed: 90.
        Assert.Equal(90, QualityRules.Score(Card, Rate(QualityRating.Met, QualityRating.Met, QualityRating.Met, QualityRating.Met, QualityRating.Missed)));
    }

    [Fact]
    public void MissingACriticalCategoryZeroesTheReview()
    {
        Assert.True(Card.Single(c => c.Name == "Policy").Critical);
        Assert.Equal(0, QualityRules.Score(Card, Rate(QualityRating.Met, QualityRating.Missed, QualityRating.Met, QualityRating.Met, QualityRating.Met)));
        Assert.Equal(90, QualityRules.Score(Card, Rate(QualityRating.Met, QualityRating.Partly, QualityRating.Met, QualityRating.Met, QualityRating.Met)));
    }

    [Fact]
    public void AReviewWithACategoryUnratedHasNoScore() =>
        Assert.Null(QualityRules.Score(Card, Rate(QualityRating.Met, QualityRating.Met)));

    [Theory]
    [InlineData(0, 0.05, 0)]
    [InlineData(3, 0.05, 1)]
    [InlineData(40, 0.05, 2)]
    [InlineData(41, 0.05, 3)]
    [InlineData(2, 1.0, 2)]
    public void TheWeeklySampleTakesTheRateAndAtLeastOne(int solved, double rate, int expected) =>
        Assert.Equal(expected, QualityRules.SampleSize(solved, rate));

    [Fact]
    public void TheSpreadIsHighestMinusLowest()
    {
        Assert.Equal(35, QualityRules.Spread([85, 50, 70]));
        Assert.Equal(0, QualityRules.Spread([85]));
    }
}
