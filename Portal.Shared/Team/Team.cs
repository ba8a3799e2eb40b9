using Portal.Shared.Admin;

namespace Portal.Shared.Team;

/// <summary>A support team; each works from one home region.</summary>
public sealed class Team
{
    public int Id { get; set; }
    public required string Slug { get; set; }
    public required string Name { get; set; }
    public RegionCode Region { get; set; }
}
