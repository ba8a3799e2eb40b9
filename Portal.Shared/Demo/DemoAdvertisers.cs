using Portal.Shared.Admin;
using Portal.Shared.Directory;

namespace Portal.Shared.Demo;

/// <summary>The demo world's advertisers: a few hundred across the five regions, from a fixed seed.</summary>
public static class DemoAdvertisers
{
    public const int Count = 300;
    public const string Domain = "advertiser.example";

    private static readonly Dictionary<RegionCode, (string[] First, string[] Second, string[] Suffix, string Marketplace, string Language, string[] Zones)> Styles = new()
    {
        [RegionCode.US] = (["Northwind", "Bluebird", "Summit", "Redwood", "Harbor", "Lakeside", "Prairie", "Canyon", "Liberty", "Maple"],
            ["Outdoor", "Kitchen", "Pet Supply", "Electronics", "Apparel", "Home", "Toys", "Fitness", "Books", "Garden"], ["LLC", "Inc.", "Co."], "amazon.com", "en",
            ["America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles"]),
        [RegionCode.EU] = (["Atlantic", "Rhein", "Alpen", "Nordlicht", "Costa", "Baltic", "Liffey", "Seine", "Danube", "Tulip"],
            ["Moda", "Haus", "Sport", "Beauty", "Tech", "Garden", "Books", "Kids", "Gourmet", "Audio"], ["GmbH", "Ltd", "S.L.", "B.V.", "SAS"], "amazon.de", "en",
            ["Europe/Dublin", "Europe/Berlin", "Europe/Paris", "Europe/Madrid", "Europe/Amsterdam"]),
        [RegionCode.JP] = (["Sakura", "Fuji", "Hikari", "Midori", "Kaze", "Tsubasa", "Yama", "Umi", "Hoshi", "Kumo"],
            ["Home Goods", "Electronics", "Cosmetics", "Foods", "Stationery", "Outdoor", "Fashion", "Toys", "Tea", "Audio"], ["KK", "GK"], "amazon.co.jp", "ja",
            ["Asia/Tokyo"]),
        [RegionCode.MX] = (["Sol", "Azteca", "Maya", "Jalisco", "Oaxaca", "Cancún", "Sierra", "Pacífico", "Bajío", "Norte"],
            ["Hogar", "Moda", "Deportes", "Electrónica", "Belleza", "Juguetes", "Cocina", "Mascotas", "Libros", "Jardín"], ["S.A. de C.V.", "S. de R.L."], "amazon.com.mx", "es-MX",
            ["America/Mexico_City", "America/Monterrey", "America/Cancun"]),
        [RegionCode.AU] = (["Koala", "Outback", "Coral", "Harbour", "Southern Cross", "Wattle", "Bondi", "Eucalypt", "Tasman", "Kookaburra"],
            ["Surf", "Homewares", "Outdoors", "Tech", "Wellness", "Pets", "Books", "Kids", "Wine", "Garden"], ["Pty Ltd"], "amazon.com.au", "en",
            ["Australia/Sydney", "Australia/Melbourne", "Australia/Brisbane", "Australia/Perth"]),
    };

    private static readonly Lazy<IReadOnlyList<AdvertiserInput>> Built = new(() => Build().AsReadOnly());

    /// <summary>The advertisers: the same (immutable) list on every call, built once.</summary>
    public static IReadOnlyList<AdvertiserInput> Generate() => Built.Value;

    private static List<AdvertiserInput> Build()
    {
        var random = new Random(DemoWorld.Seed + 7);
        var regions = Enum.GetValues<RegionCode>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        var result = new List<AdvertiserInput>(Count);
        for (var i = 0; i < Count; i++)
        {
            var region = regions[i % regions.Length];
            var style = Styles[region];
            string name;
            do
            {
                name = $"{style.First[random.Next(style.First.Length)]} {style.Second[random.Next(style.Second.Length)]} {style.Suffix[random.Next(style.Suffix.Length)]}";
            }
            while (!names.Add(name) && names.Count < 2000);
            var slug = new string(name.Normalize(System.Text.NormalizationForm.FormD).Where(char.IsAsciiLetterOrDigit).Select(char.ToLowerInvariant).ToArray());
            var managed = random.NextDouble() < 0.25;
            var spend = managed ? random.Next(50, 900) * 1000m : random.Next(2, 60) * 250m;
            result.Add(new AdvertiserInput(
                AccountId(i), name, region.ToString(), style.Marketplace, style.Language, managed ? nameof(AdvertiserTier.Managed) : nameof(AdvertiserTier.SelfServe),
                [$"billing@{slug}.{Domain}", $"finance@{slug}.{Domain}"], style.Zones[random.Next(style.Zones.Length)], spend));
        }
        return result;
    }

    public static string AccountId(int index) => $"ACC-{100001 + index}";
}
