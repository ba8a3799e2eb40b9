using Portal.Shared.Incidents;

namespace Portal.Tests.Shared.Incidents;

public class SlaClocksTests
{
    private static readonly DateTimeOffset Triggered = new(2026, 11, 20, 9, 0, 0, TimeSpan.Zero);

    private static SlaClock Clock(IReadOnlyList<SlaClock> clocks, SlaKind kind) => clocks.Single(c => c.Kind == kind);

    [Fact]
    public void TheDefaultsAreTheAgreedTargets()
    {
        Assert.Equal((TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(60)), (SlaTargets.DefaultFor(Severity.SEV1).Acknowledge, SlaTargets.DefaultFor(Severity.SEV1).Mitigate));
        Assert.Equal((TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(240)), (SlaTargets.DefaultFor(Severity.SEV2).Acknowledge, SlaTargets.DefaultFor(Severity.SEV2).Mitigate));
        Assert.Equal((TimeSpan.FromMinutes(60), TimeSpan.FromMinutes(1440)), (SlaTargets.DefaultFor(Severity.SEV3).Acknowledge, SlaTargets.DefaultFor(Severity.SEV3).Mitigate));
        Assert.Null(SlaTargets.DefaultFor(Severity.SEV4).Acknowledge);
        Assert.Null(SlaTargets.DefaultFor(Severity.SEV5).Mitigate);
    }

    [Fact]
    public void AnOpenSev1IsDueFiveMinutesAfterItTriggered()
    {
        var clocks = SlaClocks.For(SlaTargets.DefaultFor(Severity.SEV1), Triggered, null, null, null, Triggered.AddMinutes(3));
        var ack = Clock(clocks, SlaKind.Acknowledge);
        Assert.Equal(Triggered.AddMinutes(5), ack.Due);
        Assert.False(ack.Breached);
        Assert.Equal(TimeSpan.FromMinutes(2), ack.Remaining);
        Assert.Equal(Triggered.AddMinutes(60), Clock(clocks, SlaKind.Mitigate).Due);
    }

    [Fact]
    public void ASev1NotAcknowledgedWithinFiveMinutesHasBreached()
    {
        var clocks = SlaClocks.For(SlaTargets.DefaultFor(Severity.SEV1), Triggered, null, null, null, Triggered.AddMinutes(5).AddSeconds(1));
        var ack = Clock(clocks, SlaKind.Acknowledge);
        Assert.True(ack.Breached);
        Assert.Equal(TimeSpan.FromSeconds(-1), ack.Remaining);
        Assert.False(Clock(clocks, SlaKind.Mitigate).Breached);
    }

    [Fact]
    public void AnAcknowledgementInTimeStaysMetForever()
    {
        var clocks = SlaClocks.For(SlaTargets.DefaultFor(Severity.SEV2), Triggered, Triggered.AddMinutes(14), null, null, Triggered.AddDays(3));
        var ack = Clock(clocks, SlaKind.Acknowledge);
        Assert.True(ack.Met);
        Assert.False(ack.Breached);
        Assert.Equal(TimeSpan.Zero, ack.Remaining);
        Assert.True(Clock(clocks, SlaKind.Mitigate).Breached);
    }

    [Fact]
    public void ALateAcknowledgementIsABreachEvenAfterwards()
    {
        var clocks = SlaClocks.For(SlaTargets.DefaultFor(Severity.SEV2), Triggered, Triggered.AddMinutes(16), null, null, Triggered.AddMinutes(20));
        Assert.True(Clock(clocks, SlaKind.Acknowledge).Breached);
    }

    [Fact]
    public void ResolvingStopsBothClocks()
    {
        var clocks = SlaClocks.For(SlaTargets.DefaultFor(Severity.SEV3), Triggered, null, null, Triggered.AddMinutes(30), Triggered.AddDays(5));
        Assert.All(clocks, c => Assert.False(c.Breached));
        Assert.All(clocks, c => Assert.Equal(Triggered.AddMinutes(30), c.MetAt));
    }

    [Fact]
    public void LowSeveritiesHaveNoClocks() =>
        Assert.Empty(SlaClocks.For(SlaTargets.DefaultFor(Severity.SEV4), Triggered, null, null, null, Triggered.AddDays(30)));

    [Theory]
    [InlineData(252, "4m 12s")]
    [InlineData(3900, "1h 05m")]
    [InlineData(-123, "-2m 03s")]
    [InlineData(0, "0m 00s")]
    public void CountdownsReadAsMinutesAndSeconds(int seconds, string text) =>
        Assert.Equal(text, SlaClocks.Countdown(TimeSpan.FromSeconds(seconds)));

    [Theory]
    [InlineData(5, 60)]
    [InlineData(null, 240)]
    [InlineData(15, null)]
    [InlineData(null, null)]
    [InlineData(30, 30)]
    [InlineData(1, 43200)]
    public void TargetsWithinTheRulesPass(int? acknowledge, int? mitigate) => Assert.Empty(SlaTargets.Check(acknowledge, mitigate));

    [Theory]
    [InlineData(0, 60, "acknowledgeMinutes")]
    [InlineData(-5, 60, "acknowledgeMinutes")]
    [InlineData(5, 43201, "mitigateMinutes")]
    [InlineData(60, 30, "mitigateMinutes")]
    public void TargetsOutsideTheRulesNameTheField(int? acknowledge, int? mitigate, string field)
    {
        var errors = SlaTargets.Check(acknowledge, mitigate);
        Assert.Equal(field, Assert.Single(errors).Key);
    }

    [Fact]
    public void MitigatingBeforeAcknowledgingIsExplained() =>
        Assert.Equal("Time to mitigate (30 min) cannot be shorter than time to acknowledge (60 min).", SlaTargets.Check(60, 30)["mitigateMinutes"].Single());
}
