using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Incidents;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Live;
using Portal.Shared;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Incidents;

public sealed class IncidentConcurrencyTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private async Task<ClaimsPrincipal> UserAsync(string handle)
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var person = await db.People.AsNoTracking().SingleAsync(p => p.Handle == handle, Ct);
        return new ClaimsPrincipal(PortalClaims.IdentityFor(person));
    }

    private IncidentQueries Queries() => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<IncidentQueries>();

    private IncidentService NewService() => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<IncidentService>();

    private async Task<(ClaimsPrincipal A, ClaimsPrincipal B, string NameA, string NameB)> TwoEngineersAsync()
    {
        _portal.AnonymousClient().Dispose();
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var two = await db.People.AsNoTracking().Where(p => p.Role == Portal.Shared.Team.PortalRole.Engineer).OrderBy(p => p.Id).Take(2).ToListAsync(Ct);
        return (await UserAsync(two[0].Handle), await UserAsync(two[1].Handle), two[0].Name, two[1].Name);
    }

    [Fact]
    public async Task TwoPeopleAcknowledgingAtOnceMakeExactlyOneAcknowledgement()
    {
        var (a, b, nameA, nameB) = await TwoEngineersAsync();
        var created = await NewService().CreateAsync(a, new NewIncident("Payment gateway timeouts in JP", Severity: Severity.SEV2), Ct);

        for (var round = 0; round < 5; round++)
        {
            var number = round == 0 ? created.Number : (await NewService().CreateAsync(a, new NewIncident($"Round {round}"), Ct)).Number;
            var attempts = new[] { (User: a, Name: nameA), (User: b, Name: nameB) }
                .Select(p => Task.Run(() => NewService().ActAsync(p.User, number, IncidentAction.Acknowledge, cancellationToken: Ct), Ct))
                .ToArray();
            var outcomes = await Task.WhenAll(attempts.Select(async t =>
            {
                try
                {
                    return (Detail: await t, Error: (ConflictException?)null);
                }
                catch (ConflictException e)
                {
                    return (Detail: (IncidentDetail?)null, Error: e);
                }
            }));

            var winner = Assert.Single(outcomes, o => o.Detail is not null);
            var loser = Assert.Single(outcomes, o => o.Error is not null);
            var detail = (await Queries().DetailAsync(number, Ct))!;
            var ack = Assert.Single(detail.Timeline, t => t.Kind == TimelineEventKind.Acknowledged);
            Assert.Contains($"Acknowledged by {ack.Actor} at ", loser.Error!.Message, StringComparison.Ordinal);
            Assert.Equal(IncidentStatus.Acknowledged, detail.Status);
            Assert.Equal(2, detail.Version);
        }
    }

    [Fact]
    public async Task ALostRaceWritesNothing()
    {
        var (a, b, _, _) = await TwoEngineersAsync();
        var incident = await NewService().CreateAsync(a, new NewIncident("Invoice run stuck"), Ct);
        await NewService().ActAsync(a, incident.Number, IncidentAction.Acknowledge, expectedVersion: incident.Version, cancellationToken: Ct);

        await Assert.ThrowsAsync<ConflictException>(() => NewService().ChangeSeverityAsync(b, incident.Number, Severity.SEV1, expectedVersion: incident.Version, Ct));

        var after = (await Queries().DetailAsync(incident.Number, Ct))!;
        Assert.Equal(Severity.SEV3, after.Severity);
        Assert.DoesNotContain(after.Timeline, t => t.Kind == TimelineEventKind.SeverityChanged);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.False(await db.AuditEntries.AnyAsync(e => e.Action == "incident.severity-changed", Ct));
    }

    [Fact]
    public async Task TheTimelineIsAppendOnly()
    {
        var (a, _, _, _) = await TwoEngineersAsync();
        var incident = await NewService().CreateAsync(a, new NewIncident("Tax rates missing for MX"), Ct);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var entry = await db.Timeline.FirstAsync(t => t.IncidentNumber == incident.Number, Ct);

        entry.Text = "rewritten history";
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        db.ChangeTracker.Clear();
        db.Timeline.Remove(await db.Timeline.FirstAsync(t => t.IncidentNumber == incident.Number, Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));

        // So is the audit log; and a refused save leaves the context detecting changes as before.
        db.ChangeTracker.Clear();
        var audit = await db.AuditEntries.FirstAsync(Ct);
        audit.Detail = "rewritten";
        var refused = await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
        Assert.Contains("audit log", refused.Message, StringComparison.Ordinal);
        Assert.True(db.ChangeTracker.AutoDetectChangesEnabled);
    }

    [Fact]
    public async Task EveryCommittedChangeIsPublishedWithItsNewVersion()
    {
        var (a, _, _, _) = await TwoEngineersAsync();
        var feed = _portal.Services.GetRequiredService<ILiveFeed>();
        var received = new List<IncidentChanged>();
        using var subscription = feed.Subscribe(change =>
        {
            if (change.Kind is TimelineEventKind.Paged or TimelineEventKind.Escalated)
            {
                // The demo's escalation policy pages whoever is on call for budgets; not a change of the incident.
                return ValueTask.CompletedTask;
            }
            lock (received)
            {
                received.Add(change);
            }
            return ValueTask.CompletedTask;
        });

        var incident = await NewService().CreateAsync(a, new NewIncident("Budgets overspend", Service: "budgets", Severity: Severity.SEV2), Ct);
        await NewService().ActAsync(a, incident.Number, IncidentAction.Acknowledge, cancellationToken: Ct);
        await NewService().PostAsync(a, incident.Number, "Looking at pacing job.", cancellationToken: Ct);
        await Assert.ThrowsAsync<ConflictException>(() => NewService().ActAsync(a, incident.Number, IncidentAction.Acknowledge, cancellationToken: Ct));

        // A last comment is the sentinel: the refused acknowledgement, had it published anything, would come before it.
        await NewService().PostAsync(a, incident.Number, "Sentinel.", cancellationToken: Ct);
        await Eventually.TrueAsync(() => { lock (received) { return received.Count >= 4; } });
        lock (received)
        {
            Assert.Equal([TimelineEventKind.Created, TimelineEventKind.Acknowledged, TimelineEventKind.Comment, TimelineEventKind.Comment], received.Select(r => r.Kind));
            Assert.Equal([1, 2, 2, 2], received.Select(r => r.Version));
            var ack = received[1];
            Assert.Equal((incident.Number, IncidentStatus.Acknowledged, Severity.SEV2, "budgets", "billing-support-jp"), (ack.Number, ack.Status, ack.Severity, ack.Service, ack.Team));
            Assert.NotNull(ack.Assignee);
        }
    }

    [Fact]
    public async Task ASubscriberThatFallsBehindIsToldToReReadAndOthersAreNotHeldUp()
    {
        var feed = new InMemoryLiveFeed(Microsoft.Extensions.Logging.Abstractions.NullLogger<InMemoryLiveFeed>.Instance);
        var gate = new TaskCompletionSource();
        var overflowed = new TaskCompletionSource();
        var fast = 0;
        using var slow = feed.Subscribe(async _ => await gate.Task, () => { overflowed.TrySetResult(); return ValueTask.CompletedTask; });
        using var quick = feed.Subscribe(_ => { Interlocked.Increment(ref fast); return ValueTask.CompletedTask; });

        var change = new IncidentChanged(1, 1, TimelineEventKind.Created, "t", IncidentStatus.Triggered, Severity.SEV3, null, null, Portal.Shared.Admin.RegionCode.EU, null, DateTimeOffset.UnixEpoch);
        for (var i = 0; i < InMemoryLiveFeed.QueueLimit + 10; i++)
        {
            await feed.PublishAsync(change with { Version = i }, Ct);
            if (i % 100 == 99)
            {
                // A storm in bursts: the quick reader keeps up between bursts; the stuck one cannot.
                await Eventually.TrueAsync(() => Volatile.Read(ref fast) == i + 1);
            }
        }
        await Eventually.TrueAsync(() => Volatile.Read(ref fast) == InMemoryLiveFeed.QueueLimit + 10);
        gate.SetResult();
        await overflowed.Task.WaitAsync(TimeSpan.FromSeconds(10), Ct);
        Assert.Equal(2, feed.SubscriberCount);
    }


    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
