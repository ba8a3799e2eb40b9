using Microsoft.EntityFrameworkCore;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Team;

/// <summary>
/// One portal with the demo's coaching records, shared by the read-mostly authorisation tests: an EU engineer who is
/// onboarding (the target), their manager, another team's manager, a teammate, the head of support (an admin above
/// everyone) and an admin outside every reporting chain.
/// </summary>
public sealed class CoachingWorld : IAsyncLifetime
{
    public static readonly DemoWorld World = DemoWorld.Generate();
    public static readonly DemoPerson Target = World.People.Last(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
    public static readonly DemoPerson OwnManager = World.People.First(p => p.Handle == Target.ManagerHandle);
    public static readonly DemoPerson OtherManager = World.People.First(p => p.Role == PortalRole.Manager && p.Region == RegionCode.AU);
    public static readonly DemoPerson Peer = World.People.First(p => p.Role == PortalRole.Engineer && p.Region == RegionCode.EU);
    public static readonly DemoPerson Head = World.People.First(p => p.Role == PortalRole.Admin);
    public const string OutsideAdmin = "olive.outside";

    private readonly Dictionary<string, HttpClient> _clients = [];

    public PortalFactory Portal { get; } = new();
    public int Review { get; private set; }
    public int Series { get; private set; }
    public int Meeting { get; private set; }
    public int Plan { get; private set; }
    public int Goal { get; private set; }
    public int Step { get; private set; }

    public async ValueTask InitializeAsync()
    {
        await using var db = await Portal.Db.CreateDbContextAsync();
        db.People.Add(new Person
        {
            Handle = OutsideAdmin, Name = "Olive Outside", Email = "olive@portal.example", Region = RegionCode.US, TimeZone = "America/New_York",
            Role = PortalRole.Admin, CreatedAt = Portal.Clock.GetUtcNow(),
        });
        await db.SaveChangesAsync();
        var target = await db.People.SingleAsync(p => p.Handle == Target.Handle);
        Review = await db.Reviews.Where(r => r.PersonId == target.Id).OrderByDescending(r => r.CycleId).Select(r => r.Id).FirstAsync();
        Series = await db.OneOnOneSeries.Where(s => s.ReportId == target.Id).Select(s => s.Id).SingleAsync();
        Meeting = await db.OneOnOneMeetings.Where(m => m.SeriesId == Series && m.HeldAt == null).Select(m => m.Id).FirstAsync();
        Plan = await db.Plans.Where(p => p.PersonId == target.Id).Select(p => p.Id).FirstAsync();
        Goal = await db.PlanGoals.Where(g => g.PlanId == Plan).Select(g => g.Id).FirstAsync();
        Step = await db.OnboardingTasks.Where(t => t.PersonId == target.Id).Select(t => t.Id).FirstAsync();
    }

    public async Task<HttpClient> ClientAsync(string handle)
    {
        if (!_clients.TryGetValue(handle, out var client))
        {
            client = _clients[handle] = await Portal.SignedInClientAsync(handle);
        }
        return client;
    }

    public static string HandleOf(string viewer) => viewer switch
    {
        "self" => Target.Handle,
        "manager" => OwnManager.Handle,
        "other-manager" => OtherManager.Handle,
        "peer" => Peer.Handle,
        "head" => Head.Handle,
        _ => OutsideAdmin,
    };

    public string Fill(string path) => path
        .Replace("{E}", Target.Handle, StringComparison.Ordinal).Replace("{rid}", $"{Review}", StringComparison.Ordinal)
        .Replace("{sid}", $"{Series}", StringComparison.Ordinal).Replace("{mid}", $"{Meeting}", StringComparison.Ordinal)
        .Replace("{pid}", $"{Plan}", StringComparison.Ordinal).Replace("{gid}", $"{Goal}", StringComparison.Ordinal)
        .Replace("{tid}", $"{Step}", StringComparison.Ordinal);

    public async ValueTask DisposeAsync()
    {
        foreach (var client in _clients.Values)
        {
            client.Dispose();
        }
        await Portal.DisposeAsync();
    }
}
