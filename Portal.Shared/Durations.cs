namespace Portal.Shared;

/// <summary>How the portal writes a duration given in minutes: "12.5 min" up to two hours, then "4.1 h"; "—" when there is none.</summary>
public static class Durations
{
    public static string Minutes(double? minutes) => minutes switch
    {
        null => "—",
        < 120 => $"{minutes:0.#} min",
        _ => $"{minutes / 60:0.#} h",
    };

    /// <summary>A target in whole minutes as people say it: "15 min", "4 h", "1 d 2 h 30 min"; null for no target.</summary>
    public static string? Target(int? minutes)
    {
        if (minutes is not { } m || m <= 0)
        {
            return null;
        }
        var span = TimeSpan.FromMinutes(m);
        return string.Join(" ", new[] { (span.Days, "d"), (span.Hours, "h"), (span.Minutes, "min") }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1} {p.Item2}"));
    }
}
