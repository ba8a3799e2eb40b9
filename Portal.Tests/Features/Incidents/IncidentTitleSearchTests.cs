using System.Net;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Demo;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Features.Incidents.IncidentApiTests;

namespace Portal.Tests.Features.Incidents;

/// <summary>The queue's text search (q=) through each engine's trigram index, and its fallback for words in many titles.</summary>
public sealed class IncidentTitleSearchTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoPerson Engineer = DemoWorld.Generate().People.First(p => p.Region == RegionCode.EU && p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASearchFindsTitlesThroughTheIndexInAnyCaseAsTheyAreCreated()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var settlement = await CreateAsync(client, "Settlement FILE rejected by the bank");
        var pacing = await CreateAsync(client, "Budget pacing: 50% \"over\" in EU");
        var ledger = await CreateAsync(client, "Ledger drift");

        await using (var db = _portal.OpenContext())
        {
            // The index itself holds the new incidents: the triggers (SQLite) or the expression index (PostgreSQL) keep it.
            Assert.Equal([settlement], await IncidentTitleSearch.MatchesAsync(db, "settlement file", Ct));
            Assert.Equal([pacing], await IncidentTitleSearch.MatchesAsync(db, "50% \"over\"", Ct));
            Assert.Empty((await IncidentTitleSearch.MatchesAsync(db, "50_%", Ct))!);
            await AssertIndexIsWholeAsync(db);
        }
        Assert.Equal([settlement], await NumbersAsync(client, "/api/incidents?q=SETTLEMENT"));
        Assert.Equal([settlement], await NumbersAsync(client, "/api/incidents?q=ttl"));
        Assert.Equal([pacing], await NumbersAsync(client, $"/api/incidents?q={Uri.EscapeDataString("50% \"OVER\"")}"));
        // Under three characters no trigram exists: the titles are read instead, with the same answer.
        Assert.Equal([ledger], await NumbersAsync(client, "/api/incidents?q=dr"));
        Assert.Equal([ledger, pacing, settlement], await NumbersAsync(client, "/api/incidents?q=E&sort=severity"));
        Assert.Equal([settlement], await NumbersAsync(client, $"/api/incidents?q=INC-{settlement}"));
        Assert.Empty(await NumbersAsync(client, "/api/incidents?q=no%20such%20words"));
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task AWordInMoreTitlesThanTheIndexHandsOverIsFoundByReadingInOrder()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);
        var now = _portal.Clock.GetUtcNow();
        await using (var db = _portal.OpenContext())
        {
            db.Incidents.AddRange(Enumerable.Range(0, IncidentTitleSearch.Candidates + 50).Select(i => new Incident
            {
                Title = $"Generated noise {i}", Region = RegionCode.EU, Severity = i % 7 == 0 ? Severity.SEV2 : Severity.SEV4,
                Status = i % 3 == 0 ? IncidentStatus.Resolved : IncidentStatus.Triggered, TriggeredAt = now, UpdatedAt = now,
            }));
            await db.SaveChangesAsync(Ct);
        }
        var rare = await CreateAsync(client, "Invoice renderer wedged");
        await using (var db = _portal.OpenContext())
        {
            Assert.Null(await IncidentTitleSearch.MatchesAsync(db, "NOISE", Ct));
            Assert.Equal([rare], await IncidentTitleSearch.MatchesAsync(db, "renderer", Ct));
            await AssertIndexIsWholeAsync(db);
            var expected = await db.Incidents.Where(i => i.Title.StartsWith("Generated noise") && i.Status != IncidentStatus.Resolved)
                .OrderByDescending(i => i.Number).Select(i => i.Number).Take(5).ToListAsync(Ct);
            Assert.Equal(expected, await NumbersAsync(client, "/api/incidents?q=noise&limit=5"));
            var bySeverity = await db.Incidents.Where(i => i.Title.StartsWith("Generated noise"))
                .OrderBy(i => i.Severity).ThenByDescending(i => i.Number).Select(i => i.Number).Take(4).ToListAsync(Ct);
            Assert.Equal(bySeverity, await NumbersAsync(client, "/api/incidents?q=Noise&status=all&sort=severity&limit=4"));
        }
        Assert.Equal([rare], await NumbersAsync(client, "/api/incidents?q=renderer&status=all"));
    }

    /// <summary>SQLite: FTS5's own check that the index matches the Incidents table row for row. PostgreSQL: the index exists.</summary>
    private async Task AssertIndexIsWholeAsync(PortalDbContext db)
    {
        if (_portal.Engine == DatabaseEngine.Postgres)
        {
            var indexes = await db.Database.SqlQuery<int>($"""SELECT count(*)::int AS "Value" FROM pg_indexes WHERE indexname = 'IX_Incidents_Title_Trigram'""").ToListAsync(Ct);
            Assert.Equal([1], indexes);
            return;
        }
        await db.Database.ExecuteSqlRawAsync("""INSERT INTO "IncidentTitleSearch"("IncidentTitleSearch", rank) VALUES ('integrity-check', 1)""", Ct);
    }

    private static async Task<long> CreateAsync(HttpClient client, string title)
    {
        var response = await client.PostJsonAsync("/api/incidents", new { title, severity = "SEV3", service = "invoicing" });
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        return (await response.JsonAsync()).GetProperty("number").GetInt64();
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
