using System.Security.Claims;
using Portal.Shared.Team;

namespace Portal.Components.Layout;

/// <summary>What the app shell reads and keeps of the signed-in person; the Directory module provides it.</summary>
public interface IViewerDirectory
{
    Task<PersonView?> MeAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default);

    Task SetPreferencesAsync(ClaimsPrincipal user, string? displayTimeZone, bool darkMode, CancellationToken cancellationToken = default);
}
