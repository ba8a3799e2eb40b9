using System.Net;
using System.Net.Http.Json;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Incidents;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Incidents;

public sealed class SlaPolicyTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Admin = World.People.First(p => p.Role == PortalRole.Admin);
    private static readonly DemoPerson Engineer = World.People.First(p => p.Role == PortalRole.Engineer);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<HttpResponseMessage> PutAsync(HttpClient client, string severity, object body) =>
        client.PutAsJsonAsync(Url($"/api/sla-policies/{severity}"), body, Ct);

    [Fact]
    public async Task EveryoneReadsThePoliciesWhichStartAtTheDefaults()
    {
        using var client = await _portal.SignedInClientAsync(Engineer.Handle);

        var policies = (await (await client.GetAsync(Url("/api/sla-policies"), Ct)).JsonAsync()).EnumerateArray().ToList();

        Assert.Equal(["SEV1", "SEV2", "SEV3", "SEV4", "SEV5"], policies.Select(p => p.GetProperty("severity").GetString()));
        Assert.Equal(15, policies[1].GetProperty("acknowledgeMinutes").GetInt32());
        Assert.Equal(240, policies[1].GetProperty("mitigateMinutes").GetInt32());
        Assert.Equal(JsonValueKindNull, policies[3].GetProperty("acknowledgeMinutes").ValueKind);
    }

    private const System.Text.Json.JsonValueKind JsonValueKindNull = System.Text.Json.JsonValueKind.Null;

    [Fact]
    public async Task AnAdminsChangeAppliesAtOnceToOpenIncidentsAndIsAudited()
    {
        using var engineer = await _portal.SignedInClientAsync(Engineer.Handle);
        var created = await (await engineer.PostJsonAsync("/api/incidents", new { title = "Settlement batch late", severity = "SEV2" })).JsonAsync();
        var key = created.GetProperty("key").GetString();

        using var admin = await _portal.SignedInClientAsync(Admin.Handle);
        var response = await PutAsync(admin, "sev2", new { acknowledgeMinutes = 10, mitigateMinutes = 120 });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var detail = await (await engineer.GetAsync(Url($"/api/incidents/{key}"), Ct)).JsonAsync();
        var due = detail.GetProperty("sla").EnumerateArray().ToDictionary(c => c.GetProperty("kind").GetString()!, c => c.GetProperty("due").GetDateTimeOffset());
        Assert.Equal(_portal.Clock.GetUtcNow().AddMinutes(10), due["Acknowledge"]);
        Assert.Equal(_portal.Clock.GetUtcNow().AddMinutes(120), due["Mitigate"]);

        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var audit = await db.AuditEntries.SingleAsync(a => a.Action == SlaPolicyService.UpdatedAction, Ct);
        Assert.Equal(("SEV2", Admin.Handle), (audit.Target, audit.Actor));
        Assert.Equal("acknowledge 15 min, mitigate 240 min → acknowledge 10 min, mitigate 120 min", audit.Detail);
    }

    [Fact]
    public async Task ClearingATargetRemovesThatClock()
    {
        using var admin = await _portal.SignedInClientAsync(Admin.Handle);
        Assert.Equal(HttpStatusCode.OK, (await PutAsync(admin, "SEV3", new { acknowledgeMinutes = (int?)null, mitigateMinutes = 1440 })).StatusCode);

        var created = await (await admin.PostJsonAsync("/api/incidents", new { title = "Slow invoice search", severity = "SEV3" })).JsonAsync();

        Assert.Equal(["Mitigate"], created.GetProperty("sla").EnumerateArray().Select(c => c.GetProperty("kind").GetString()));
    }

    [Fact]
    public async Task AnEngineerMayNotChangeThem()
    {
        using var engineer = await _portal.SignedInClientAsync(Engineer.Handle);

        var response = await PutAsync(engineer, "SEV1", new { acknowledgeMinutes = 500, mitigateMinutes = 600 });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        Assert.Equal(5, (await db.SlaPolicies.SingleAsync(p => p.Severity == Portal.Shared.Incidents.Severity.SEV1, Ct)).AcknowledgeMinutes);
    }

    [Fact]
    public async Task BadTargetsAreA400NamingEachFieldAndChangeNothing()
    {
        using var admin = await _portal.SignedInClientAsync(Admin.Handle);

        var outOfRange = await PutAsync(admin, "SEV1", new { acknowledgeMinutes = 0, mitigateMinutes = 50_000 });
        var backwards = await PutAsync(admin, "SEV1", new { acknowledgeMinutes = 60, mitigateMinutes = 30 });
        var unknown = await PutAsync(admin, "SEV9", new { acknowledgeMinutes = 5, mitigateMinutes = 60 });

        Assert.Equal(HttpStatusCode.BadRequest, outOfRange.StatusCode);
        var errors = (await outOfRange.JsonAsync()).GetProperty("errors");
        Assert.True(errors.TryGetProperty("acknowledgeMinutes", out _));
        Assert.True(errors.TryGetProperty("mitigateMinutes", out _));
        Assert.Equal(HttpStatusCode.BadRequest, backwards.StatusCode);
        Assert.Contains("cannot be shorter", (await backwards.JsonAsync()).GetProperty("errors").GetProperty("mitigateMinutes")[0].GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknown.StatusCode);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var sev1 = await db.SlaPolicies.SingleAsync(p => p.Severity == Portal.Shared.Incidents.Severity.SEV1, Ct);
        Assert.Equal((5, 60), (sev1.AcknowledgeMinutes, sev1.MitigateMinutes));
        _portal.Log.AssertClean();
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
