using Portal.Shared.OnCall;

namespace Portal.Tests.Shared.OnCall;

public class EscalationRulesTests
{
    private static EscalationLevel Level(int delay, params (EscalationTargetKind Kind, int Id)[] targets) =>
        new() { DelayMinutes = delay, Targets = [.. targets.Select(t => new EscalationTarget { Kind = t.Kind, Id = t.Id })] };

    private static EscalationPolicy Policy(int repeat, params EscalationLevel[] levels) => new() { Id = 1, Name = "Payments", Repeat = repeat, Levels = [.. levels] };

    [Fact]
    public void EachLevelPagesThenWaitsItsDelayAndTheLastFinishesWithoutARepeat()
    {
        var policy = Policy(0, Level(5, (EscalationTargetKind.Schedule, 1)), Level(15, (EscalationTargetKind.Person, 7)));
        Assert.Equal(new EscalationStep(0, 1, 0, TimeSpan.FromMinutes(5)), EscalationRules.Step(policy, 0, 0));
        Assert.Equal(new EscalationStep(1, 2, 0, TimeSpan.FromMinutes(15)), EscalationRules.Step(policy, 1, 0));
        var done = EscalationRules.Step(policy, 2, 0);
        Assert.True(done.Finishes);
    }

    [Fact]
    public void ARepeatStartsAgainAtTheFirstLevelUntilTheRoundsAreUsed()
    {
        var policy = Policy(1, Level(5, (EscalationTargetKind.Schedule, 1)));
        Assert.Equal(new EscalationStep(0, 0, 1, TimeSpan.FromMinutes(5)), EscalationRules.Step(policy, 0, 0));
        Assert.Equal(new EscalationStep(0, 1, 1, TimeSpan.FromMinutes(5)), EscalationRules.Step(policy, 0, 1));
    }

    [Fact]
    public void APolicyNamesEveryBrokenRuleByField()
    {
        var errors = EscalationRules.Validate(" ", EscalationRules.MaxRepeat + 1,
            [Level(0), Level(30, (EscalationTargetKind.Person, 99))], t => t.Id != 99);
        Assert.Equal(["name", "repeat", "levels[0]", "levels[1]"], errors.Keys);
        Assert.Contains(errors["levels[0]"], m => m.Contains("waits between 1 and", StringComparison.Ordinal));
        Assert.Contains(errors["levels[0]"], m => m.Contains("notifies nobody", StringComparison.Ordinal));
        Assert.Equal(["Level 2 names a target that does not exist."], errors["levels[1]"]);
        Assert.Empty(EscalationRules.Validate("Payments", 0, [Level(5, (EscalationTargetKind.Team, 1))], _ => true));
        Assert.Contains("levels", EscalationRules.Validate("Payments", 0, [], _ => true).Keys);
    }

    [Fact]
    public void APolicyThatWouldHandIncidentsBackToItselfIsFoundAnywhereInTheChain()
    {
        var others = new Dictionary<int, IReadOnlyList<EscalationLevel>>
        {
            [2] = [Level(5, (EscalationTargetKind.Policy, 3))],
            [3] = [Level(5, (EscalationTargetKind.Person, 7)), Level(5, (EscalationTargetKind.Policy, 1))],
            [4] = [Level(5, (EscalationTargetKind.Policy, 2))],
        };
        Assert.Equal([1, 2, 3, 1], EscalationRules.FindLoop(1, [Level(5, (EscalationTargetKind.Policy, 2))], id => others.GetValueOrDefault(id)));
        Assert.Null(EscalationRules.FindLoop(5, [Level(5, (EscalationTargetKind.Policy, 4))], id => id == 3 ? [Level(5, (EscalationTargetKind.Person, 7))] : others.GetValueOrDefault(id)));
    }
}
