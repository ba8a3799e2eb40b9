using NodaTime;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Team;

namespace Portal.Shared.Demo;

/// <summary>One incident of the demo history, before the database numbers it.</summary>
public sealed record DemoIncident(
    string Title, string? Description, Severity Severity, string ServiceSlug, string TeamSlug, RegionCode Region,
    string? AssigneeHandle, string? CommanderHandle, DateTimeOffset TriggeredAt, DateTimeOffset? AcknowledgedAt,
    DateTimeOffset? MitigatedAt, DateTimeOffset? ResolvedAt, int? AdvertisersAffected, decimal? RevenueAtRiskUsd,
    IReadOnlyList<string> Tags, string? ResolutionNote, string? AlertClass = null);

/// <summary>
/// Fifteen weeks of incident history with a realistic shape (so that the WBR's 13-week trend starts from a full week), and
/// a dozen incidents open now. Generated from a fixed
/// seed relative to <c>now</c>, so the same clock gives the same history.
/// </summary>
public static class DemoIncidents
{
    public const int Seed = 4242;
    public const int Days = 105;
    public const int OpenNow = 12;

    private sealed record ServiceShape(string Slug, double AckMinutes, double ResolveMinutes, double Weight, string[] Titles);

    // Typical time to acknowledge and to resolve per service (medians); incidents spread around them.
    private static readonly ServiceShape[] Shapes =
    [
        new("payments", 4, 55, 1.4, ["Payment gateway timeouts above {0}% in {1}", "Card authorisations declining in {1}", "Settlement batch lag above {2} minutes", "Duplicate charge reports from {1} advertisers"]),
        new("invoicing", 9, 140, 1.2, ["Invoice generation queue above {3}k", "Invoice PDFs fail to render for {1}", "Monthly invoices delayed for {1} advertisers", "Credit notes missing from invoices"]),
        new("budgets", 6, 80, 1.1, ["Budget caps not enforced for {1} campaigns", "Pacing job behind by {2} minutes", "Daily budget resets late in {1}"]),
        new("billing-api", 5, 70, 1.0, ["Billing API 5xx above {0}% in {1}", "Billing API latency p99 above {2}s", "Partner API token refresh failing"]),
        new("advertiser-ledger", 12, 200, 0.8, ["Ledger drift between charges and payments", "Ledger entries delayed by {2} minutes", "Negative balances on {1} accounts"]),
        new("tax", 20, 300, 0.6, ["VAT calculation wrong for {1}", "Tax documents missing for {1} advertisers", "Tax rate table stale"]),
        new("fx-rates", 15, 120, 0.6, ["FX rates stale for {1} currencies", "FX feed returning zero rates", "Currency conversion drift above {0}%"]),
        new("accounting-automation", 30, 480, 0.5, ["Revenue recognition job failed", "Journal export to ERP incomplete", "Month-end close feed delayed"]),
        new("promotions", 40, 360, 0.5, ["Promo codes rejected in {1}", "Promotional credits applied twice", "Coupon eligibility rules out of date"]),
    ];

    private static readonly (Severity Severity, double Weight)[] SeverityMix =
        [(Severity.SEV1, 0.02), (Severity.SEV2, 0.10), (Severity.SEV3, 0.38), (Severity.SEV4, 0.38), (Severity.SEV5, 0.12)];

    private static readonly string[] Fixes =
    [
        "Restarted the stuck workers and drained the backlog.", "Rolled back the last deployment.", "Failed over to the secondary region.",
        "Raised the consumer count and cleared the queue.", "Corrected the configuration flag and re-ran the job.",
        "Upstream provider fixed their outage; verified recovery.", "Replayed the missed events from the ledger.",
    ];

    public static IReadOnlyList<DemoIncident> Generate(DemoWorld world, DateTimeOffset now)
    {
        var random = new Random(Seed);
        var incidents = new List<DemoIncident>();
        var start = now.AddDays(-Days);
        for (var day = 0; day < Days; day++)
        {
            var count = 3 + random.Next(6);
            for (var i = 0; i < count; i++)
            {
                var region = Pick(random, world.Teams.Select(t => (t.Region, 1.0)).ToArray());
                var triggered = BusinessHoursInstant(random, start.AddDays(day), region);
                if (triggered < start || triggered >= now.AddHours(-6))
                {
                    continue;
                }
                incidents.Add(Resolved(random, world, region, triggered));
            }
        }
        for (var i = 0; i < OpenNow; i++)
        {
            var region = world.Teams[i % world.Teams.Count].Region;
            var triggered = now.AddMinutes(-(3 + random.Next(360)));
            incidents.Add(Open(random, world, region, triggered, now, i));
        }
        return [.. incidents.OrderBy(x => x.TriggeredAt)];
    }

    private static DemoIncident Resolved(Random random, DemoWorld world, RegionCode region, DateTimeOffset triggered)
    {
        var (shape, severity, team, title, alertClass) = Basics(random, world, region);
        var people = world.People.Where(p => p.TeamSlug == team.Slug).ToList();
        var speed = severity switch { Severity.SEV1 => 0.4, Severity.SEV2 => 0.7, Severity.SEV3 => 1.0, _ => 1.6 };
        var ack = triggered.AddMinutes(Spread(random, shape.AckMinutes * speed));
        var resolve = ack.AddMinutes(Spread(random, shape.ResolveMinutes * speed));
        var mitigate = severity <= Severity.SEV3 ? ack.AddMinutes((resolve - ack).TotalMinutes * (0.3 + (random.NextDouble() * 0.4))) : (DateTimeOffset?)null;
        var assignee = people[random.Next(people.Count)].Handle;
        var commander = severity <= Severity.SEV2 ? people.First(p => p.Role == PortalRole.Manager).Handle : null;
        var (advertisers, revenue) = Impact(random, severity);
        var tags = Tags(random, shape);
        return new DemoIncident(title, null, severity, shape.Slug, team.Slug, region, assignee, commander, triggered, ack, mitigate, resolve,
            advertisers, revenue, tags, Fixes[random.Next(Fixes.Length)], Monitored(tags, alertClass, severity, triggered));
    }

    private static DemoIncident Open(Random random, DemoWorld world, RegionCode region, DateTimeOffset triggered, DateTimeOffset now, int index)
    {
        var (shape, severity, team, title, alertClass) = Basics(random, world, region);
        if (index == 0)
        {
            severity = Severity.SEV2;
        }
        var people = world.People.Where(p => p.TeamSlug == team.Slug).ToList();
        // A third still triggered (some unassigned), a third acknowledged, a third mitigated.
        var stage = index % 3;
        DateTimeOffset? ack = stage == 0 ? null : Min(triggered.AddMinutes(Spread(random, shape.AckMinutes)), now.AddMinutes(-1));
        DateTimeOffset? mitigate = stage == 2 && ack is { } a ? Min(a.AddMinutes(Spread(random, 20)), now) : null;
        var assignee = stage == 0 && index % 2 == 0 ? null : people[random.Next(people.Count)].Handle;
        var commander = severity <= Severity.SEV2 ? people.First(p => p.Role == PortalRole.Manager).Handle : null;
        var (advertisers, revenue) = Impact(random, severity);
        var tags = Tags(random, shape);
        return new DemoIncident(title, "Opened by the demo world. Follow the runbook for the service and keep the timeline current.", severity,
            shape.Slug, team.Slug, region, assignee, commander, triggered, ack, mitigate, null, advertisers, revenue, tags, null, Monitored(tags, alertClass, severity, triggered));
    }

    private static (ServiceShape Shape, Severity Severity, DemoTeam Team, string Title, string AlertClass) Basics(Random random, DemoWorld world, RegionCode region)
    {
        var shape = Pick(random, Shapes.Select(s => (s, s.Weight)).ToArray());
        var severity = Pick(random, SeverityMix);
        var team = world.Teams.Single(t => t.Region == region);
        var template = shape.Titles[random.Next(shape.Titles.Length)];
        var title = string.Format(System.Globalization.CultureInfo.InvariantCulture, template,
            2 + random.Next(12), Regions.Get(region).Name, 10 + random.Next(50), 20 + random.Next(60));
        return (shape, severity, team, title, DemoAlerts.ClassOf(template));
    }

    private static (int?, decimal?) Impact(Random random, Severity severity) => severity switch
    {
        Severity.SEV1 => (200 + random.Next(2000), 50_000m + random.Next(400_000)),
        Severity.SEV2 => (20 + random.Next(400), 5_000m + random.Next(60_000)),
        Severity.SEV3 => (random.Next(2) == 0 ? null : random.Next(60), random.Next(2) == 0 ? null : random.Next(8_000)),
        _ => (null, null),
    };

    /// <summary>
    /// What an advertiser reported has no alert behind it, nor do two in three of the minor ones (someone noticed them on a
    /// dashboard); everything else was caught by a monitor.
    /// </summary>
    private static string? Monitored(List<string> tags, string alertClass, Severity severity, DateTimeOffset triggered) =>
        tags.Contains("customer-reported") || (severity >= Severity.SEV4 && triggered.Second % 3 != 0) ? null : alertClass;

    private static List<string> Tags(Random random, ServiceShape shape) =>
        random.Next(3) == 0 ? [shape.Slug, "customer-reported"] : [shape.Slug];

    /// <summary>A local time weighted to 09:00–18:00 on weekdays in the region's zone, as an instant.</summary>
    private static DateTimeOffset BusinessHoursInstant(Random random, DateTimeOffset day, RegionCode region)
    {
        var zone = Regions.Get(region).Zone;
        var date = Instant.FromDateTimeOffset(day).InZone(zone).Date;
        var businessHours = random.NextDouble() < 0.7;
        var hour = businessHours ? 9 + random.Next(9) : random.Next(24);
        var local = date.At(new LocalTime(hour, random.Next(60), random.Next(60)));
        return zone.AtLeniently(local).ToDateTimeOffset().ToUniversalTime();
    }

    private static double Spread(Random random, double median)
    {
        // A long right tail: most incidents near the median, a few much slower.
        var normal = Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
        return Math.Max(1, median * Math.Exp(0.6 * normal));
    }

    private static T Pick<T>(Random random, (T Value, double Weight)[] choices)
    {
        var roll = random.NextDouble() * choices.Sum(c => c.Weight);
        foreach (var (value, weight) in choices)
        {
            roll -= weight;
            if (roll <= 0)
            {
                return value;
            }
        }
        return choices[^1].Value;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}
