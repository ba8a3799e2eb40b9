using System.Net;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Admin;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Admin;

public sealed class AuditTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AnEngineerIsRefusedTheAuditLogAndTheRefusalIsRecorded()
    {
        using var engineer = await _portal.SignedInClientAsync(await HandleOfAsync(PortalRole.Engineer));

        var api = await engineer.GetAsync(Url("/api/audit"), Ct);
        Assert.Equal(HttpStatusCode.Forbidden, api.StatusCode);
        var page = await engineer.GetAsync(Url("/admin/audit"), Ct);
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/denied", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var denied = await db.AuditEntries.AsNoTracking().Where(a => a.Action == AuditActions.AccessDenied).Select(a => a.Target).ToListAsync(Ct);
        Assert.Contains("GET /api/audit", denied);
        Assert.Contains("GET /admin/audit", denied);
    }

    [Fact]
    public async Task AnAdminReadsTheLogNewestFirstWithFilters()
    {
        using var admin = await _portal.SignedInClientAsync("grace.coleman");
        using var other = await _portal.SignedInClientAsync(await HandleOfAsync(PortalRole.Engineer));
        _portal.Clock.Advance(TimeSpan.FromHours(1));
        await other.GetAsync(Url("/api/audit"), Ct);

        var all = await (await admin.GetAsync(Url("/api/audit?pageSize=10"), Ct)).JsonAsync();
        var items = all.GetProperty("items").EnumerateArray().ToList();
        Assert.True(items.Count >= 3);
        var times = items.Select(i => i.GetProperty("at").GetDateTimeOffset()).ToList();
        Assert.Equal(times.OrderDescending(), times);

        var signIns = await (await admin.GetAsync(Url("/api/audit?action=auth.signin"), Ct)).JsonAsync();
        Assert.Equal(2, signIns.GetProperty("total").GetInt32());
        Assert.All(signIns.GetProperty("items").EnumerateArray(), i => Assert.Equal("auth.signin", i.GetProperty("action").GetString()));

        var byActor = await (await admin.GetAsync(Url("/api/audit?actor=grace.coleman"), Ct)).JsonAsync();
        Assert.All(byActor.GetProperty("items").EnumerateArray(), i => Assert.Equal("grace.coleman", i.GetProperty("actor").GetString()));

        var from = Uri.EscapeDataString(_portal.Clock.GetUtcNow().AddMinutes(-1).ToString("O"));
        var recent = await (await admin.GetAsync(Url($"/api/audit?from={from}"), Ct)).JsonAsync();
        Assert.Equal("access.denied", Assert.Single(recent.GetProperty("items").EnumerateArray()).GetProperty("action").GetString());
    }

    [Fact]
    public async Task PagesSplitTheLogWithoutOverlap()
    {
        var scope = ServiceScope();
        var (writer, audit) = (scope.GetRequiredService<Portal.Infrastructure.Auth.AuditWriter>(), scope.GetRequiredService<AuditService>());
        for (var i = 0; i < 7; i++)
        {
            await writer.RecordAsync(new AuditEntry { Actor = "system", Action = "test.paging", Target = $"row {i}" }, Ct);
            _portal.Clock.Advance(TimeSpan.FromSeconds(1));
        }
        var admin = Principal(PortalRole.Admin);
        var first = await audit.ListAsync(admin, new AuditQuery(Action: "test.paging", PageSize: 4), Ct);
        var second = await audit.ListAsync(admin, new AuditQuery(Action: "test.paging", Page: 1, PageSize: 4), Ct);

        Assert.Equal(7, first.Total);
        Assert.Equal(["row 6", "row 5", "row 4", "row 3"], first.Items.Select(r => r.Target));
        Assert.Equal(["row 2", "row 1", "row 0"], second.Items.Select(r => r.Target));
    }

    [Fact]
    public async Task TheServiceChecksTheRoleItselfNotOnlyTheEndpoint()
    {
        var audit = ServiceScope().GetRequiredService<AuditService>();
        var error = await Assert.ThrowsAsync<AccessDeniedException>(() => audit.ListAsync(Principal(PortalRole.Manager), new AuditQuery(), Ct));
        Assert.Equal("Only admins can read the audit log.", error.Message);
    }

    [Fact]
    public async Task AuditRowsCannotBeChangedOrDeleted()
    {
        using var admin = await _portal.SignedInClientAsync("grace.coleman");
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var row = await db.AuditEntries.FirstAsync(Ct);

        row.Detail = "tampered";
        Assert.Throws<InvalidOperationException>(() => db.SaveChanges());
        db.ChangeTracker.Clear();
        db.AuditEntries.Remove(await db.AuditEntries.FirstAsync(Ct));
        await Assert.ThrowsAsync<InvalidOperationException>(() => db.SaveChangesAsync(Ct));
    }

    private IServiceProvider ServiceScope() => _portal.Services.CreateScope().ServiceProvider;

    private static ClaimsPrincipal Principal(PortalRole role) => new(PortalClaims.IdentityFor(new Person
    {
        Id = 1, Handle = "someone", Name = "Someone", Email = "someone@portal.example", TimeZone = "UTC", Role = role,
    }));

    private async Task<string> HandleOfAsync(PortalRole role)
    {
        _portal.AnonymousClient().Dispose();
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return await db.People.Where(p => p.Role == role).OrderBy(p => p.Handle).Select(p => p.Handle).FirstAsync(Ct);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
