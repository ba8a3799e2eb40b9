namespace Portal.Shared.Intelligence;

/// <summary>An incident's place among its service's recent incidents: how many of them were like it, and the label that follows.</summary>
public sealed record OutlierLabel(string Label, int Similar, int Total, string Definition);

/// <summary>
/// PagerDuty-style outlier labels per service, over the service's incidents of the last 30 days before this one:
/// Frequent when at least 20% of them are like it, Rare when at most 5% are, Anomaly when none is; otherwise no label.
/// "Like it" is a cosine of at least the similar-incidents threshold.
/// </summary>
public static class OutlierRules
{
    public const int Days = 30;
    public const double FrequentShare = 0.20;
    public const double RareShare = 0.05;

    public const string Frequent = "Frequent";
    public const string Rare = "Rare";
    public const string Anomaly = "Anomaly";

    public static OutlierLabel? Label(int similar, int total, string service)
    {
        if (total == 0)
        {
            return new OutlierLabel(Anomaly, 0, 0, $"Anomaly: {service} had no other incident in the last {Days} days.");
        }
        var share = similar / (double)total;
        var counted = $"{similar} of {service}'s {total} incidents in the last {Days} days were like it";
        return similar == 0 ? new OutlierLabel(Anomaly, 0, total, $"Anomaly: nothing like it in {service} in the last {Days} days ({total} incidents).")
            : share >= FrequentShare ? new OutlierLabel(Frequent, similar, total, $"Frequent: {counted} (at least {FrequentShare:P0}).")
            : share <= RareShare ? new OutlierLabel(Rare, similar, total, $"Rare: {counted} (at most {RareShare:P0}).")
            : null;
    }
}
