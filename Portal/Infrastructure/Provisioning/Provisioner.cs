using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Portal.Infrastructure.Data;
using Portal.Shared.Admin;
using Portal.Shared.Alerts;
using Portal.Shared.Directory;
using Portal.Shared.Team;

namespace Portal.Infrastructure.Provisioning;

/// <summary>
/// Applies <see cref="ProvisioningOptions"/> at startup: creates what is missing, updates what differs, never deletes.
/// Any invalid entry stops startup with every problem named, so a bad deployment is caught before it serves.
/// </summary>
public sealed class Provisioner(
    IDbContextFactory<PortalDbContext> factory,
    IOptions<ProvisioningOptions> options,
    TimeProvider clock,
    ILogger<Provisioner> logger)
{
    public async Task ApplyAsync(CancellationToken cancellationToken)
    {
        var config = options.Value;
        if (config.Teams.Count + config.Services.Count + config.People.Count + config.ApiTokens.Count + config.Integrations.Count + config.Advertisers.Count == 0)
        {
            return;
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        var errors = new List<string>();
        var changes = 0;

        var teams = await db.Teams.ToDictionaryAsync(t => t.Slug, cancellationToken);
        for (var i = 0; i < config.Teams.Count; i++)
        {
            var t = config.Teams[i];
            var at = $"Provisioning:Teams:{i}";
            var problems = new List<string>();
            Check(problems, Slugs.IsValidSlug(t.Slug), $"{at}:Slug '{t.Slug}' is not a slug (lowercase words joined by '-').");
            Check(problems, !string.IsNullOrWhiteSpace(t.Name), $"{at}:Name is empty.");
            Check(problems, Regions.TryParse(t.Region, out var region), $"{at}:Region '{t.Region}' is not one of US, EU, JP, MX, AU.");
            if (Failed(errors, problems))
            {
                continue;
            }
            var teamName = t.Name!.Trim();
            if (!teams.TryGetValue(t.Slug!, out var team))
            {
                team = new Team { Slug = t.Slug!, Name = teamName, Region = region };
                db.Teams.Add(team);
                teams[team.Slug] = team;
                changes++;
            }
            else if (team.Name != teamName || team.Region != region)
            {
                (team.Name, team.Region) = (teamName, region);
                changes++;
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var services = await db.Services.ToDictionaryAsync(s => s.Slug, cancellationToken);
        for (var i = 0; i < config.Services.Count; i++)
        {
            var s = config.Services[i];
            var at = $"Provisioning:Services:{i}";
            var problems = new List<string>();
            Check(problems, Slugs.IsValidSlug(s.Slug), $"{at}:Slug '{s.Slug}' is not a slug.");
            Check(problems, !string.IsNullOrWhiteSpace(s.Name), $"{at}:Name is empty.");
            Team? owner = null;
            Check(problems, string.IsNullOrWhiteSpace(s.Team) || teams.TryGetValue(s.Team, out owner), $"{at}:Team '{s.Team}' is not a known team slug.");
            Check(problems, TryParseTier(s.Tier, out var tier), $"{at}:Tier '{s.Tier}' is not 1, 2 or 3.");
            if (Failed(errors, problems))
            {
                continue;
            }
            var serviceName = s.Name!.Trim();
            if (!services.TryGetValue(s.Slug!, out var service))
            {
                service = new BusinessService { Slug = s.Slug!, Name = serviceName };
                db.Services.Add(service);
                services[service.Slug] = service;
                changes++;
            }
            else if (service.Name != serviceName || service.Tier != tier || service.OwningTeamId != owner?.Id)
            {
                changes++;
            }
            (service.Name, service.Tier, service.OwningTeam) = (serviceName, tier, owner);
        }

        var people = await db.People.ToListAsync(cancellationToken);
        var pendingManagers = new List<(Person Person, string Manager, string At)>();
        for (var i = 0; i < config.People.Count; i++)
        {
            var p = config.People[i];
            var at = $"Provisioning:People:{i}";
            var handle = p.Handle?.Trim().ToLowerInvariant();
            var email = p.Email?.Trim().ToLowerInvariant();
            var problems = new List<string>();
            Check(problems, Slugs.IsValidHandle(handle), $"{at}:Handle '{p.Handle}' is not a handle (lowercase letters, digits, '.' and '-').");
            Check(problems, !string.IsNullOrWhiteSpace(email) && email.Contains('@', StringComparison.Ordinal), $"{at}:Email '{p.Email}' is not an email address.");
            Check(problems, !string.IsNullOrWhiteSpace(p.Name), $"{at}:Name is empty.");
            Check(problems, TryParseRole(p.Role, out var role), $"{at}:Role '{p.Role}' is not Engineer, Manager or Admin.");
            Team? team = null;
            Check(problems, string.IsNullOrWhiteSpace(p.Team) || teams.TryGetValue(p.Team, out team), $"{at}:Team '{p.Team}' is not a known team slug.");
            var region = team?.Region ?? RegionCode.US;
            Check(problems, string.IsNullOrWhiteSpace(p.Region) || Regions.TryParse(p.Region, out region), $"{at}:Region '{p.Region}' is not one of US, EU, JP, MX, AU.");
            var zone = string.IsNullOrWhiteSpace(p.TimeZone) ? Regions.Get(region).DefaultTimeZone : p.TimeZone.Trim();
            Check(problems, TimeZones.IsValid(zone), $"{at}:TimeZone '{p.TimeZone}' is not an IANA time zone (e.g. Europe/Dublin).");
            if (Failed(errors, problems))
            {
                continue;
            }
            var personName = p.Name!.Trim();
            var personEmail = email!;

            var person = people.FirstOrDefault(x => x.Handle == handle) ?? people.FirstOrDefault(x => x.Email == email);
            if (person is null)
            {
                person = new Person { Handle = handle!, Name = personName, Email = personEmail, TimeZone = zone, CreatedAt = clock.GetUtcNow() };
                db.People.Add(person);
                people.Add(person);
                changes++;
            }
            else if (person.Handle != handle || person.Email != personEmail || person.Name != personName || person.Role != role
                     || person.TeamId != team?.Id || person.Region != region || person.TimeZone != zone)
            {
                changes++;
            }
            (person.Handle, person.Email, person.Name, person.Role, person.Team, person.Region, person.TimeZone) =
                (handle!, personEmail, personName, role, team, region, zone);
            if (!string.IsNullOrWhiteSpace(p.Manager))
            {
                pendingManagers.Add((person, p.Manager.Trim().ToLowerInvariant(), at));
            }
        }
        await db.SaveChangesAsync(cancellationToken);

        var managerOf = people.ToDictionary(x => x.Id, x => x.ManagerId);
        foreach (var (person, managerKey, at) in pendingManagers)
        {
            var manager = people.FirstOrDefault(x => x.Handle == managerKey || x.Email == managerKey);
            if (manager is null) { errors.Add($"{at}:Manager '{managerKey}' is neither a known handle nor email."); continue; }
            if (ManagerChain.WhyNotManager(person.Id, manager.Id, managerOf) is { } why) { errors.Add($"{at}:Manager: {why}"); continue; }
            if (person.ManagerId != manager.Id)
            {
                person.ManagerId = manager.Id;
                managerOf[person.Id] = manager.Id;
                changes++;
            }
        }

        var tokens = await db.ApiTokens.ToDictionaryAsync(t => t.Hash, cancellationToken);
        for (var i = 0; i < config.ApiTokens.Count; i++)
        {
            var t = config.ApiTokens[i];
            var at = $"Provisioning:ApiTokens:{i}";
            if (string.IsNullOrWhiteSpace(t.Token) || t.Token.Trim().Length < ApiTokenSecrets.MinimumProvisionedLength)
            {
                errors.Add($"{at}:Token must be at least {ApiTokenSecrets.MinimumProvisionedLength} characters.");
                continue;
            }
            var user = t.User?.Trim().ToLowerInvariant();
            var owner = people.FirstOrDefault(x => x.Email == user);
            if (owner is null) { errors.Add($"{at}:User '{t.User}' is not the email of a known person."); continue; }
            var secret = t.Token.Trim();
            var hash = ApiTokenSecrets.Hash(secret);
            var name = string.IsNullOrWhiteSpace(t.Name) ? $"provisioned {i}" : t.Name.Trim();
            if (!tokens.TryGetValue(hash, out var token))
            {
                token = new ApiToken { Name = name, Hash = hash, Prefix = ApiTokenSecrets.ShownPrefix(secret), CreatedAt = clock.GetUtcNow(), Provisioned = true };
                db.ApiTokens.Add(token);
                tokens[hash] = token;
                changes++;
            }
            else if (token.PersonId != owner.Id || token.Name != name || token.RevokedAt is not null)
            {
                changes++;
            }
            // A token listed in configuration is live: re-listing a revoked one brings it back on purpose.
            (token.PersonId, token.Name, token.RevokedAt) = (owner.Id, name, null);
        }

        changes += await ApplyIntegrationsAsync(db, config, teams, services, errors, cancellationToken);
        changes += await ApplyAdvertisersAsync(db, config, errors, cancellationToken);

        if (errors.Count > 0)
        {
            throw new InvalidOperationException("Provisioning failed; nothing was applied:" + Environment.NewLine + "- " + string.Join(Environment.NewLine + "- ", errors));
        }
        if (changes > 0)
        {
            db.AuditEntries.Add(new AuditEntry
            {
                At = clock.GetUtcNow(),
                Actor = "system",
                Action = AuditActions.Provisioned,
                Detail = $"{changes} change(s) from configuration: {config.Teams.Count} team(s), {config.Services.Count} service(s), {config.People.Count} person(s), {config.ApiTokens.Count} token(s), {config.Integrations.Count} integration(s), {config.Advertisers.Count} advertiser(s) declared.",
            });
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        logger.LogInformation("Provisioning applied: {Changes} change(s)", changes);
    }

    /// <summary>
    /// Advertisers by account id: created, or brought in line with configuration, checked by the same rules as the API;
    /// a billing address may belong to one advertiser only (mail from it must find one).
    /// </summary>
    private async Task<int> ApplyAdvertisersAsync(PortalDbContext db, ProvisioningOptions config, List<string> errors, CancellationToken cancellationToken)
    {
        var changes = 0;
        var now = clock.GetUtcNow();
        var existing = await db.Advertisers.ToDictionaryAsync(a => a.AccountId, cancellationToken);
        var owners = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < config.Advertisers.Count; i++)
        {
            var a = config.Advertisers[i];
            var at = $"Provisioning:Advertisers:{i}";
            var input = new AdvertiserInput(a.AccountId, a.Name, a.Region, a.Marketplace, a.Language, a.Tier, a.BillingEmails, a.TimeZone, a.MonthlySpendUsd);
            var problems = input.Check().Select(e => $"{at}:{char.ToUpperInvariant(e.Key[0])}{e.Key[1..]}: {string.Join(" ", e.Value)}").ToList();
            var accountId = a.AccountId?.Trim() ?? "";
            foreach (var email in a.BillingEmails.Select(AdvertiserRules.NormalizeEmail).OfType<string>().Distinct())
            {
                Check(problems, owners.TryAdd(email, accountId) || owners[email] == accountId, $"{at}:BillingEmails '{email}' is also {owners.GetValueOrDefault(email)}'s.");
            }
            if (Failed(errors, problems))
            {
                continue;
            }
            if (!existing.TryGetValue(accountId, out var advertiser))
            {
                advertiser = new Advertiser { AccountId = accountId, Name = "", TimeZone = "", CreatedAt = now, UpdatedAt = now };
                input.ApplyTo(advertiser);
                db.Advertisers.Add(advertiser);
                existing[accountId] = advertiser;
                changes++;
            }
            else if (input.ApplyTo(advertiser))
            {
                advertiser.UpdatedAt = now;
                changes++;
            }
        }
        return changes;
    }

    /// <summary>Integrations by name: created, or brought in line with configuration (kind, key, targets, enabled).</summary>
    private async Task<int> ApplyIntegrationsAsync(
        PortalDbContext db, ProvisioningOptions config, Dictionary<string, Team> teams, Dictionary<string, BusinessService> services,
        List<string> errors, CancellationToken cancellationToken)
    {
        var changes = 0;
        var existing = await db.Integrations.ToDictionaryAsync(i => i.Name, cancellationToken);
        for (var i = 0; i < config.Integrations.Count; i++)
        {
            var x = config.Integrations[i];
            var at = $"Provisioning:Integrations:{i}";
            var problems = new List<string>();
            var name = x.Name?.Trim() ?? "";
            Check(problems, name.Length is > 0 and <= IntegrationConfiguration.MaxName, $"{at}:Name is empty or over {IntegrationConfiguration.MaxName} characters.");
            Check(problems, IntegrationKinds.TryParse(x.Kind, out var kind), $"{at}:Kind '{x.Kind}' is not events-v2, alertmanager or cloudwatch.");
            Check(problems, IntegrationKeys.IsWellFormed(x.Key), $"{at}:Key must be 32 lowercase hex characters.");
            BusinessService? service = null;
            Team? team = null;
            RegionCode region = default;
            Check(problems, string.IsNullOrWhiteSpace(x.Service) || services.TryGetValue(x.Service, out service), $"{at}:Service '{x.Service}' is not a known service slug.");
            Check(problems, string.IsNullOrWhiteSpace(x.Team) || teams.TryGetValue(x.Team, out team), $"{at}:Team '{x.Team}' is not a known team slug.");
            Check(problems, string.IsNullOrWhiteSpace(x.Region) || Regions.TryParse(x.Region, out region), $"{at}:Region '{x.Region}' is not one of US, EU, JP, MX, AU.");
            var mappingProblems = new List<string>();
            var severityMap = IntegrationMappings.ParseSeverities(x.SeverityMap, mappingProblems);
            var labelMap = IntegrationMappings.ParseLabels(x.LabelMap, mappingProblems);
            problems.AddRange(mappingProblems.Select(p => $"{at}: {p}"));
            if (Failed(errors, problems))
            {
                continue;
            }
            var hash = IntegrationKeys.Hash(x.Key!);
            RegionCode? wantedRegion = string.IsNullOrWhiteSpace(x.Region) ? null : region;
            if (!existing.TryGetValue(name, out var integration))
            {
                integration = new Integration { Name = name, KeyHash = hash, KeyHint = IntegrationKeys.Hint(x.Key!), CreatedAt = clock.GetUtcNow() };
                db.Integrations.Add(integration);
                existing[name] = integration;
                changes++;
            }
            else if (integration.Kind != kind || integration.KeyHash != hash || integration.ServiceId != service?.Id || integration.TeamId != team?.Id
                || integration.Region != wantedRegion || !integration.Enabled || !integration.Provisioned || integration.VerifySignatures != x.VerifySignatures
                || integration.AutoResolve != x.AutoResolve || IntegrationMappings.Format(integration.SeverityMap) != IntegrationMappings.Format(severityMap)
                || IntegrationMappings.Format(integration.LabelMap) != IntegrationMappings.Format(labelMap))
            {
                changes++;
            }
            (integration.Kind, integration.KeyHash, integration.KeyHint) = (kind, hash, IntegrationKeys.Hint(x.Key!));
            (integration.ServiceId, integration.TeamId, integration.Region) = (service?.Id, team?.Id, wantedRegion);
            (integration.Enabled, integration.Provisioned, integration.VerifySignatures) = (true, true, x.VerifySignatures);
            (integration.AutoResolve, integration.SeverityMap, integration.LabelMap) = (x.AutoResolve, severityMap, labelMap);
        }
        return changes;
    }

    private static void Check(List<string> problems, bool ok, string problem)
    {
        if (!ok)
        {
            problems.Add(problem);
        }
    }

    private static bool Failed(List<string> errors, List<string> problems)
    {
        errors.AddRange(problems);
        return problems.Count > 0;
    }

    private static bool TryParseTier(string? value, out ServiceTier tier)
    {
        tier = ServiceTier.Tier2;
        if (string.IsNullOrWhiteSpace(value))
        {
            return true;
        }
        var v = value.Trim();
        if (v.StartsWith("tier", StringComparison.OrdinalIgnoreCase))
        {
            v = v[4..];
        }
        if (int.TryParse(v, out var n) && n is >= 1 and <= 3)
        {
            tier = (ServiceTier)n;
            return true;
        }
        return false;
    }

    private static bool TryParseRole(string? value, out PortalRole role)
    {
        role = PortalRole.Engineer;
        return string.IsNullOrWhiteSpace(value)
            || (!int.TryParse(value, out _) && Enum.TryParse(value.Trim(), ignoreCase: true, out role) && Enum.IsDefined(role));
    }
}
