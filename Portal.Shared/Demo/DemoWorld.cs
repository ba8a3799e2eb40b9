using Portal.Shared.Admin;
using Portal.Shared.Team;

namespace Portal.Shared.Demo;

/// <summary>A person of the demo world, before the database gives ids.</summary>
public sealed record DemoPerson(
    string Handle, string Name, string Email, RegionCode Region, string TimeZone,
    PortalRole Role, string Level, string? TeamSlug, string? ManagerHandle);

public sealed record DemoTeam(string Slug, string Name, RegionCode Region);

public sealed record DemoService(string Slug, string Name, string Description, ServiceTier Tier, string TeamSlug);

/// <summary>
/// The demo world: five regional teams, about forty people with managers, and the billing estate.
/// Generated from a fixed seed so that every start, every machine and every test sees the same world.
/// </summary>
public sealed record DemoWorld(IReadOnlyList<DemoTeam> Teams, IReadOnlyList<DemoPerson> People, IReadOnlyList<DemoService> Services)
{
    public const int Seed = 20261120;
    public const string EmailDomain = "portal.example";

    /// <summary>The demo's Events API v2 integration ("Demo monitors", paging Payments): a published key, for trying ingestion.</summary>
    public const string MonitorKey = "de30de30de30de30de30de30de30de30";
    public const string MonitorName = "Demo monitors";
    private const int EngineersPerTeam = 7;

    private sealed record RegionNames(string[] First, string[] Last, string[] Zones);

    private static readonly Dictionary<RegionCode, RegionNames> Names = new()
    {
        [RegionCode.US] = new(
            ["Emily", "Marcus", "Priya", "Jordan", "Olivia", "Daniel", "Aisha", "Ryan", "Grace", "Kevin", "Samantha", "Tyler"],
            ["Johnson", "Patel", "Nguyen", "Brooks", "Carter", "Kim", "Reed", "Coleman", "Hayes", "Rivera", "Foster", "Bennett"],
            ["America/New_York", "America/New_York", "America/Chicago", "America/Los_Angeles"]),
        [RegionCode.EU] = new(
            ["Lea", "Siobhan", "Lukas", "Camille", "Mateusz", "Sofia", "Niamh", "Pablo", "Anouk", "Henrik", "Giulia", "Tomasz"],
            ["Martin", "O'Brien", "Schneider", "Dubois", "Kowalski", "Rossi", "Murphy", "García", "de Vries", "Lindqvist", "Ferrari", "Nowak"],
            ["Europe/Dublin", "Europe/Dublin", "Europe/Berlin", "Europe/Madrid", "Europe/Warsaw"]),
        [RegionCode.JP] = new(
            ["Akira", "Yuki", "Haruto", "Sakura", "Kenji", "Aoi", "Ren", "Mei", "Takumi", "Hina", "Sota", "Yui"],
            ["Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito", "Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada"],
            ["Asia/Tokyo"]),
        [RegionCode.MX] = new(
            ["Alejandro", "Valeria", "Diego", "Ximena", "Mateo", "Camila", "Santiago", "Renata", "Emiliano", "Fernanda", "Rodrigo", "Mariana"],
            ["Hernández", "López", "Martínez", "González", "Ramírez", "Flores", "Torres", "Morales", "Castillo", "Vázquez", "Jiménez", "Ruiz"],
            ["America/Mexico_City", "America/Mexico_City", "America/Monterrey"]),
        [RegionCode.AU] = new(
            ["Charlotte", "Jack", "Matilda", "Lachlan", "Isla", "Cooper", "Ruby", "Hamish", "Zoe", "Liam", "Chloe", "Riley"],
            ["Wilson", "Thompson", "Walker", "Mitchell", "Kelly", "Campbell", "Clarke", "Hughes", "Harrison", "Taylor", "Young", "Evans"],
            ["Australia/Sydney", "Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane"]),
    };

    private static readonly (string Slug, string Name, string Description, ServiceTier Tier, RegionCode Owner)[] Estate =
    [
        ("invoicing", "Invoicing", "Generates and delivers monthly and threshold invoices to advertisers.", ServiceTier.Tier1, RegionCode.EU),
        ("payments", "Payments", "Card, bank and wallet payment processing and settlement.", ServiceTier.Tier1, RegionCode.US),
        ("budgets", "Budgets", "Account and campaign budgets, pacing and spend caps.", ServiceTier.Tier1, RegionCode.JP),
        ("promotions", "Promotions", "Promotional credits, coupons and their eligibility rules.", ServiceTier.Tier3, RegionCode.MX),
        ("accounting-automation", "Accounting Automation", "Journal entries, revenue recognition and month-end close feeds.", ServiceTier.Tier2, RegionCode.AU),
        ("billing-api", "Billing API", "Public and partner API for billing setup, invoices and payments.", ServiceTier.Tier1, RegionCode.US),
        ("advertiser-ledger", "Advertiser Ledger", "The ledger of every charge, credit and payment per advertiser.", ServiceTier.Tier1, RegionCode.EU),
        ("tax", "Tax", "Tax calculation, VAT/GST/IVA registration and tax documents.", ServiceTier.Tier2, RegionCode.MX),
        ("fx-rates", "FX Rates", "Daily and intraday currency rates for billing in local currencies.", ServiceTier.Tier2, RegionCode.AU),
    ];

    private static readonly string[] EngineerLevels = ["L3", "L3", "L4", "L4", "L4", "L5", "L5", "L6"];

    public static string TeamSlug(RegionCode region) => $"billing-support-{region.ToString().ToLowerInvariant()}";

    /// <summary>Builds the world. Same output on every call.</summary>
    public static DemoWorld Generate()
    {
        var random = new Random(Seed);
        var teams = Regions.All
            .Select(r => new DemoTeam(TeamSlug(r.Code), $"Billing Support {r.Code}", r.Code))
            .ToList();

        var people = new List<DemoPerson>();
        var handles = new HashSet<string>(StringComparer.Ordinal);

        var head = NewPerson(random, RegionCode.US, handles, PortalRole.Admin, "M3", teamSlug: null, managerHandle: null);
        people.Add(head);

        foreach (var team in teams)
        {
            var manager = NewPerson(random, team.Region, handles, PortalRole.Manager, "M1", team.Slug, head.Handle);
            people.Add(manager);
            for (var i = 0; i < EngineersPerTeam; i++)
            {
                var level = EngineerLevels[random.Next(EngineerLevels.Length)];
                people.Add(NewPerson(random, team.Region, handles, PortalRole.Engineer, level, team.Slug, manager.Handle));
            }
        }

        var services = Estate
            .Select(s => new DemoService(s.Slug, s.Name, s.Description, s.Tier, TeamSlug(s.Owner)))
            .ToList();
        return new DemoWorld(teams, people, services);
    }

    private static DemoPerson NewPerson(
        Random random, RegionCode region, HashSet<string> handles, PortalRole role, string level,
        string? teamSlug, string? managerHandle)
    {
        var names = Names[region];
        while (true)
        {
            var first = names.First[random.Next(names.First.Length)];
            var last = names.Last[random.Next(names.Last.Length)];
            var handle = HandleFor(first, last);
            if (!handles.Add(handle))
            {
                continue;
            }
            var zone = names.Zones[random.Next(names.Zones.Length)];
            return new DemoPerson(handle, $"{first} {last}", $"{handle}@{EmailDomain}", region, zone, role, level, teamSlug, managerHandle);
        }
    }

    /// <summary>"Lea O'Brien" → "lea.obrien"; accents are folded ("García" → "garcia").</summary>
    public static string HandleFor(string first, string last)
    {
        static string Fold(string s)
        {
            var normalized = s.Normalize(System.Text.NormalizationForm.FormD);
            var kept = normalized
                .Where(c => char.IsAsciiLetterOrDigit(c))
                .Select(char.ToLowerInvariant)
                .ToArray();
            return new string(kept);
        }
        return $"{Fold(first)}.{Fold(last)}";
    }
}
