using Portal.Shared.Cases;

namespace Portal.Tests.Shared.Cases;

public class CaseWorkflowTests
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.Parse("2026-06-08T09:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
    private static readonly CaseActor Akira = new(7, "Akira Sato");
    private static readonly CaseActor Advertiser = new(null, "billing@example.com");
    private static readonly BusinessCalendar Always = BusinessCalendar.AlwaysOpen;
    private static readonly CaseSlaPolicy Policy = new() { Priority = CasePriority.P2, FirstReplyMinutes = 60, ResolutionMinutes = 600 };

    private static SupportCase Opened()
    {
        var c = new SupportCase { Number = 12, Subject = "Charged twice", Category = "duplicate-charge", Channel = CaseChannel.Email };
        CaseWorkflow.Open(c, Advertiser, Policy, Always, T0);
        return c;
    }

    [Fact]
    public void OpeningStartsBothClocks()
    {
        var c = Opened();
        Assert.Equal(CaseStatus.New, c.Status);
        Assert.Equal(T0.AddHours(1), c.FirstReplyDueAt);
        Assert.Equal(T0.AddHours(10), c.ResolutionDueAt);
    }

    [Fact]
    public void TheFirstReplyMeetsTheFirstReplyClockAndOpensANewCase()
    {
        var c = Opened();
        var events = CaseWorkflow.Reply(c, Akira, Always, T0.AddMinutes(20));
        Assert.Equal(CaseStatus.Open, c.Status);
        Assert.Equal(T0.AddMinutes(20), c.FirstRepliedAt);
        Assert.Equal(1, c.PublicReplies);
        Assert.Equal([CaseEventKind.Replied, CaseEventKind.StatusChanged], events.Select(e => e.Kind));
        Assert.All(events, e => Assert.Equal(c.Version, e.CaseVersion));
        Assert.Empty(CaseWorkflow.Breaches(c, Always, T0.AddHours(2)));
    }

    [Fact]
    public void WaitingOnTheAdvertiserPausesTheResolutionClockUntilTheyWrite()
    {
        var c = Opened();
        CaseWorkflow.Reply(c, Akira, Always, T0.AddHours(1), then: CaseStatus.PendingAdvertiser);
        Assert.Equal(T0.AddHours(1), c.ClocksPausedSince);
        // Twenty hours later (past the unpaused due) nothing is breached: the clock is paused.
        Assert.Empty(CaseWorkflow.Breaches(c, Always, T0.AddHours(20)));
        var events = CaseWorkflow.AdvertiserWrote(c, Advertiser, Always, T0.AddHours(21), CaseWorkflow.DefaultReopenWindow)!;
        Assert.Equal(CaseStatus.Open, c.Status);
        Assert.Null(c.ClocksPausedSince);
        Assert.Equal(T0.AddHours(30), c.ResolutionDueAt);
        Assert.Equal([CaseEventKind.AdvertiserWrote, CaseEventKind.StatusChanged], events.Select(e => e.Kind));
    }

    [Fact]
    public void AMissedClockIsRecordedOnce()
    {
        var c = Opened();
        var first = CaseWorkflow.Breaches(c, Always, T0.AddHours(2)).ToList();
        Assert.Single(first);
        Assert.True(c.FirstReplyBreached);
        Assert.Equal(T0.AddHours(1), first[0].At);
        Assert.Empty(CaseWorkflow.Breaches(c, Always, T0.AddHours(3)));
    }

    [Fact]
    public void SolvingLateBreachesTheResolutionClock()
    {
        var c = Opened();
        CaseWorkflow.Reply(c, Akira, Always, T0.AddMinutes(5));
        CaseWorkflow.SetStatus(c, CaseStatus.Solved, Akira, Always, T0.AddHours(11));
        var breaches = CaseWorkflow.Breaches(c, Always, T0.AddHours(11)).ToList();
        Assert.Equal([CaseClockKind.Resolution.ToString()], breaches.Select(b => b.To));
    }

    [Fact]
    public void AMessageOnASolvedCaseReopensItWithinTheWindowAndNotAfter()
    {
        var c = Opened();
        CaseWorkflow.Reply(c, Akira, Always, T0.AddMinutes(5), then: CaseStatus.Solved);
        Assert.Equal(CaseStatus.Solved, c.Status);
        var events = CaseWorkflow.AdvertiserWrote(c, Advertiser, Always, T0.AddDays(2), TimeSpan.FromDays(7))!;
        Assert.Contains(events, e => e.Kind == CaseEventKind.Reopened);
        Assert.Equal(1, c.ReopenCount);
        Assert.Null(c.SolvedAt);
        Assert.Equal(CaseStatus.Open, c.Status);

        CaseWorkflow.SetStatus(c, CaseStatus.Solved, Akira, Always, T0.AddDays(3));
        Assert.Null(CaseWorkflow.AdvertiserWrote(c, Advertiser, Always, T0.AddDays(11), TimeSpan.FromDays(7)));
        CaseWorkflow.SetStatus(c, CaseStatus.Closed, Akira, Always, T0.AddDays(4));
        Assert.Null(CaseWorkflow.AdvertiserWrote(c, Advertiser, Always, T0.AddDays(4).AddMinutes(1), TimeSpan.FromDays(7)));
    }

    [Theory]
    [InlineData(CaseStatus.New, CaseStatus.New, "cannot be set back")]
    [InlineData(CaseStatus.New, CaseStatus.Closed, "Solve CASE-12 before closing it.")]
    [InlineData(CaseStatus.Open, CaseStatus.Open, "already Open")]
    [InlineData(CaseStatus.Closed, CaseStatus.Open, "closed")]
    [InlineData(CaseStatus.Open, CaseStatus.PendingAdvertiser, null)]
    [InlineData(CaseStatus.Solved, CaseStatus.Closed, null)]
    public void OnlyAllowedStatusChangesPass(CaseStatus from, CaseStatus to, string? why)
    {
        var c = Opened();
        c.Status = from;
        var answer = CaseWorkflow.WhyNot(c, to);
        if (why is null)
        {
            Assert.Null(answer);
        }
        else
        {
            Assert.Contains(why, answer, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void AMergedCaseTakesNoMoreChanges()
    {
        var c = Opened();
        c.MergedIntoNumber = 9;
        Assert.Contains("merged into CASE-9", CaseWorkflow.WhyNot(c, CaseStatus.Solved), StringComparison.Ordinal);
    }
}
