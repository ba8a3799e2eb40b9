using Portal.Infrastructure.Data;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

/// <summary>
/// Work another module starts with a new incident, inside the transaction that opens it (OnCall starts the service's
/// escalation), so the incident never exists without it. Registered by that module; Incidents knows none of them.
/// </summary>
public interface IIncidentOpened
{
    /// <summary>Stages the work on <paramref name="db"/> (not saved yet); true when something should be woken after commit.</summary>
    Task<bool> StageAsync(PortalDbContext db, Incident incident, DateTimeOffset now, CancellationToken cancellationToken);

    /// <summary>After the commit, when <see cref="StageAsync"/> said so.</summary>
    void Committed();
}
