namespace Portal.Shared.Admin;

/// <summary>How much of advertisers' money a service carries (Tier 1 the most). A label: paging follows the service's escalation policy.</summary>
public enum ServiceTier
{
    Tier1 = 1,
    Tier2 = 2,
    Tier3 = 3,
}

/// <summary>A service of the billing estate, owned by one team.</summary>
public sealed class BusinessService
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public string? Description { get; set; }
    public ServiceTier Tier { get; set; } = ServiceTier.Tier2;
    public int? OwningTeamId { get; set; }
    public Team.Team? OwningTeam { get; set; }

    /// <summary>Who is paged, in what order, when one of this service's incidents triggers; none pages nobody.</summary>
    public int? EscalationPolicyId { get; set; }
}
