namespace Portal.Shared.Incidents;

/// <summary>
/// The one table of allowed status changes. Work may skip ahead (a monitor can resolve a triggered incident),
/// but never back, except by reopening a resolved incident, which returns it to Acknowledged.
/// </summary>
public static class IncidentTransitions
{
    private static readonly Dictionary<(IncidentStatus From, IncidentAction Action), IncidentStatus> Allowed = new()
    {
        [(IncidentStatus.Triggered, IncidentAction.Acknowledge)] = IncidentStatus.Acknowledged,
        [(IncidentStatus.Triggered, IncidentAction.Mitigate)] = IncidentStatus.Mitigated,
        [(IncidentStatus.Triggered, IncidentAction.Resolve)] = IncidentStatus.Resolved,
        [(IncidentStatus.Acknowledged, IncidentAction.Mitigate)] = IncidentStatus.Mitigated,
        [(IncidentStatus.Acknowledged, IncidentAction.Resolve)] = IncidentStatus.Resolved,
        [(IncidentStatus.Mitigated, IncidentAction.Resolve)] = IncidentStatus.Resolved,
        [(IncidentStatus.Resolved, IncidentAction.Reopen)] = IncidentStatus.Acknowledged,
    };

    /// <summary>The status after <paramref name="action"/>, or null when it is not allowed from <paramref name="from"/>.</summary>
    public static IncidentStatus? Next(IncidentStatus from, IncidentAction action) =>
        Allowed.TryGetValue((from, action), out var to) ? to : null;

    public static bool IsAllowed(IncidentStatus from, IncidentAction action) => Allowed.ContainsKey((from, action));

    /// <summary>The actions open to someone looking at an incident in <paramref name="status"/>.</summary>
    public static IReadOnlyList<IncidentAction> From(IncidentStatus status) =>
        [.. Allowed.Keys.Where(k => k.From == status).Select(k => k.Action)];

    /// <summary>Why <paramref name="action"/> cannot be done now, in a sentence a person understands; null when it can.</summary>
    public static string? WhyNot(string number, IncidentStatus from, IncidentAction action)
    {
        if (IsAllowed(from, action))
        {
            return null;
        }
        return (from, action) switch
        {
            (IncidentStatus.Resolved, _) => $"{number} is resolved; reopen it first.",
            (_, IncidentAction.Reopen) => $"{number} is not resolved, so there is nothing to reopen.",
            (IncidentStatus.Acknowledged, IncidentAction.Acknowledge) => $"{number} is already acknowledged.",
            (IncidentStatus.Mitigated, IncidentAction.Acknowledge) => $"{number} is already mitigated; acknowledging it would move it back.",
            (IncidentStatus.Mitigated, IncidentAction.Mitigate) => $"{number} is already mitigated.",
            _ => $"{number} cannot be {Past(action)} while it is {from.ToString().ToLowerInvariant()}.",
        };
    }

    /// <summary>"acknowledged", "mitigated", "resolved", "reopened".</summary>
    public static string Past(IncidentAction action) => action switch
    {
        IncidentAction.Acknowledge => "acknowledged",
        IncidentAction.Mitigate => "mitigated",
        IncidentAction.Resolve => "resolved",
        _ => "reopened",
    };

    public static bool IsOpen(IncidentStatus status) => status != IncidentStatus.Resolved;
}
