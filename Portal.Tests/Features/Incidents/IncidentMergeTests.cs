using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Incidents;

/// <summary>
/// Merging a duplicate incident moves its open alerts to the survivor, so the alert's next trigger lands there, not on
/// the resolved duplicate; unmerging reopens the duplicate and brings its alert back. Both are recorded.
/// </summary>
public sealed class IncidentMergeTests : IAsyncDisposable
{
    private const string Key = "88888888888888888888888888888888";
    private static readonly string Engineer = DemoWorld.Generate().People.First(p => p.Role == PortalRole.Engineer).Handle;
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Provisioning:Integrations:0:Name"] = "Synthetics",
        ["Provisioning:Integrations:0:Kind"] = "events-v2",
        ["Provisioning:Integrations:0:Key"] = Key,
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();

    private static Task TriggerAsync(HttpClient client, string dedupKey) =>
        EventsV2Sender.SendAsync(client, Key, "trigger", dedupKey, $"Checkout probe {dedupKey} failing");

    private async Task<long> IncidentOfAsync(string dedupKey)
    {
        await using var db = _portal.OpenContext();
        return await db.Alerts.Where(a => a.DedupKey == dedupKey).Select(a => a.IncidentNumber).SingleAsync(Ct);
    }

    [Fact]
    public async Task TheDuplicatesOpenAlertMovesToTheSurvivorAndComesBackOnUnmerge()
    {
        using var monitor = _portal.AnonymousClient();
        await TriggerAsync(monitor, "probe-a");
        await TriggerAsync(monitor, "probe-b");
        var (survivor, duplicate) = (await IncidentOfAsync("probe-a"), await IncidentOfAsync("probe-b"));
        Assert.NotEqual(survivor, duplicate);
        using var client = await _portal.SignedInClientAsync(Engineer);

        var merged = await client.PostJsonAsync($"/api/incidents/{IncidentNumber.Format(duplicate)}/merge", new { into = IncidentNumber.Format(survivor) });
        Assert.Equal(HttpStatusCode.OK, merged.StatusCode);
        Assert.Equal(survivor, await IncidentOfAsync("probe-b"));
        await TriggerAsync(monitor, "probe-b");
        await using (var db = _portal.OpenContext())
        {
            var record = await db.IncidentMerges.SingleAsync(Ct);
            Assert.Null(record.SuggestedScore);  // a person's own merge, not a suggestion's
            var dup = await db.Incidents.SingleAsync(i => i.Number == duplicate, Ct);
            Assert.Equal((IncidentStatus.Resolved, (long?)survivor), (dup.Status, dup.MergedIntoNumber));
            // The repeat is on the survivor's timeline, and the duplicate stays resolved.
            Assert.Equal(1, await db.Timeline.CountAsync(t => t.IncidentNumber == survivor && t.Kind == TimelineEventKind.AlertTriggered && t.Text!.Contains("probe-b"), Ct));
        }
        // Merging into a resolved incident names the field.
        var intoResolved = await client.PostJsonAsync($"/api/incidents/{IncidentNumber.Format(survivor)}/merge", new { into = IncidentNumber.Format(duplicate) });
        Assert.Equal(HttpStatusCode.BadRequest, intoResolved.StatusCode);
        Assert.Contains("into", await intoResolved.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await client.PostAsync(Url($"/api/incidents/{IncidentNumber.Format(duplicate)}/unmerge"), null, Ct)).StatusCode);
        Assert.Equal(duplicate, await IncidentOfAsync("probe-b"));
        await using var after = _portal.OpenContext();
        Assert.NotNull((await after.IncidentMerges.SingleAsync(Ct)).UnmergedById);
        Assert.Contains(await after.Timeline.Where(t => t.IncidentNumber == survivor).Select(t => t.Kind).ToListAsync(Ct), k => k == TimelineEventKind.Unmerged);
    }
}
