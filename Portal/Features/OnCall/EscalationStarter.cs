namespace Portal.Features.OnCall;

/// <summary>Starts a new incident's escalation, by its service's policy, in the transaction that opens it.</summary>
public sealed class EscalationStarter(EscalationSignal signal) : Incidents.IIncidentOpened
{
    public async Task<bool> StageAsync(Infrastructure.Data.PortalDbContext db, Shared.Incidents.Incident incident, DateTimeOffset now, CancellationToken cancellationToken) =>
        EscalationService.Stage(db, incident, await EscalationService.PolicyOfAsync(db, incident.ServiceId, cancellationToken), now);

    public void Committed() => signal.Wake();
}
