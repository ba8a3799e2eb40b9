using Microsoft.Extensions.DependencyInjection;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Incidents;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Incidents;

public sealed class DemoTrafficTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["Demo:Traffic"] = "true" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DemoTrafficOpensAndWorksIncidentsAsTimePasses()
    {
        _portal.AnonymousClient().Dispose();
        for (var i = 0; i < 200 && await CountAsync(i => true) < 10; i++)
        {
            _portal.Clock.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(30, Ct);
        }
        Assert.True(await CountAsync(i => true) >= 8);
        for (var i = 0; i < 300 && await CountAsync(i => i.Status != IncidentStatus.Triggered) == 0; i++)
        {
            _portal.Clock.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(30, Ct);
        }
        Assert.True(await CountAsync(i => i.Status != IncidentStatus.Triggered) > 0, "demo traffic never worked an incident");
    }

    [Fact]
    public async Task DemoTrafficAlsoOpensAndAnswersAdvertiserCases()
    {
        _portal.AnonymousClient().Dispose();
        async Task<(int Cases, int Replies)> CasesAsync()
        {
            await using var db = await _portal.Db.CreateDbContextAsync(Ct);
            return (await db.Cases.CountAsync(Ct), await db.CaseMessages.CountAsync(m => m.Kind == Portal.Shared.Cases.CaseMessageKind.Reply, Ct));
        }
        for (var i = 0; i < 400 && await CasesAsync() is var (cases, replies) && (cases < 10 || replies == 0); i++)
        {
            _portal.Clock.Advance(TimeSpan.FromSeconds(6));
            await Task.Delay(30, Ct);
        }
        var (opened, answered) = await CasesAsync();
        Assert.True(opened >= 10, $"demo traffic opened {opened} cases");
        Assert.True(answered > 0, "demo traffic never answered a case");
    }

    [Fact]
    public async Task WithoutTheSettingNothingMoves()
    {
        await using var quiet = new PortalFactory();
        quiet.AnonymousClient().Dispose();
        // Without the setting the traffic is not even running: nothing is there to move.
        Assert.DoesNotContain(quiet.Services.GetServices<Microsoft.Extensions.Hosting.IHostedService>(), s => s is Portal.Features.Demo.DemoTraffic);
        quiet.Clock.Advance(TimeSpan.FromMinutes(5));
        await using var db = await quiet.Db.CreateDbContextAsync(Ct);
        Assert.Equal(0, await db.Incidents.CountAsync(Ct));
    }

    private async Task<int> CountAsync(System.Linq.Expressions.Expression<Func<Incident, bool>> where)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.Incidents.CountAsync(where, Ct);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
