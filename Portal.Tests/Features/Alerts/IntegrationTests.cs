using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Portal.Features.Alerts;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Incidents;
using Portal.Shared.Team;
using Portal.Tests.Support;

namespace Portal.Tests.Features.Alerts;

public sealed class IntegrationTests : IAsyncDisposable
{
    private readonly PortalFactory _portal = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private IntegrationService Integrations => _portal.Services.CreateScope().ServiceProvider.GetRequiredService<IntegrationService>();

    /// <summary>The integrations a test made (the demo world brings one of its own).</summary>
    private async Task<List<IntegrationView>> MineAsync() =>
        [.. (await Integrations.ListAsync(Ct)).Where(i => i.Name != Portal.Shared.Demo.DemoWorld.MonitorName)];

    private async Task<ClaimsPrincipal> PersonAsync(PortalRole role)
    {
        _portal.AnonymousClient().Dispose();
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        return new ClaimsPrincipal(PortalClaims.IdentityFor(await db.People.AsNoTracking().OrderBy(p => p.Id).FirstAsync(p => p.Role == role, Ct)));
    }

    [Fact]
    public async Task AnAdminCreatesAnIntegrationAndSeesItsKeyOnceWhileOnlyItsHashIsStored()
    {
        var admin = await PersonAsync(PortalRole.Admin);

        var created = await Integrations.CreateAsync(admin, new NewIntegration("Prometheus EU", "alertmanager", Service: "invoicing", Region: "eu",
            SeverityMap: new Dictionary<string, Severity> { ["page"] = Severity.SEV2 }), Ct);

        Assert.True(IntegrationKeys.IsWellFormed(created.Key));
        Assert.Equal(("alertmanager", "invoicing", RegionCode.EU), (created.Integration.Kind, created.Integration.Service, created.Integration.Region));
        Assert.Equal("…" + created.Key[^4..], created.Integration.KeyHint);
        Assert.Equal(Severity.SEV2, created.Integration.SeverityMap["page"]);
        Assert.Equal("region", created.Integration.LabelMap["region"]);
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var stored = await db.Integrations.SingleAsync(i => i.Name == "Prometheus EU", Ct);
        Assert.Equal(IntegrationKeys.Hash(created.Key), stored.KeyHash);
        Assert.DoesNotContain(created.Key, System.Text.Json.JsonSerializer.Serialize(await MineAsync()), StringComparison.Ordinal);
        Assert.True(await db.AuditEntries.AnyAsync(a => a.Action == "integration.created" && a.Target == "Prometheus EU", Ct));
        Assert.Equal(created.Integration.Id, (await Integrations.FindByKeyAsync(created.Key, Ct))!.Id);
    }

    [Fact]
    public async Task ARotatedKeyKeepsWorkingThroughItsGraceAndNotAfter()
    {
        var admin = await PersonAsync(PortalRole.Admin);
        var created = await Integrations.CreateAsync(admin, new NewIntegration("CloudWatch US", "cloudwatch"), Ct);

        var rotated = await Integrations.RotateKeyAsync(admin, created.Integration.Id, TimeSpan.FromHours(1), Ct);

        Assert.NotEqual(created.Key, rotated.Key);
        Assert.True(rotated.Integration.PreviousKeyLive);
        Assert.NotNull(await Integrations.FindByKeyAsync(rotated.Key, Ct));
        Assert.NotNull(await Integrations.FindByKeyAsync(created.Key, Ct));
        _portal.Clock.Advance(TimeSpan.FromMinutes(61));
        Assert.Null(await Integrations.FindByKeyAsync(created.Key, Ct));
        Assert.NotNull(await Integrations.FindByKeyAsync(rotated.Key, Ct));
        Assert.False(Assert.Single(await MineAsync()).PreviousKeyLive);
    }

    [Fact]
    public async Task ADisabledIntegrationOpensForNoKeyUntilEnabledAgain()
    {
        var admin = await PersonAsync(PortalRole.Admin);
        var created = await Integrations.CreateAsync(admin, new NewIntegration("Synthetics", "events-v2"), Ct);

        await Integrations.SetEnabledAsync(admin, created.Integration.Id, enabled: false, Ct);
        Assert.Null(await Integrations.FindByKeyAsync(created.Key, Ct));

        await Integrations.SetEnabledAsync(admin, created.Integration.Id, enabled: true, Ct);
        Assert.NotNull(await Integrations.FindByKeyAsync(created.Key, Ct));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("ffffffffffffffffffffffffffffffff")]
    public async Task UnknownOrMalformedKeysOpenNothing(string? key)
    {
        await PersonAsync(PortalRole.Admin);

        Assert.Null(await Integrations.FindByKeyAsync(key, Ct));
    }

    [Fact]
    public async Task OnlyAdminsManageIntegrations()
    {
        var engineer = await PersonAsync(PortalRole.Engineer);

        await Assert.ThrowsAsync<AccessDeniedException>(() => Integrations.CreateAsync(engineer, new NewIntegration("x", "events-v2"), Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Integrations.RotateKeyAsync(engineer, 1, cancellationToken: Ct));
        await Assert.ThrowsAsync<AccessDeniedException>(() => Integrations.SetEnabledAsync(engineer, 1, false, Ct));
    }

    [Fact]
    public async Task BadInputNamesEachFieldAndCreatesNothing()
    {
        var admin = await PersonAsync(PortalRole.Admin);
        await Integrations.CreateAsync(admin, new NewIntegration("Taken", "events-v2"), Ct);

        var error = await Assert.ThrowsAsync<ValidationException>(() => Integrations.CreateAsync(admin, new NewIntegration(
            "Taken", "nagios", Service: "nope", Team: "nope", Region: "UK",
            SeverityMap: new Dictionary<string, Severity> { ["p0"] = Severity.SEV1 }, LabelMap: new Dictionary<string, string> { ["colour"] = "c" }), Ct));

        Assert.Equal(["kind", "labelMap", "name", "region", "service", "severityMap", "team"], error.Errors.Keys.Order());
        Assert.Single(await MineAsync());
    }

    [Fact]
    public async Task AnAdminChangesTheMappingsAndBadOnesAreRefused()
    {
        var admin = await PersonAsync(PortalRole.Admin);
        var created = await Integrations.CreateAsync(admin, new NewIntegration("Prometheus", "alertmanager"), Ct);

        var updated = await Integrations.UpdateAsync(admin, created.Integration.Id, new IntegrationSettings("page=SEV2", "region=dc", AutoResolve: false), Ct);

        Assert.Equal(Severity.SEV2, updated.SeverityMap["page"]);
        Assert.Equal("dc", updated.LabelMap["region"]);
        Assert.False(updated.AutoResolve);
        var error = await Assert.ThrowsAsync<ValidationException>(() => Integrations.UpdateAsync(admin, created.Integration.Id, new IntegrationSettings("p0=SEV1", "colour=c"), Ct));
        Assert.Equal(["labelMap", "severityMap"], error.Errors.Keys.Order());
        Assert.Equal("dc", Assert.Single(await MineAsync()).LabelMap["region"]);
    }

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
