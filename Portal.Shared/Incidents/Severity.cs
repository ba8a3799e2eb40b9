namespace Portal.Shared.Incidents;

/// <summary>How bad an incident is. SEV1 is the worst; SEV1 is declared by people, never by a monitor.</summary>
public enum Severity
{
    SEV1 = 1,
    SEV2 = 2,
    SEV3 = 3,
    SEV4 = 4,
    SEV5 = 5,
}

/// <summary>Where an incident is in its life.</summary>
public enum IncidentStatus
{
    Triggered,
    Acknowledged,
    Mitigated,
    Resolved,
}

/// <summary>What a person (or monitor) does to move an incident along.</summary>
public enum IncidentAction
{
    Acknowledge,
    Mitigate,
    Resolve,
    Reopen,
}
