using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.OnCall;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.OnCall;

public class ScheduleCalendarTests : ComponentTestContext
{
    private static CancellationToken Ct => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task AWeekShowsTheOverrideAndTheGapWhereTheyFall()
    {
        var admin = await SignInAsync(p => p.Role == PortalRole.Admin);
        await using (var db = await Database.CreateDbContextAsync(Ct))
        {
            var id = await db.Schedules.Where(s => s.Name == DemoSchedules.FollowTheSun).Select(s => s.Id).SingleAsync(Ct);
            var cover = World.People.First(p => p.Role == PortalRole.Engineer);
            // Friday 20 November, 10:00–12:00 UTC (the clock reads 09:00 UTC).
            await Services.GetRequiredService<OverrideService>().CreateOverrideAsync(admin,
                new OverrideRequest(id, cover.Handle, Clock.GetUtcNow().AddHours(1), Clock.GetUtcNow().AddHours(3), "Cover"), Ct);

            var page = Render<ScheduleCalendarPage>(p => p.Add(x => x.Id, id));

            page.WaitForAssertion(() => Assert.Equal(7, page.FindAll(".cal-day").Count));
            var friday = page.Find(".cal-day[data-date='2026-11-20']");
            var over = friday.QuerySelector($".cal-block[data-kind=Override][data-handle='{cover.Handle}']");
            Assert.NotNull(over);
            Assert.Contains("10:00–12:00", over.TextContent, StringComparison.Ordinal);
            Assert.Contains("top: 41.667%", over.GetAttribute("style"), StringComparison.Ordinal);
            // Tokyo's day ends at 08:00 UTC and Dublin's starts at 09:00 UTC: that hour is a gap, drawn where it falls.
            var gap = friday.QuerySelector(".cal-block[data-kind=Gap]");
            Assert.NotNull(gap);
            Assert.Contains("08:00–09:00", gap.TextContent, StringComparison.Ordinal);
            Assert.Equal("top: 33.333%; height: 4.167%", gap.GetAttribute("style"));
            Assert.Contains(cover.Name, page.Find("[data-testid=schedule-overrides]").TextContent, StringComparison.Ordinal);
            Assert.Contains("Gaps", page.Find("[data-testid=load]").TextContent, StringComparison.Ordinal);
            // The weekend layer's 12-hour turns are marked as weekend (and night, for whoever it is night for).
            Assert.Contains(page.Find(".cal-day[data-date='2026-11-21']").QuerySelectorAll(".cal-block .flags"), f => f.TextContent.Contains("wknd", StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task AnOverlappingOverrideInTheFormIsRefusedWithTheOtherNamed()
    {
        var manager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == Portal.Shared.Admin.RegionCode.EU);
        await SignInAsync(p => p.Handle == manager.Handle);
        await using var db = await Database.CreateDbContextAsync(Ct);
        var id = await db.Schedules.Where(s => s.Name == DemoSchedules.RegionalName(Portal.Shared.Admin.RegionCode.EU)).Select(s => s.Id).SingleAsync(Ct);

        var page = Render<ScheduleCalendarPage>(p => p.Add(x => x.Id, id));
        page.WaitForAssertion(() => page.Find("[data-testid=new-override]"));
        page.Find("[data-testid=new-override]").Click();
        // The form starts at the next whole hour (10:00 UTC, the viewer's zone is UTC here): the demo override runs until 13:00.
        page.Find("[data-testid=save-override]").Click();

        page.WaitForAssertion(() => Assert.Contains("It overlaps", page.Find("[data-testid=override-error]").TextContent, StringComparison.Ordinal));
        Assert.Equal(1, await db.Overrides.CountAsync(o => o.ScheduleId == id, Ct));
    }
}
