using Portal.Shared.Admin;

namespace Portal.Shared.Team;

/// <summary>A person as pages and the API show them.</summary>
public sealed record PersonView(
    int Id, string Handle, string Name, string Email, PortalRole Role, string? Level,
    string? TeamSlug, string? TeamName, RegionCode Region, string TimeZone,
    string? ManagerHandle, string? ManagerName, string? DisplayTimeZone, bool DarkMode)
{
    /// <summary>The zone this person wants times shown in.</summary>
    public string ViewingZone => DisplayTimeZone ?? TimeZone;
}
