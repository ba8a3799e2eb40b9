using Portal.Shared.OnCall;

namespace Portal.Tests.Shared.OnCall;

public class ScheduleRulesTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    [Fact]
    public void AnOverrideWindowMustBeAheadShortAndTheRightWayRound()
    {
        Assert.Null(ScheduleRules.WhyNotOverride(Now, Now.AddHours(8), Now));
        // "From now" typed a minute ago still counts as now.
        Assert.Null(ScheduleRules.WhyNotOverride(Now.AddMinutes(-2), Now.AddHours(1), Now));
        Assert.Contains("its end equals its start", ScheduleRules.WhyNotOverride(Now.AddHours(1), Now.AddHours(1), Now), StringComparison.Ordinal);
        Assert.Contains("must end after it starts", ScheduleRules.WhyNotOverride(Now.AddHours(2), Now.AddHours(1), Now), StringComparison.Ordinal);
        Assert.Contains("That window is over", ScheduleRules.WhyNotOverride(Now.AddHours(-3), Now.AddHours(-1), Now), StringComparison.Ordinal);
        Assert.Contains("cannot start in the past", ScheduleRules.WhyNotOverride(Now.AddHours(-1), Now.AddHours(1), Now), StringComparison.Ordinal);
        Assert.Contains($"at most {ScheduleRules.MaxOverrideDays} days", ScheduleRules.WhyNotOverride(Now, Now.AddDays(ScheduleRules.MaxOverrideDays + 1), Now), StringComparison.Ordinal);
    }

    [Fact]
    public void TheFirstOverlappingOverrideIsNamedAndTouchingOnesDoNotOverlap()
    {
        var existing = new[]
        {
            new ScheduleOverride { Id = 2, Start = Now.AddHours(4), End = Now.AddHours(6) },
            new ScheduleOverride { Id = 1, Start = Now.AddHours(1), End = Now.AddHours(3) },
        };
        Assert.Equal(1, ScheduleRules.FirstOverlap(existing, Now.AddHours(2), Now.AddHours(5))!.Id);
        Assert.Null(ScheduleRules.FirstOverlap(existing, Now.AddHours(3), Now.AddHours(4)));
        Assert.Equal(2, ScheduleRules.FirstOverlap(existing, Now.AddHours(2), Now.AddHours(5), except: 1)!.Id);
    }

    [Fact]
    public void ASchedulesBrokenRulesAreKeyedByLayerField()
    {
        var layers = new List<ScheduleLayer>
        {
            new() { Name = "Primary", Members = [1, 2], Zone = "Asia/Tokyo" },
            new() { Members = [], Zone = "Mars/Olympus", Rotation = RotationKind.Hours, ShiftHours = 0 },
            new() { Name = "Backup", Members = [3, 404], Zone = "UTC" },
        };
        var errors = ScheduleRules.Validate("JP billing", layers, id => id != 404);
        Assert.Equal(["layers[1].members", "layers[1].zone", "layers[1].shiftHours", "layers[2].members"], errors.Keys);
        Assert.Equal(["Layer 2: a rotation needs at least one person."], errors["layers[1].members"]);
        Assert.Equal(["Layer \"Backup\": person #404 does not exist or is inactive."], errors["layers[2].members"]);
        Assert.Equal(["layers"], ScheduleRules.Validate("JP billing", [], _ => true).Keys);
        Assert.Contains("name", ScheduleRules.Validate(new string('x', ScheduleRules.MaxName + 1), [layers[0]], _ => true).Keys);
        Assert.Empty(ScheduleRules.Validate("JP billing", [layers[0]], _ => true));
    }
}
