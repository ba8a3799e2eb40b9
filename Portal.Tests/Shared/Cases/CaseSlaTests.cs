using NodaTime.Text;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;

namespace Portal.Tests.Shared.Cases;

/// <summary>Pausing and resuming case clocks, step by step and read from the whole history, in every region.</summary>
public class CaseSlaTests
{
    private static readonly LocalDateTimePattern Local = LocalDateTimePattern.CreateWithInvariantCulture("yyyy-MM-dd HH:mm");
    private static readonly BusinessCalendar Eu = RegionCalendars.Default(RegionCode.EU).ToCalendar();

    private static DateTimeOffset Eu_(string local) => Eu.Zone.AtStrictly(Local.Parse(local).Value).ToDateTimeOffset();

    public static TheoryData<string, string, string, string, string> Pauses => new()
    {
        // opened Monday 09:00 with four business hours to go: due 13:00 unpaused.
        { "2026-06-08 10:00", "2026-06-09 15:00", "2026-06-09 18:00", "paused after one hour; three left when it runs again on Tuesday at 15:00", "2026-06-08 13:00" },
        { "2026-06-08 11:00", "2026-06-08 12:00", "2026-06-08 14:00", "an hour's pause moves it an hour", "2026-06-08 13:00" },
        { "2026-06-08 14:00", "2026-06-08 16:00", "2026-06-08 13:00", "paused once overdue: it does not move", "2026-06-08 13:00" },
        { "2026-06-08 12:30", "2026-06-08 19:00", "2026-06-09 09:30", "paused until after closing: half an hour left next morning", "2026-06-08 13:00" },
        { "2026-06-08 12:59", "2026-06-08 13:01", "2026-06-08 13:02", "a pause across the due", "2026-06-08 13:00" },
    };

    [Theory]
    [MemberData(nameof(Pauses))]
    public void APauseMovesTheDueByTheWorkingTimeItLasted(string pausedAt, string resumedAt, string expected, string why, string dueBefore)
    {
        var opened = Eu_("2026-06-08 09:00");
        var due = CaseSla.Due(Eu, opened, TimeSpan.FromHours(4));
        Assert.Equal(Eu_(dueBefore), due);
        var moved = CaseSla.Resume(Eu, due, Eu_(pausedAt), Eu_(resumedAt));
        Assert.True(Eu_(expected) == moved, $"{why}: {moved:u}");
        Assert.Equal(moved, CaseSla.DueFromHistory(Eu, opened, TimeSpan.FromHours(4), [(Eu_(pausedAt), Eu_(resumedAt))]));
    }

    [Fact]
    public void AnOpenPauseBeforeTheDueLeavesNoDue()
    {
        var opened = Eu_("2026-06-08 09:00");
        Assert.Null(CaseSla.DueFromHistory(Eu, opened, TimeSpan.FromHours(4), [(Eu_("2026-06-08 10:00"), null)]));
        Assert.Equal(Eu_("2026-06-08 13:00"), CaseSla.DueFromHistory(Eu, opened, TimeSpan.FromHours(4), [(Eu_("2026-06-08 15:00"), null)]));
    }

    [Theory]
    [InlineData(RegionCode.US)]
    [InlineData(RegionCode.EU)]
    [InlineData(RegionCode.JP)]
    [InlineData(RegionCode.MX)]
    [InlineData(RegionCode.AU)]
    public void MovingTheDueAtEachResumeGivesTheSameAnswerAsTheWholeHistory(RegionCode region)
    {
        // Random cases over the year, DST changes and holidays included: the step-by-step rule the service applies
        // matches the due read from the full list of pauses.
        var calendar = RegionCalendars.Default(region).ToCalendar();
        var random = new Random(20 + (int)region);
        var start = DateTimeOffset.Parse("2026-01-01T00:00:00Z", System.Globalization.CultureInfo.InvariantCulture);
        for (var n = 0; n < 300; n++)
        {
            var opened = start.AddMinutes(random.Next(0, 365 * 24 * 60));
            var target = TimeSpan.FromMinutes(random.Next(1, 3000));
            var due = CaseSla.Due(calendar, opened, target);
            var pauses = new List<(DateTimeOffset, DateTimeOffset?)>();
            var at = opened;
            for (var p = random.Next(0, 4); p > 0; p--)
            {
                var from = at.AddMinutes(random.Next(1, 3000));
                var to = from.AddMinutes(random.Next(1, 5000));
                pauses.Add((from, to));
                due = CaseSla.Resume(calendar, due, from, to);
                at = to;
            }
            Assert.Equal(due, CaseSla.DueFromHistory(calendar, opened, target, pauses));
        }
    }

    [Fact]
    public void ATiersOwnPolicyWinsOverTheOneForEveryTier()
    {
        Assert.Equal(120, CaseSla.PolicyFor(CaseSla.Defaults, CasePriority.P3, AdvertiserTier.Managed)!.FirstReplyMinutes);
        Assert.Equal(240, CaseSla.PolicyFor(CaseSla.Defaults, CasePriority.P3, AdvertiserTier.SelfServe)!.FirstReplyMinutes);
        Assert.Equal(60, CaseSla.PolicyFor(CaseSla.Defaults, CasePriority.P1, AdvertiserTier.Managed)!.FirstReplyMinutes);
        Assert.Null(CaseSla.PolicyFor([], CasePriority.P1, AdvertiserTier.Managed));
    }

    [Theory]
    [InlineData(60, 480, null)]
    [InlineData(null, null, null)]
    [InlineData(0, 480, "firstReplyMinutes")]
    [InlineData(60, 90 * 24 * 60 + 1, "resolutionMinutes")]
    [InlineData(120, 60, "resolutionMinutes")]
    public void TargetsAreCheckedPerField(int? firstReply, int? resolution, string? field)
    {
        var errors = CaseSla.Check(firstReply, resolution);
        if (field is null)
        {
            Assert.Empty(errors);
        }
        else
        {
            Assert.Equal([field], errors.Keys);
        }
    }

    [Theory]
    [InlineData(90, "1h 30m")]
    [InlineData(-30, "30m overdue")]
    [InlineData(60 * 24 * 2 + 60 * 5, "2d 5h")]
    [InlineData(0.2, "1m")]
    public void WhatIsLeftReadsShort(double minutes, string expected) =>
        Assert.Equal(expected, CaseSla.Describe(TimeSpan.FromMinutes(minutes)));
}
