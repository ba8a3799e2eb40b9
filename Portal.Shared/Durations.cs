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
}
