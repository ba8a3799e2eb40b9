using Portal.Shared.Incidents;
using static Portal.Shared.Incidents.IncidentAction;
using static Portal.Shared.Incidents.IncidentStatus;

namespace Portal.Tests.Shared.Incidents;

public class IncidentTransitionsTests
{
    public static TheoryData<IncidentStatus, IncidentAction, IncidentStatus?> EveryPair => new()
    {
        { Triggered, Acknowledge, Acknowledged },
        { Triggered, Mitigate, Mitigated },
        { Triggered, Resolve, Resolved },
        { Triggered, Reopen, null },
        { Acknowledged, Acknowledge, null },
        { Acknowledged, Mitigate, Mitigated },
        { Acknowledged, Resolve, Resolved },
        { Acknowledged, Reopen, null },
        { Mitigated, Acknowledge, null },
        { Mitigated, Mitigate, null },
        { Mitigated, Resolve, Resolved },
        { Mitigated, Reopen, null },
        { Resolved, Acknowledge, null },
        { Resolved, Mitigate, null },
        { Resolved, Resolve, null },
        { Resolved, Reopen, Acknowledged },
    };

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void EveryStatusAndActionPairHasOneAnswer(IncidentStatus from, IncidentAction action, IncidentStatus? to)
    {
        Assert.Equal(to, IncidentTransitions.Next(from, action));
        Assert.Equal(to is not null, IncidentTransitions.IsAllowed(from, action));
        var why = IncidentTransitions.WhyNot("INC-1042", from, action);
        if (to is null)
        {
            Assert.NotNull(why);
            Assert.StartsWith("INC-1042 ", why, StringComparison.Ordinal);
            Assert.EndsWith(".", why, StringComparison.Ordinal);
        }
        else
        {
            Assert.Null(why);
        }
    }

    [Fact]
    public void TheTableCoversEveryPair() =>
        Assert.Equal(Enum.GetValues<IncidentStatus>().Length * Enum.GetValues<IncidentAction>().Length, EveryPair.Count);

    [Theory]
    [InlineData(Resolved, Acknowledge, "INC-7 is resolved; reopen it first.")]
    [InlineData(Acknowledged, Acknowledge, "INC-7 is already acknowledged.")]
    [InlineData(Triggered, Reopen, "INC-7 is not resolved, so there is nothing to reopen.")]
    [InlineData(Mitigated, Acknowledge, "INC-7 is already mitigated; acknowledging it would move it back.")]
    public void RefusalsAreSentencesAPersonUnderstands(IncidentStatus from, IncidentAction action, string sentence) =>
        Assert.Equal(sentence, IncidentTransitions.WhyNot("INC-7", from, action));

    [Fact]
    public void TheActionsOfferedMatchTheTable()
    {
        Assert.Equal([Acknowledge, Mitigate, Resolve], IncidentTransitions.From(Triggered));
        Assert.Equal([Reopen], IncidentTransitions.From(Resolved));
    }

    [Theory]
    [InlineData("INC-1042", true, 1042)]
    [InlineData("inc-7", true, 7)]
    [InlineData(" 1042 ", true, 1042)]
    [InlineData("INC-", false, 0)]
    [InlineData("INC-0", false, 0)]
    [InlineData("INC-12a", false, 0)]
    [InlineData("-5", false, 0)]
    [InlineData(null, false, 0)]
    public void NumbersParseWithOrWithoutThePrefix(string? text, bool ok, long number)
    {
        Assert.Equal(ok, IncidentNumber.TryParse(text, out var parsed));
        Assert.Equal(number, parsed);
        if (ok)
        {
            Assert.Equal($"INC-{number}", IncidentNumber.Format(parsed));
        }
    }
}
