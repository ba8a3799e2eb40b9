using Microsoft.Extensions.Time.Testing;
using Portal.Infrastructure.Live;

namespace Portal.Tests.Infrastructure;

public class PresenceTests
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 11, 20, 9, 0, 0, TimeSpan.Zero));

    [Fact]
    public void ViewersAreDistinctPeopleAndLeaveWhenTheyClose()
    {
        var presence = new InMemoryPresence(_clock);
        var changed = new List<long>();
        presence.Changed += changed.Add;

        var akira = presence.Join(1042, "akira.sato", "Akira Sato");
        var akiraSecondTab = presence.Join(1042, "akira.sato", "Akira Sato");
        var lea = presence.Join(1042, "lea.martin", "Lea Martin");
        using var elsewhere = presence.Join(7, "lea.martin", "Lea Martin");

        Assert.Equal(["Akira Sato", "Lea Martin"], presence.Viewers(1042).Select(v => v.Name));
        Assert.Equal(new Dictionary<long, int> { [1042] = 2, [7] = 1 }, presence.Counts([1042, 7, 99]));

        akira.Dispose();
        Assert.Equal(2, presence.Viewers(1042).Count);
        akiraSecondTab.Dispose();
        lea.Dispose();
        lea.Dispose();
        Assert.Empty(presence.Viewers(1042));
        Assert.False(presence.Counts([1042]).ContainsKey(1042));
        Assert.Equal(6, changed.Count(n => n == 1042));
    }

    [Fact]
    public void TypingShowsForAFewSecondsAfterTheLastKeystroke()
    {
        var presence = new InMemoryPresence(_clock);
        using var akira = presence.Join(1042, "akira.sato", "Akira Sato");
        presence.Typing(1042, "akira.sato");
        Assert.True(presence.Viewers(1042).Single().Typing);

        _clock.Advance(InMemoryPresence.TypingFor - TimeSpan.FromSeconds(1));
        Assert.True(presence.Viewers(1042).Single().Typing);
        _clock.Advance(TimeSpan.FromSeconds(2));
        Assert.False(presence.Viewers(1042).Single().Typing);
    }
}
