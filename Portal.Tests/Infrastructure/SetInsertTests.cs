using Microsoft.EntityFrameworkCore;
using Portal.Features.Alerts;
using Portal.Infrastructure.Data;
using Portal.Shared.Incidents;
using Portal.Shared.Admin;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>
/// The alert writer's set insert, on the suite's engine: new rows get their final keys from the database's own counter
/// and read back exactly as SaveChanges would have written them; a database error leaves nothing behind.
/// </summary>
public sealed class SetInsertTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private Incident NewIncident(string title, int minutes = 0)
    {
        var now = _portal.Clock.GetUtcNow();
        return new Incident { Title = title, Region = RegionCode.US, TriggeredAt = now.AddMinutes(minutes), UpdatedAt = now };
    }

    [Fact]
    public async Task NewRowsGetNumbersPastEveryOneGivenAndReadBackAsWrittenWithTheOtherChangesOfTheSave()
    {
        long gone;
        long existing;
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var kept = NewIncident("Stored before");
            var doomed = NewIncident("Deleted newest");
            db.Incidents.AddRange(kept, doomed);
            await db.SaveChangesAsync(Ct);
            (existing, gone) = (kept.Number, doomed.Number);
            // The newest number is gone from the table, but a number is never handed out twice.
            await db.Incidents.Where(i => i.Number == gone).ExecuteDeleteAsync(Ct);
        }

        var written = Enumerable.Range(0, 3).Select(i =>
        {
            var incident = NewIncident($"Set insert {i}", i);
            (incident.Severity, incident.Region, incident.Description) = (Severity.SEV2, RegionCode.JP, i == 0 ? null : $"Details {i}");
            (incident.Tags, incident.RevenueAtRiskUsd, incident.AdvertisersAffected) = (["alert", $"tag-{i}"], 1250.75m + i, i);
            return incident;
        }).ToList();
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            var stored = await db.Incidents.SingleAsync(i => i.Number == existing, Ct);
            stored.Title = "Renamed in the same save";
            db.Incidents.AddRange(written);
            db.Timeline.AddRange(written.SelectMany(i => IncidentWorkflow.Open(i, IncidentActor.Monitor("set-insert"), _portal.Clock.GetUtcNow())));
            await SetInsert.SaveAsync(db, AlertApplier.NewRows, Ct);
            await transaction.CommitAsync(Ct);
        }

        var numbers = written.Select(i => i.Number).ToList();
        Assert.Equal([gone + 1, gone + 2, gone + 3], numbers);
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var read = await db.Incidents.AsNoTracking().Where(i => numbers.Contains(i.Number)).OrderBy(i => i.Number).ToListAsync(Ct);
            Assert.Equal(written.Select(Shape), read.Select(Shape));
            var timeline = await db.Timeline.AsNoTracking().Where(t => numbers.Contains(t.IncidentNumber)).ToListAsync(Ct);
            Assert.Equal(numbers, timeline.Select(t => t.IncidentNumber).Distinct().Order());
            Assert.All(timeline, t => Assert.Equal("set-insert", t.ActorName));
            Assert.Equal("Renamed in the same save", (await db.Incidents.AsNoTracking().SingleAsync(i => i.Number == existing, Ct)).Title);

            // SaveChanges' next incident comes after them: the database's counter moved past the numbers taken.
            var later = NewIncident("Saved by EF afterwards");
            db.Incidents.Add(later);
            await db.SaveChangesAsync(Ct);
            Assert.Equal(gone + 4, later.Number);
        }
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task EveryRowTheAlertWriterAndTheEscalationRoundsAddTakesTheSetPath()
    {
        // A default or computed column on one of these tables would send every batch back to SaveChanges: still right,
        // but several times slower per event.
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.True(SetInsert.Covers(db.Model, AlertApplier.NewRows));
        Assert.True(SetInsert.Covers(db.Model, Portal.Features.OnCall.EscalationService.NewRows));
        // The demo world's history is written through it too (a seeded start, and every test portal's seeded copy).
        Assert.True(SetInsert.Covers(db.Model, [typeof(Portal.Shared.Cases.SupportCase), typeof(Portal.Shared.Cases.CaseEvent), typeof(Portal.Shared.Cases.CaseMessage),
            typeof(Portal.Shared.Cases.CaseSurvey), typeof(Portal.Shared.Alerts.Alert), typeof(Portal.Shared.OnCall.Notification)]));
    }

    [Fact]
    public async Task WithKeysBackRowsNobodyRefersToComeBackWithTheirNumbersAndAStatementIsReusedForTheNextBatch()
    {
        var first = Enumerable.Range(0, 3).Select(i => NewIncident($"Keys back {i}", i)).ToList();
        var second = NewIncident("Keys back, next batch");
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.Incidents.AddRange(first);
            await SetInsert.SaveAsync(db, [typeof(Incident)], Ct, keysBack: true);
            db.Incidents.Add(second);
            await SetInsert.SaveAsync(db, [typeof(Incident)], Ct, keysBack: true);
            await transaction.CommitAsync(Ct);
        }
        Assert.All(first, i => Assert.True(i.Number > 0));
        Assert.Equal(first.Max(i => i.Number) + 1, second.Number);
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            var stored = await db.Incidents.AsNoTracking().Where(i => i.Title.StartsWith("Keys back")).ToDictionaryAsync(i => i.Number, i => i.Title, Ct);
            Assert.Equal(first.Append(second).ToDictionary(i => i.Number, i => i.Title), stored);
        }
    }

    [Fact]
    public async Task ADatabaseErrorComesOutAsAnUpdateErrorAndNothingOfTheBatchStays()
    {
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.Incidents.Add(NewIncident("Half a batch"));
            // A timeline entry of an incident that does not exist: the foreign key refuses the row.
            db.Timeline.Add(new TimelineEvent { IncidentNumber = 987_654_321, Kind = TimelineEventKind.Created, ActorName = "set-insert", At = _portal.Clock.GetUtcNow() });
            var error = await Assert.ThrowsAsync<DbUpdateException>(() => SetInsert.SaveAsync(db, AlertApplier.NewRows, Ct));
            Assert.NotNull(error.InnerException);
        }
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            Assert.False(await db.Incidents.AnyAsync(i => i.Title == "Half a batch", Ct));
        }
    }

    [Fact]
    public async Task ANewRowOfAnotherKindLeavesTheWholeSaveToSaveChanges()
    {
        var incident = NewIncident("Saved whole");
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            await using var transaction = await db.Database.BeginTransactionAsync(Ct);
            db.Incidents.Add(incident);
            db.AuditEntries.Add(new AuditEntry { At = _portal.Clock.GetUtcNow(), Actor = "set-insert", Action = "test.fallback", Target = "saved whole" });
            await SetInsert.SaveAsync(db, AlertApplier.NewRows, Ct);
            await transaction.CommitAsync(Ct);
        }
        await using (var db = await _portal.Db.CreateDbContextAsync(Ct))
        {
            Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "test.fallback", Ct));
            Assert.Equal("Saved whole", (await db.Incidents.SingleAsync(i => i.Number == incident.Number, Ct)).Title);
        }
    }

    private static string Shape(Incident i) =>
        string.Join('|', i.Number, i.Title, i.Description ?? "∅", i.Severity, i.Status, i.Region, i.TriggeredAt.ToUnixTimeMilliseconds(), i.UpdatedAt.ToUnixTimeMilliseconds(),
            string.Join(',', i.Tags), i.RevenueAtRiskUsd, i.AdvertisersAffected, i.Version, i.AcknowledgeBreached);

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
