using System.Globalization;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

/// <summary>
/// The queue's text search over incident titles, through each engine's trigram index: SQLite's FTS5 table
/// <c>IncidentTitleSearch</c> (kept by triggers) and PostgreSQL's pg_trgm index on <c>lower("Title")</c>.
/// </summary>
/// <remarks>
/// A search first asks the index for the newest matching numbers, at most <see cref="Candidates"/> of them. When
/// that is every match, the queue reads just those rows, whatever else it filters and however it sorts. When a word
/// is in more titles than that, the queue reads its rows in order and tests each title instead: with matches that
/// dense, a page fills after a few hundred rows. Either way no search reads every title of a large history, which
/// a search for a rare word or for nothing that exists did before (a third of a second at a million incidents).
/// </remarks>
internal static class IncidentTitleSearch
{
    /// <summary>How many matches the index hands over as a list before the queue tests titles in order instead.</summary>
    public const int Candidates = 2_000;

    /// <summary>Trigram indexes find substrings of three characters or more.</summary>
    private const int ShortestIndexed = 3;

    /// <summary>Incidents whose title holds <paramref name="text"/> (any case), or whose number it is.</summary>
    public static async Task<IQueryable<Incident>> FilterAsync(IQueryable<Incident> rows, PortalDbContext db, string text, CancellationToken cancellationToken)
    {
        var search = text.Trim();
        var isNumber = IncidentNumber.TryParse(search, out var number);
        var matches = search.Length >= ShortestIndexed ? await MatchesAsync(db, search, cancellationToken) : null;
        if (matches is not null)
        {
            return isNumber ? rows.Where(i => i.Number == number || matches.Contains(i.Number)) : rows.Where(i => matches.Contains(i.Number));
        }
        var lower = search.ToLower(CultureInfo.InvariantCulture);
        return isNumber ? rows.Where(i => i.Number == number || i.Title.ToLower().Contains(lower)) : rows.Where(i => i.Title.ToLower().Contains(lower));
    }

    /// <summary>Every matching number, newest first; null when there are more than <see cref="Candidates"/>.</summary>
    internal static async Task<List<long>?> MatchesAsync(PortalDbContext db, string search, CancellationToken cancellationToken)
    {
        List<long> numbers;
        if (db.Database.IsNpgsql())
        {
            var pattern = "%" + search.ToLower(CultureInfo.InvariantCulture).Replace("\\", "\\\\").Replace("%", "\\%").Replace("_", "\\_") + "%";
            numbers = await db.Database.SqlQuery<long>($"""
                SELECT "Number" AS "Value" FROM "Incidents" WHERE lower("Title") LIKE {pattern} ORDER BY "Number" DESC LIMIT {Candidates + 1}
                """).ToListAsync(cancellationToken);
        }
        else
        {
            // One FTS5 phrase of the whole text: with the trigram tokenizer that is a substring match, case folded.
            var phrase = "\"" + search.Replace("\"", "\"\"") + "\"";
            numbers = await db.Database.SqlQuery<long>($"""
                SELECT rowid AS "Value" FROM "IncidentTitleSearch" WHERE "IncidentTitleSearch" MATCH {phrase} ORDER BY rowid DESC LIMIT {Candidates + 1}
                """).ToListAsync(cancellationToken);
        }
        return numbers.Count > Candidates ? null : numbers;
    }
}
