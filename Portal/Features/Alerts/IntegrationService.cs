using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Caching.Memory;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Team;

namespace Portal.Features.Alerts;

/// <summary>An integration as admins see it: never its key, only the key's last characters.</summary>
public sealed record IntegrationView(
    int Id, string Name, string Kind, string KeyHint, bool PreviousKeyLive, DateTimeOffset? PreviousKeyValidUntil, string? Service, string? Team,
    RegionCode? Region, bool AutoResolve, bool VerifySignatures, bool Enabled, bool Provisioned, IReadOnlyDictionary<string, Severity> SeverityMap,
    IReadOnlyDictionary<string, string> LabelMap, DateTimeOffset CreatedAt);

public sealed record NewIntegration(
    string? Name, string? Kind, string? Service = null, string? Team = null, string? Region = null, bool AutoResolve = true,
    bool VerifySignatures = true, IReadOnlyDictionary<string, Severity>? SeverityMap = null, IReadOnlyDictionary<string, string>? LabelMap = null);

/// <summary>How an integration's alerts become incidents: mappings as text ("critical=SEV2, page=SEV2"; "region=dc").</summary>
public sealed record IntegrationSettings(string? SeverityMap, string? LabelMap, bool AutoResolve = true, bool VerifySignatures = true);

/// <summary>The one time a key is shown: on creation and on rotation.</summary>
public sealed record IntegrationKey(IntegrationView Integration, string Key);

/// <summary>
/// Admins create integrations, rotate their keys (the old key keeps working for a grace period) and disable them;
/// ingestion finds an integration by the hash of the key a monitor sent.
/// </summary>
public sealed class IntegrationService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, IMemoryCache cache, AuditWriter audit)
{
    public static readonly TimeSpan DefaultGrace = TimeSpan.FromHours(24);

    /// <summary>
    /// How long a key's lookup is remembered: every monitor request looks its key up, and a storm should not cost a query
    /// each. Changes made here forget at once on this node; other nodes see them within this time.
    /// </summary>
    public static readonly TimeSpan LookupLifetime = TimeSpan.FromSeconds(2);

    public async Task<IReadOnlyList<IntegrationView>> ListAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var services = await db.Services.AsNoTracking().ToDictionaryAsync(s => s.Id, s => s.Slug, cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var now = clock.GetUtcNow();
        return [.. (await db.Integrations.AsNoTracking().OrderBy(i => i.Name).ToListAsync(cancellationToken)).Select(i => View(i, services, teams, now))];
    }

    public async Task<IntegrationKey> CreateAsync(ClaimsPrincipal user, NewIntegration input, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var errors = new Dictionary<string, string[]>();
        var name = input.Name?.Trim() ?? "";
        if (name.Length is 0 or > IntegrationConfiguration.MaxName)
        {
            errors["name"] = [$"Give the integration a name of at most {IntegrationConfiguration.MaxName} characters."];
        }
        else if (await db.Integrations.AnyAsync(i => i.Name == name, cancellationToken))
        {
            errors["name"] = [$"There is already an integration named '{name}'."];
        }
        if (!IntegrationKinds.TryParse(input.Kind, out var kind))
        {
            errors["kind"] = [$"'{input.Kind}' is not events-v2, alertmanager or cloudwatch."];
        }
        var service = string.IsNullOrWhiteSpace(input.Service) ? null : await db.Services.FirstOrDefaultAsync(s => s.Slug == input.Service, cancellationToken);
        if (!string.IsNullOrWhiteSpace(input.Service) && service is null)
        {
            errors["service"] = [$"'{input.Service}' is not a known service slug."];
        }
        var team = string.IsNullOrWhiteSpace(input.Team) ? null : await db.Teams.FirstOrDefaultAsync(t => t.Slug == input.Team, cancellationToken);
        if (!string.IsNullOrWhiteSpace(input.Team) && team is null)
        {
            errors["team"] = [$"'{input.Team}' is not a known team slug."];
        }
        RegionCode? region = null;
        if (!string.IsNullOrWhiteSpace(input.Region))
        {
            if (Regions.TryParse(input.Region, out var code))
            {
                region = code;
            }
            else
            {
                errors["region"] = [Regions.NotARegion(input.Region)];
            }
        }
        var severityMap = new Dictionary<string, Severity>(input.SeverityMap ?? new Dictionary<string, Severity>(), StringComparer.OrdinalIgnoreCase);
        if (AlertSeverities.Check(severityMap) is { Count: > 0 } mapProblems)
        {
            errors["severityMap"] = [.. mapProblems];
        }
        var labelMap = input.LabelMap is null ? new Dictionary<string, string>(IntegrationLabels.Defaults) : new Dictionary<string, string>(input.LabelMap);
        if (labelMap.Keys.FirstOrDefault(k => !IntegrationLabels.Defaults.ContainsKey(k)) is { } unknown)
        {
            errors["labelMap"] = [$"'{unknown}' is no incident field a label can fill; use region, severity, team or service."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var key = IntegrationKeys.Generate();
        var now = clock.GetUtcNow();
        var integration = new Integration
        {
            Name = name, Kind = kind, KeyHash = IntegrationKeys.Hash(key), KeyHint = IntegrationKeys.Hint(key), ServiceId = service?.Id,
            TeamId = team?.Id, Region = region, AutoResolve = input.AutoResolve, VerifySignatures = input.VerifySignatures,
            SeverityMap = severityMap, LabelMap = labelMap, CreatedAt = now,
        };
        db.Integrations.Add(integration);
        db.AuditEntries.Add(Audit(user, "integration.created", name, now, $"{IntegrationKinds.Name(kind)}, key {integration.KeyHint}"));
        await db.SaveChangesAsync(cancellationToken);
        Forget(integration);
        return new IntegrationKey(await ViewAsync(db, integration, cancellationToken), key);
    }

    /// <summary>A new key; the old one keeps working for <paramref name="grace"/> (24 hours unless said otherwise).</summary>
    public async Task<IntegrationKey> RotateKeyAsync(ClaimsPrincipal user, int id, TimeSpan? grace = null, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var integration = await db.Integrations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw NotFound(id);
        if (integration.Provisioned)
        {
            throw new ConflictException($"'{integration.Name}' is declared in configuration (Provisioning:Integrations); change its key there.");
        }
        var key = IntegrationKeys.Generate();
        var now = clock.GetUtcNow();
        (integration.PreviousKeyHash, integration.PreviousKeyValidUntil) = (integration.KeyHash, now + (grace ?? DefaultGrace));
        (integration.KeyHash, integration.KeyHint) = (IntegrationKeys.Hash(key), IntegrationKeys.Hint(key));
        db.AuditEntries.Add(Audit(user, "integration.key-rotated", integration.Name, now, $"new key {integration.KeyHint}; the old one works until {integration.PreviousKeyValidUntil:u}"));
        await db.SaveChangesAsync(cancellationToken);
        Forget(integration);
        return new IntegrationKey(await ViewAsync(db, integration, cancellationToken), key);
    }

    /// <summary>Changes the mappings and switches; a provisioned integration is changed in configuration instead.</summary>
    public async Task<IntegrationView> UpdateAsync(ClaimsPrincipal user, int id, IntegrationSettings settings, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, cancellationToken);
        var problems = new List<string>();
        var severityMap = IntegrationMappings.ParseSeverities(settings.SeverityMap, problems);
        var severityProblems = problems.ToArray();
        problems.Clear();
        var labelMap = IntegrationMappings.ParseLabels(settings.LabelMap, problems);
        var errors = new Dictionary<string, string[]>();
        if (severityProblems.Length > 0)
        {
            errors["severityMap"] = severityProblems;
        }
        if (problems.Count > 0)
        {
            errors["labelMap"] = [.. problems];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var integration = await db.Integrations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw NotFound(id);
        if (integration.Provisioned)
        {
            throw new ConflictException($"'{integration.Name}' is declared in configuration (Provisioning:Integrations); change it there.");
        }
        (integration.SeverityMap, integration.LabelMap) = (severityMap, labelMap);
        (integration.AutoResolve, integration.VerifySignatures) = (settings.AutoResolve, settings.VerifySignatures);
        db.AuditEntries.Add(Audit(user, "integration.updated", integration.Name, clock.GetUtcNow(),
            $"severity {IntegrationMappings.Format(severityMap)}; labels {IntegrationMappings.Format(labelMap)}; auto-resolve {settings.AutoResolve}"));
        await db.SaveChangesAsync(cancellationToken);
        Forget(integration);
        return await ViewAsync(db, integration, cancellationToken);
    }

    public async Task<IntegrationView> SetEnabledAsync(ClaimsPrincipal user, int id, bool enabled, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, cancellationToken);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var integration = await db.Integrations.FirstOrDefaultAsync(i => i.Id == id, cancellationToken) ?? throw NotFound(id);
        integration.Enabled = enabled;
        db.AuditEntries.Add(Audit(user, enabled ? "integration.enabled" : "integration.disabled", integration.Name, clock.GetUtcNow(), null));
        await db.SaveChangesAsync(cancellationToken);
        Forget(integration);
        return await ViewAsync(db, integration, cancellationToken);
    }

    /// <summary>The enabled integration a monitor's key opens, or null (unknown, disabled, or a rotated key past its grace).</summary>
    public async Task<Integration?> FindByKeyAsync(string? key, CancellationToken cancellationToken = default)
    {
        if (!IntegrationKeys.IsWellFormed(key))
        {
            return null;
        }
        var hash = IntegrationKeys.Hash(key!);
        var integration = await cache.GetOrCreateAsync(CacheKey(hash), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = LookupLifetime;
            await using var db = await factory.CreateDbContextAsync(cancellationToken);
            return await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.KeyHash == hash || i.PreviousKeyHash == hash, cancellationToken);
        });
        return integration is not null && integration.Accepts(hash, clock.GetUtcNow()) ? integration : null;
    }

    private static (string, string) CacheKey(string hash) => ("integration-key", hash);

    private void Forget(Integration integration)
    {
        cache.Remove(CacheKey(integration.KeyHash));
        if (integration.PreviousKeyHash is { } previous)
        {
            cache.Remove(CacheKey(previous));
        }
    }

    private Task RequireAdminAsync(ClaimsPrincipal user, CancellationToken cancellationToken) =>
        audit.RequireAsync(user.HasPortalRole(PortalRole.Admin), user, "integrations", "Only admins manage integrations.", cancellationToken);

    private static NotFoundException NotFound(int id) => new($"There is no integration {id}.");

    private static AuditEntry Audit(ClaimsPrincipal user, string action, string target, DateTimeOffset at, string? detail) =>
        new() { At = at, Actor = user.AuditName(), ActorId = user.GetPersonId(), Action = action, Target = target, Detail = detail };

    private async Task<IntegrationView> ViewAsync(PortalDbContext db, Integration integration, CancellationToken cancellationToken)
    {
        var services = await db.Services.AsNoTracking().Where(s => s.Id == integration.ServiceId).ToDictionaryAsync(s => s.Id, s => s.Slug, cancellationToken);
        var teams = await db.Teams.AsNoTracking().Where(t => t.Id == integration.TeamId).ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        return View(integration, services, teams, clock.GetUtcNow());
    }

    private static IntegrationView View(Integration i, Dictionary<int, string> services, Dictionary<int, string> teams, DateTimeOffset now) => new(
        i.Id, i.Name, IntegrationKinds.Name(i.Kind), i.KeyHint, i.PreviousKeyValidUntil > now && i.PreviousKeyHash is not null, i.PreviousKeyValidUntil,
        i.ServiceId is { } s ? services.GetValueOrDefault(s) : null, i.TeamId is { } t ? teams.GetValueOrDefault(t) : null,
        i.Region, i.AutoResolve, i.VerifySignatures, i.Enabled, i.Provisioned, i.SeverityMap, i.LabelMap, i.CreatedAt);
}
