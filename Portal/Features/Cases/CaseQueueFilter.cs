using System.Globalization;
using Microsoft.AspNetCore.WebUtilities;
using Portal.Shared.Admin;
using Portal.Shared.Cases;

namespace Portal.Features.Cases;

/// <summary>The case queue's filters as they live in the URL, so a view can be shared and saved by its address.</summary>
public sealed record CaseQueueFilter(
    string Status = "open", IReadOnlyList<CasePriority>? Priorities = null, RegionCode? Region = null, bool Mine = false,
    bool Unassigned = false, bool BreachingSoon = false, bool Breached = false, string? Search = null, string? Advertiser = null,
    string? Category = null, DateTimeOffset? From = null, DateTimeOffset? To = null)
{
    public CaseQuery ToQuery(string? cursor, int limit) =>
        new(Status, Priorities, Region, null, null, Mine, Unassigned, BreachingSoon, Breached, Advertiser, Category, null, Search, cursor, limit, From, To);

    /// <summary>An instant as the URL carries it: UTC, to the second.</summary>
    public static string Instant(DateTimeOffset at) => at.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture);

    /// <summary>How many filters narrow the queue beyond its default (open cases): shown on the folded filters' button.</summary>
    public int ActiveCount => new[]
    {
        Status != "open", Priorities is { Count: > 0 }, Region is not null, Mine, Unassigned, BreachingSoon, Breached,
        !string.IsNullOrWhiteSpace(Search), Advertiser is not null, Category is not null, From is not null || To is not null,
    }.Count(on => on);

    public string ToUrl()
    {
        var query = new Dictionary<string, string?>
        {
            ["status"] = Status == "open" ? null : Status,
            ["priority"] = Priorities is { Count: > 0 } ? string.Join(',', Priorities) : null,
            ["region"] = Region?.ToString(),
            ["mine"] = Mine ? "true" : null,
            ["unassigned"] = Unassigned ? "true" : null,
            ["soon"] = BreachingSoon ? "true" : null,
            ["breached"] = Breached ? "true" : null,
            ["q"] = string.IsNullOrWhiteSpace(Search) ? null : Search.Trim(),
            ["advertiser"] = Advertiser,
            ["category"] = Category,
            ["from"] = From is { } from ? Instant(from) : null,
            ["to"] = To is { } to ? Instant(to) : null,
        };
        return QueryHelpers.AddQueryString("/cases", query.Where(kv => kv.Value is not null).ToDictionary(kv => kv.Key, kv => kv.Value));
    }

    /// <summary>Reads the filters from URL values; anything unknown is ignored rather than failing the page.</summary>
    public static CaseQueueFilter FromUrl(string? status, string? priority, string? region, bool? mine, bool? unassigned, bool? soon, bool? breached,
        string? q, string? advertiser, string? category, string? from = null, string? to = null)
    {
        var priorities = (priority ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(s => Enum.TryParse<CasePriority>(s, ignoreCase: true, out var v) && Enum.IsDefined(v) && !int.TryParse(s, out _) ? v : (CasePriority?)null)
            .OfType<CasePriority>().Distinct().Order().ToList();
        var knownStatus = status is null || status.Equals("all", StringComparison.OrdinalIgnoreCase)
            || (Enum.TryParse<CaseStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _));
        return new CaseQueueFilter(
            knownStatus && status is not null ? status : "open", priorities.Count > 0 ? priorities : null,
            Regions.TryParse(region, out var r) ? r : null, mine ?? false, unassigned ?? false, soon ?? false, breached ?? false,
            string.IsNullOrWhiteSpace(q) ? null : q.Trim(), string.IsNullOrWhiteSpace(advertiser) ? null : advertiser.Trim(),
            string.IsNullOrWhiteSpace(category) ? null : category.Trim(), ParseInstant(from), ParseInstant(to));
    }

    private static DateTimeOffset? ParseInstant(string? value) =>
        DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var at) ? at : null;
}
