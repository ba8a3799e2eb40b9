namespace Portal.Infrastructure.Provisioning;

/// <summary>
/// The <c>Provisioning</c> section: teams, services, people, API tokens, integrations and advertisers declared in configuration and
/// applied at every start. Declared fields win over edits made in the portal, as in Grafana's provisioning.
/// </summary>
public sealed class ProvisioningOptions
{
    public List<ProvisionedTeam> Teams { get; set; } = [];
    public List<ProvisionedService> Services { get; set; } = [];
    public List<ProvisionedPerson> People { get; set; } = [];
    public List<ProvisionedApiToken> ApiTokens { get; set; } = [];
    public List<ProvisionedIntegration> Integrations { get; set; } = [];
    public List<ProvisionedAdvertiser> Advertisers { get; set; } = [];
}

/// <summary>An advertiser, by account id; the fields are those of the advertisers API.</summary>
public sealed class ProvisionedAdvertiser
{
    public string? AccountId { get; set; }
    public string? Name { get; set; }
    public string? Region { get; set; }
    public string? Marketplace { get; set; }
    public string? Language { get; set; }

    /// <summary>Managed or SelfServe.</summary>
    public string? Tier { get; set; }

    public List<string> BillingEmails { get; set; } = [];
    public string? TimeZone { get; set; }
    public decimal? MonthlySpendUsd { get; set; }
}

public sealed class ProvisionedTeam
{
    public string? Name { get; set; }
    public string? Slug { get; set; }
    public string? Region { get; set; }
}

public sealed class ProvisionedService
{
    public string? Name { get; set; }
    public string? Slug { get; set; }

    /// <summary>The owning team's slug.</summary>
    public string? Team { get; set; }

    /// <summary>1, 2 or 3 (or Tier1..Tier3).</summary>
    public string? Tier { get; set; }
}

public sealed class ProvisionedPerson
{
    public string? Name { get; set; }
    public string? Handle { get; set; }
    public string? Email { get; set; }

    /// <summary>Engineer, Manager or Admin.</summary>
    public string? Role { get; set; }

    /// <summary>The team's slug.</summary>
    public string? Team { get; set; }

    public string? Region { get; set; }
    public string? TimeZone { get; set; }

    /// <summary>The manager's handle or email.</summary>
    public string? Manager { get; set; }
}

public sealed class ProvisionedApiToken
{
    public string? Name { get; set; }

    /// <summary>The secret itself; only its hash is stored.</summary>
    public string? Token { get; set; }

    /// <summary>The email of the person the token acts as.</summary>
    public string? User { get; set; }
}

/// <summary>A monitor integration declared in configuration; its key is used as given (32 lowercase hex characters).</summary>
public sealed class ProvisionedIntegration
{
    public string? Name { get; set; }

    /// <summary><c>events-v2</c>, <c>alertmanager</c> or <c>cloudwatch</c>.</summary>
    public string? Kind { get; set; }

    public string? Key { get; set; }

    /// <summary>Service and team slugs, and a region code, for the incidents its alerts open.</summary>
    public string? Service { get; set; }

    public string? Team { get; set; }
    public string? Region { get; set; }

    /// <summary>CloudWatch: check SNS signatures (default true).</summary>
    public bool VerifySignatures { get; set; } = true;

    /// <summary>Resolve the incident when all its alerts resolve (default true).</summary>
    public bool AutoResolve { get; set; } = true;

    /// <summary>Severity words to SEV2–SEV5 over the defaults, as text: "critical=SEV2, page=SEV2".</summary>
    public string? SeverityMap { get; set; }

    /// <summary>Which label fills which incident field, as text: "region=dc_region, team=owner".</summary>
    public string? LabelMap { get; set; }
}
