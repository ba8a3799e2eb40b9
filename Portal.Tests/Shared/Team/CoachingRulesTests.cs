using Portal.Features.Team;
using Portal.Shared.Team;

namespace Portal.Tests.Shared.Team;

public sealed class CoachingRulesTests
{
    // 1 heads 2 and 3; 2 manages 4; 4 manages 5 (a lead); 6 is an admin outside every chain.
    private static readonly Dictionary<int, int?> ManagerOf = new() { [1] = null, [2] = 1, [3] = 1, [4] = 2, [5] = 4, [6] = null };

    [Theory]
    [InlineData(5, PortalRole.Engineer, 5, Relation.Self)]
    [InlineData(4, PortalRole.Engineer, 5, Relation.Manager)]
    [InlineData(2, PortalRole.Manager, 5, Relation.Manager)]
    [InlineData(1, PortalRole.Admin, 5, Relation.Manager)]
    [InlineData(3, PortalRole.Manager, 5, Relation.None)]
    [InlineData(5, PortalRole.Engineer, 4, Relation.None)]
    [InlineData(6, PortalRole.Admin, 5, Relation.Admin)]
    public void ARelationComesFromTheReportingChain(int viewer, PortalRole role, int person, Relation expected) =>
        Assert.Equal(expected, CoachingAccess.RelationOf(viewer, role, person, ManagerOf));

    [Theory]
    [InlineData(Relation.Self, true, true)]
    [InlineData(Relation.Manager, true, true)]
    [InlineData(Relation.Admin, false, true)]
    [InlineData(Relation.None, false, false)]
    public void AdminsReadTheRecordButNotTheCoaching(Relation relation, bool coaching, bool record)
    {
        Assert.Equal(coaching, CoachingAccess.CanReadCoaching(relation));
        Assert.Equal(record, CoachingAccess.CanReadRecord(relation));
    }

    [Fact]
    public void RatingsOutsideTheScaleOrOfUnratedCompetenciesAreNamed()
    {
        var rated = ReviewRules.CompetenciesFor(PortalRole.Engineer, "L4");
        Assert.DoesNotContain(Competency.PeopleManagement, rated);
        Assert.Contains(Competency.PeopleManagement, ReviewRules.CompetenciesFor(PortalRole.Manager, "M1"));

        var problems = ReviewRules.RatingProblems(new Dictionary<Competency, int> { [Competency.Mentoring] = 0, [Competency.PeopleManagement] = 3 }, rated, complete: true);
        Assert.Contains("Mentoring: a rating is 1 to 5, not 0.", problems);
        Assert.Contains("People management is not rated in this review.", problems);
        Assert.Contains("Communication needs a rating.", problems);
        Assert.Empty(ReviewRules.RatingProblems(rated.ToDictionary(c => c, _ => 5), rated, complete: true));
        Assert.Empty(ReviewRules.RatingProblems(new Dictionary<Competency, int> { [Competency.Mentoring] = 1 }, rated, complete: false));
    }

    [Fact]
    public void ACycleNeedsAPeriodAndDeadlinesInOrder()
    {
        var now = new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);
        var start = new DateOnly(2026, 7, 1);
        var end = new DateOnly(2026, 12, 31);
        Assert.Null(ReviewRules.WhyNotCycle(start, end, now.AddDays(1), now.AddDays(2), now.AddDays(3), now));
        Assert.Equal("The period must end on or after it starts.", ReviewRules.WhyNotCycle(end, start, now.AddDays(1), now.AddDays(2), now.AddDays(3), now));
        Assert.Equal("The self-review deadline must be in the future.", ReviewRules.WhyNotCycle(start, end, now.AddDays(-1), now.AddDays(2), now.AddDays(3), now));
        Assert.Equal("The manager review is due after the self-review and peer feedback.", ReviewRules.WhyNotCycle(start, end, now.AddDays(2), now.AddDays(3), now.AddDays(1), now));
        Assert.Equal("A review period is at most 400 days.", ReviewRules.WhyNotCycle(new DateOnly(2025, 1, 1), end, now.AddDays(1), now.AddDays(2), now.AddDays(3), now));
    }

    [Fact]
    public void LoadSpreadIsMaxOverMean()
    {
        var spread = TeamHealthService.Spread(
        [
            new LoadRow("a", "A", 100, 40, 5, 4, 1),
            new LoadRow("b", "B", 50, 10, 1, 0, 0),
            new LoadRow("c", "C", 0, 0, 0, 2, 0),
        ]);
        Assert.Equal(50, spread.MeanHours);
        Assert.Equal(100, spread.MaxHours);
        Assert.Equal(2, spread.HoursRatio);
        Assert.Equal(2, spread.MeanOffHoursPages);
        Assert.Equal(2, spread.OffHoursPagesRatio);
        Assert.Equal(0, TeamHealthService.Spread([]).HoursRatio);
        Assert.Equal(0, TeamHealthService.Spread([new LoadRow("a", "A", 0, 0, 0, 0, 0)]).HoursRatio);
    }
}
