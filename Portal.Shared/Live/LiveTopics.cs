using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Incidents;

namespace Portal.Shared.Live;

/// <summary>
/// The topics a live client can subscribe to: <c>incidents</c>, <c>incidents:region:{US|EU|JP|MX|AU}</c>,
/// <c>incidents:team:{slug}</c> and <c>incident:{number}</c> (INC-1042 or 1042); for cases <c>cases</c>,
/// <c>cases:region:{code}</c> and <c>case:{number}</c> (CASE-1234 or 1234).
/// </summary>
public static class LiveTopics
{
    public const string AllIncidents = "incidents";
    public const string AllCases = "cases";

    /// <summary>The canonical form of a topic, or null with the reason when it is not one.</summary>
    public static string? Normalize(string? topic, out string? error)
    {
        error = null;
        var t = topic?.Trim() ?? "";
        if (t.Equals(AllIncidents, StringComparison.OrdinalIgnoreCase))
        {
            return AllIncidents;
        }
        if (t.Equals(AllCases, StringComparison.OrdinalIgnoreCase))
        {
            return AllCases;
        }
        if (t.StartsWith("cases:region:", StringComparison.OrdinalIgnoreCase))
        {
            if (Regions.TryParse(t["cases:region:".Length..], out var caseRegion))
            {
                return CaseRegion(caseRegion);
            }
            error = $"'{t}' names no region; use US, EU, JP, MX or AU.";
            return null;
        }
        if (t.StartsWith("case:", StringComparison.OrdinalIgnoreCase))
        {
            if (CaseNumber.TryParse(t["case:".Length..], out var caseNumber))
            {
                return Case(caseNumber);
            }
            error = $"'{t}' names no case number.";
            return null;
        }
        if (t.StartsWith("incidents:region:", StringComparison.OrdinalIgnoreCase))
        {
            if (Regions.TryParse(t["incidents:region:".Length..], out var region))
            {
                return Region(region);
            }
            error = $"'{t}' names no region; use US, EU, JP, MX or AU.";
            return null;
        }
        if (t.StartsWith("incidents:team:", StringComparison.OrdinalIgnoreCase))
        {
            var slug = t["incidents:team:".Length..].ToLowerInvariant();
            if (Slugs.IsValidSlug(slug))
            {
                return Team(slug);
            }
            error = $"'{t}' names no team slug.";
            return null;
        }
        if (t.StartsWith("incident:", StringComparison.OrdinalIgnoreCase))
        {
            if (IncidentNumber.TryParse(t["incident:".Length..], out var number))
            {
                return Incident(number);
            }
            error = $"'{t}' names no incident number.";
            return null;
        }
        error = $"'{t}' is not a topic; use incidents, incidents:region:EU, incidents:team:<slug>, incident:INC-1042, cases, cases:region:EU or case:CASE-1234.";
        return null;
    }

    public static string Region(RegionCode region) => $"incidents:region:{region}";

    public static string Team(string slug) => $"incidents:team:{slug}";

    public static string Incident(long number) => $"incident:{IncidentNumber.Format(number)}";

    public static string CaseRegion(RegionCode region) => $"cases:region:{region}";

    public static string Case(long number) => $"case:{CaseNumber.Format(number)}";

    /// <summary>Every topic whose subscribers must hear about a case's change.</summary>
    public static IReadOnlyList<string> For(CaseChanged change) => [AllCases, CaseRegion(change.Region), Case(change.Number)];

    /// <summary>Every topic whose subscribers must hear about <paramref name="change"/>.</summary>
    public static IReadOnlyList<string> For(IncidentChanged change)
    {
        var topics = new List<string>(4) { AllIncidents, Region(change.Region), Incident(change.Number) };
        if (change.Team is { } team)
        {
            topics.Add(Team(team));
        }
        return topics;
    }
}
