namespace Portal.Features.Alerts;

/// <summary>
/// How long a new alert's incident waits before its escalation pages anyone: another module (Automation's
/// self-healing) says so when it will try to fix the alert first, and pages at once if that fails. Alerts names none.
/// </summary>
public interface IPagingHold
{
    /// <summary>The wait for an alert of this integration, service and labels; null or zero to page as usual.</summary>
    TimeSpan? HoldFor(int integrationId, string? service, IReadOnlyDictionary<string, string> labels);
}
