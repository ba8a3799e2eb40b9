using Portal.Shared.Admin;
using Portal.Shared.Cases;

namespace Portal.Tests.Shared.Cases;

/// <summary>How mail finds its case or its incident, and the rules of proactive notices.</summary>
public sealed class IntakeRulesTests
{
    private const string Host = "support.test";

    [Theory]
    [InlineData("<case-1234.r17@support.test>", 1234L)]
    [InlineData("case-7.survey@SUPPORT.TEST", 7L)]
    [InlineData("<case-1234.r17@elsewhere.test>", null)]
    [InlineData("<case-.r17@support.test>", null)]
    [InlineData("<case-12a.r17@support.test>", null)]
    [InlineData("<notice-1042.3-0@support.test>", null)]
    [InlineData(null, null)]
    public void ACaseIsFoundOnlyFromThisHostsCaseMessageIds(string? id, long? expected) =>
        Assert.Equal(expected, IntakeRules.NumberInMessageId(id, Host));

    [Theory]
    [InlineData("<notice-1042.3-0@support.test>", 1042L)]
    [InlineData("<notice-1042.3-0@evil.test>", null)]
    [InlineData("<case-1042.3@support.test>", null)]
    [InlineData("<notice-x.3-0@support.test>", null)]
    public void AnAnswerToANoticeNamesItsIncident(string id, long? expected) =>
        Assert.Equal(expected, IntakeRules.IncidentInNoticeId(id, Host));

    [Fact]
    public void ANoticesMessageIdsAreDistinctPerContactAndLeadBackToTheIncident()
    {
        var first = IntakeRules.NoticeMessageId(1042, 17, 0, Host);
        var second = IntakeRules.NoticeMessageId(1042, 17, 1, Host);
        Assert.NotEqual(first, second);
        Assert.Equal(1042, IntakeRules.IncidentInNoticeId(first, Host));
        Assert.Null(IntakeRules.NumberInMessageId(first, Host));
    }

    [Fact]
    public void ANoticeNamesWhatIsWrongWithItsWords()
    {
        Assert.Empty(ProactiveRules.Problems("Heads-up", "We are on it."));
        var errors = ProactiveRules.Problems("  ", new string('x', ProactiveRules.MaxBody + 1));
        Assert.Equal(["subject", "body"], errors.Keys);
        Assert.Contains("at most 5000", errors["body"][0], StringComparison.Ordinal);
        var (subject, body) = ProactiveRules.Draft("Card declines in JP", RegionCode.JP);
        Assert.Contains("(JP)", subject, StringComparison.Ordinal);
        Assert.Contains("Card declines in JP", body, StringComparison.Ordinal);
        Assert.Empty(ProactiveRules.Problems(subject, body));
    }

    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, 10, true)]
    [InlineData(20, 10, true)]
    [InlineData(10, 10, false)]
    [InlineData(10, 20, false)]
    [InlineData(10, null, false)]
    public void AnAdvertiserAskedFirstOnlyWhenTheirCaseCameBeforeAnyNotice(int? toldMinute, int? askedMinute, bool askedFirst)
    {
        var start = DateTimeOffset.UnixEpoch;
        Assert.Equal(askedFirst, ProactiveRules.AskedFirst(toldMinute is { } t ? start.AddMinutes(t) : null, askedMinute is { } a ? start.AddMinutes(a) : null));
    }

    [Fact]
    public void AnAuditActorThatIsAnAddressFitsItsColumn()
    {
        Assert.Equal("advertiser a@b.example", AuditEntry.ActorOf("advertiser", "a@b.example"));
        var long_ = AuditEntry.ActorOf("advertiser", "billing@" + new string('x', 80) + ".advertiser.example");
        Assert.Equal(AuditEntry.MaxActor, long_.Length);
        Assert.EndsWith("…", long_, StringComparison.Ordinal);
    }
}
