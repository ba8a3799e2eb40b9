using Portal.Shared.Admin;

namespace Portal.Shared.Team;

/// <summary>Someone who can sign in to the portal.</summary>
public sealed class Person
{
    public int Id { get; set; }
    public required string Handle { get; set; }
    public required string Name { get; set; }
    public required string Email { get; set; }
    public RegionCode Region { get; set; }

    /// <summary>IANA zone the person works in.</summary>
    public required string TimeZone { get; set; }

    public PortalRole Role { get; set; }

    /// <summary>Career level, e.g. "L4" or "M1".</summary>
    public string? Level { get; set; }

    public int? TeamId { get; set; }
    public Team? Team { get; set; }
    public int? ManagerId { get; set; }
    public Person? Manager { get; set; }

    /// <summary>Entra ID object id, once the person has signed in through Entra.</summary>
    public string? ExternalId { get; set; }

    /// <summary>Zone the person wants times shown in; null means their own <see cref="TimeZone"/>.</summary>
    public string? DisplayTimeZone { get; set; }

    public bool DarkMode { get; set; }
    public bool Active { get; set; } = true;
    public DateTimeOffset CreatedAt { get; set; }
}
