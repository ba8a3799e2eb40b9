using Portal.Shared.Team;

namespace Portal.Infrastructure.Auth;

/// <summary>Where an outside sign-in finds (or makes) its portal person; the Directory module provides it.</summary>
public interface IExternalPeople
{
    /// <summary>The person with this Entra object id, else this email (then linked), else a new one.</summary>
    Task<Person> MatchOrCreateExternalAsync(string objectId, string email, string name, PortalRole? role, CancellationToken cancellationToken = default);
}
