using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Portal.Features.Alerts;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Live;
using Portal.Shared.Alerts;

namespace Portal.Tests.Features.Alerts;

/// <summary>The writer's two refusals: a full queue (429 at the endpoint) and a database that does not take the batch (503).</summary>
public class AlertIngestionFaultTests
{
    private static readonly Integration Monitor = new() { Id = 1, Name = "monitor", KeyHash = new string('0', 64), KeyHint = "…0000" };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static AlertIngestion Ingestion(IDbContextFactory<PortalDbContext> factory, int capacity = 100) =>
        new(factory, new InMemoryLiveFeed(NullLogger<InMemoryLiveFeed>.Instance), new FakeTimeProvider(), new AlertIngestionOptions { QueueCapacity = capacity },
            NullLogger<AlertIngestion>.Instance, new Portal.Features.OnCall.EscalationSignal(), []);

    private static AlertEvent Trigger(string key) => new(AlertAction.Trigger, key, "summary");

    [Fact]
    public async Task AFullQueueRefusesAtOnceInsteadOfWaiting()
    {
        // The writer is not started: nothing drains the queue.
        var ingestion = Ingestion(new Unreachable(), capacity: 2);
        _ = ingestion.SubmitAsync(Monitor, [Trigger("a"), Trigger("b")], Ct);

        await Assert.ThrowsAsync<IngestionBusyException>(() => ingestion.SubmitAsync(Monitor, [Trigger("c")], Ct));
    }

    [Fact]
    public async Task ADatabaseThatDoesNotTakeTheBatchFailsEveryEventInItSoNoneIsAcknowledged()
    {
        using var ingestion = Ingestion(new Unreachable());
        await ingestion.StartAsync(Ct);

        var failure = await Assert.ThrowsAsync<IngestionFailedException>(() => ingestion.SubmitAsync(Monitor, [Trigger("a"), Trigger("b")], Ct));

        Assert.Contains("nothing was written", failure.Message, StringComparison.Ordinal);
        await ingestion.StopAsync(Ct);
    }

    /// <summary>A SQLite file in a folder that does not exist: every connection fails to open.</summary>
    private sealed class Unreachable : IDbContextFactory<PortalDbContext>
    {
        private readonly DbContextOptions<SqlitePortalDbContext> _options = new DbContextOptionsBuilder<SqlitePortalDbContext>()
            .UseSqlite(new SqliteConnectionStringBuilder { DataSource = $"/nonexistent-{Guid.NewGuid():N}/portal.db", Mode = SqliteOpenMode.ReadWrite }.ToString())
            .Options;

        public PortalDbContext CreateDbContext() => new SqlitePortalDbContext(_options);
    }
}
