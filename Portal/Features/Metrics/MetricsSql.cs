using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;

namespace Portal.Features.Metrics;

/// <summary>
/// The few places where SQLite and PostgreSQL differ for the metrics' aggregate queries: how instants are stored
/// (UTC ticks as integers, or timestamptz), how a duration becomes minutes, and how a boolean column is tested.
/// Queries are written once with these, and values always travel as parameters.
/// </summary>
internal sealed class MetricsSql(PortalDbContext db)
{
    private readonly bool _postgres = db.Database.IsNpgsql();
    private readonly List<object> _values = [];

    public IReadOnlyList<object> Values => _values;

    /// <summary>A parameter placeholder for the value.</summary>
    public string P(object value)
    {
        _values.Add(value);
        return $"{{{_values.Count - 1}}}";
    }

    /// <summary>An instant as the provider stores it.</summary>
    public string At(DateTimeOffset instant) => P(_postgres ? instant.ToUniversalTime() : instant.UtcTicks);

    public string Minutes(string later, string earlier) =>
        _postgres ? $"(EXTRACT(EPOCH FROM ({later} - {earlier})) / 60.0)" : $"(({later} - {earlier}) / 600000000.0)";

    /// <summary>An instant column as seconds since 1970 (UTC), the same number on both providers.</summary>
    public string EpochSeconds(string column) =>
        _postgres ? $"CAST(EXTRACT(EPOCH FROM {column}) AS DOUBLE PRECISION)" : $"(({column} - 621355968000000000) / 10000000.0)";

    /// <summary>
    /// An incident's advertisers: those linked to it through their cases, or the estimate typed on it, whichever is more
    /// (the typed number stays for what cases do not cover).
    /// </summary>
    public string Advertisers(string incident) =>
        $"{(_postgres ? "GREATEST" : "MAX")}(COALESCE({incident}.\"AdvertisersAffected\", 0), (SELECT COUNT(DISTINCT lc.\"AdvertiserId\") FROM \"CaseIncidents\" AS ll "
        + $"JOIN \"Cases\" AS lc ON lc.\"Number\" = ll.\"CaseNumber\" WHERE ll.\"IncidentNumber\" = {incident}.\"Number\"))";

    public string IsTrue(string column) => _postgres ? column : $"{column} = 1";

    public static string Real(string expression) => $"CAST({expression} AS DOUBLE PRECISION)";

    /// <summary>The instant a UTC date ends (the next midnight), as stored, for a date column.</summary>
    public string EndOfDay(string dateColumn) =>
        _postgres ? $"(({dateColumn} + 1)::timestamp AT TIME ZONE 'UTC')" : $"CAST((julianday({dateColumn}) + 1 - 1721425.5) * 864000000000 AS INTEGER)";

    /// <summary>A CASE giving the 0-based bucket of an instant among ascending boundaries (the caller's WHERE keeps it inside).</summary>
    public string Bucket(string column, IReadOnlyList<DateTimeOffset> boundaries)
    {
        if (boundaries.Count <= 2)
        {
            return "0";
        }
        var sql = new StringBuilder("CASE");
        for (var i = 1; i < boundaries.Count - 1; i++)
        {
            sql.Append($" WHEN {column} < {At(boundaries[i])} THEN {i - 1}");
        }
        return sql.Append($" ELSE {boundaries.Count - 2} END").ToString();
    }

    public IQueryable<T> Query<T>(string sql) => db.Database.SqlQueryRaw<T>(sql, [.. _values]);
}
