using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Incidents;

/// <summary>The queue's filters as they live in the URL, so a view can be shared by its address.</summary>
public sealed record IncidentQueueFilter(
    string Status = "open", IReadOnlyList<Severity>? Severities = null, RegionCode? Region = null, string? Team = null,
    string? Service = null, bool Mine = false, bool Unassigned = false, bool Breached = false, string? Search = null,
    string Sort = "newest", string? Assignee = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public IncidentQuery ToQuery(string? cursor, int limit) =>
        new(Status, Severities, Region, Team, Service, Assignee, Mine, Unassigned, Breached, Search, Sort, cursor, limit, From, To);

    /// <summary>How many filters narrow the queue beyond its default (open incidents, newest first): shown on the folded filters' button.</summary>
    public int ActiveCount =>
        new[]
        {
            Status != "open", Severities is { Count: > 0 }, Region is not null, Team is not null, Service is not null, Assignee is not null,
            Mine, Unassigned, Breached, !string.IsNullOrWhiteSpace(Search), From is not null || To is not null,
        }.Count(on => on);

    /// <summary>The URL of this view ("/incidents?severity=SEV1,SEV2&amp;region=EU").</summary>
    public string ToUrl()
    {
        var query = new Dictionary<string, string?>();
        if (Status != "open")
        {
            query["status"] = Status;
        }
        if (Severities is { Count: > 0 })
        {
            query["severity"] = string.Join(',', Severities);
        }
        query["region"] = Region?.ToString();
        query["team"] = Team;
        query["service"] = Service;
        query["assignee"] = Assignee;
        query["mine"] = Mine ? "true" : null;
        query["unassigned"] = Unassigned ? "true" : null;
        query["breached"] = Breached ? "true" : null;
        query["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim();
        query["sort"] = Sort == "newest" ? null : Sort;
        query["from"] = From?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        query["to"] = To?.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);
        return QueryHelpers.AddQueryString("/incidents", query.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Reads the filters from URL values; anything unknown is ignored rather than failing the page.</summary>
    public static IncidentQueueFilter FromUrl(string? status, string? severity, string? region, string? team, string? service,
        bool? mine, bool? unassigned, bool? breached, string? q, string? sort, string? assignee = null, string? from = null, string? to = null)
    {
        var severities = (severity ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.TryParse<Severity>(s, ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(s, out _) ? v : (Severity?)null)
            .OfType<Severity>().Distinct().Order().ToList();
        var knownStatus = status is null || status.Equals("all", StringComparison.OrdinalIgnoreCase)
            || (Enum.TryParse<IncidentStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _));
        return new IncidentQueueFilter(
            Status: knownStatus && status is not null ? status.ToLowerInvariant() is "all" ? "all" : Capitalize(status) : "open",
            Severities: severities,
            Region: Regions.TryParse(region, out var r) ? r : null,
            Team: string.IsNullOrWhiteSpace(team) ? null : team,
            Service: string.IsNullOrWhiteSpace(service) ? null : service,
            Mine: mine ?? false,
            Unassigned: unassigned ?? false,
            Breached: breached ?? false,
            Search: string.IsNullOrWhiteSpace(q) ? null : q,
            Sort: string.Equals(sort, "severity", StringComparison.OrdinalIgnoreCase) ? "severity" : "newest",
            Assignee: string.IsNullOrWhiteSpace(assignee) ? null : assignee.Trim().ToLowerInvariant(),
            From: Instant(from), To: Instant(to));
    }

    private static DateTimeOffset? Instant(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;

    /// <summary>
    /// Whether a live change may concern this view. True when unsure (breached, search): the page then re-reads, and
    /// the database decides.
    /// </summary>
    public bool MayMatch(IncidentChanged change, string? myHandle)
    {
        if (Status == "open" && change.Status == IncidentStatus.Resolved)
        {
            return false;
        }
        if (Status is not ("open" or "all") && !string.Equals(change.Status.ToString(), Status, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        return (Severities is not { Count: > 0 } || Severities.Contains(change.Severity))
            && (Region is null || change.Region == Region)
            && (Team is null || change.Team == Team)
            && (Service is null || change.Service == Service)
            && (Assignee is null || change.Assignee == Assignee)
            && (!Mine || (myHandle is not null && change.Assignee == myHandle))
            && (!Unassigned || change.Assignee is null);
    }

    private static string Capitalize(string s) => char.ToUpper(s[0], CultureInfo.InvariantCulture) + s[1..].ToLowerInvariant();
}
