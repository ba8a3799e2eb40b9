using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Runbooks;

namespace Portal.Features.Runbooks;

/// <summary>A search hit: the runbook, its rank (lower is better), and a snippet of safe HTML with the matches in &lt;mark&gt;.</summary>
public sealed record RunbookHit(int RunbookId, double Rank, string Snippet);

/// <summary>
/// Full-text search over runbooks: SQLite FTS5 (bm25) on SQLite, PostgreSQL full text (tsvector, GIN, ts_rank) on
/// PostgreSQL. Both read the same words the same way: each word of the query, stemmed, as a prefix, any of them
/// matching; titles count most.
/// </summary>
public static partial class RunbookSearch
{
    private const char Open = '\u0001';
    private const char Close = '\u0002';

    /// <summary>The words of a query, lowercase letters and digits only (so nothing of it reaches SQL as syntax).</summary>
    public static List<string> Words(string? query) =>
        [.. WordPattern().Matches((query ?? "").ToLowerInvariant()).Select(m => m.Value).Where(w => w.Length > 1 || char.IsDigit(w[0])).Distinct().Take(12)];

    public static async Task<List<RunbookHit>> SearchAsync(PortalDbContext db, string? query, int limit, CancellationToken cancellationToken)
    {
        var words = Words(query);
        if (words.Count == 0)
        {
            return [];
        }
        List<Row> rows;
        if (db.Database.IsNpgsql())
        {
            // ts_rank has no notion of how rare a word is (bm25 does); ranking first by how many of the query's words a
            // runbook holds gives the same runbook first on both engines.
            var tsquery = string.Join(" | ", words.Select(w => w + ":*"));
            rows = await db.Database.SqlQueryRaw<Row>("""
                SELECT "Id" AS "RunbookId",
                       -((SELECT count(*) FROM unnest({2}::text[]) AS w WHERE "SearchVector" @@ to_tsquery('english', w || ':*')) + ts_rank_cd("SearchVector", q, 1)) AS "Rank",
                       ts_headline('english', "Body", q, 'StartSel=' || chr(1) || ', StopSel=' || chr(2) || ', MaxWords=24, MinWords=10, MaxFragments=1') AS "Snippet"
                FROM "Runbooks", to_tsquery('english', {0}) AS q
                WHERE "SearchVector" @@ q
                ORDER BY 2, "Id" LIMIT {1}
                """, tsquery, limit, words.ToArray()).ToListAsync(cancellationToken);
        }
        else
        {
            var match = string.Join(" OR ", words.Select(w => $"\"{w}\"*"));
            rows = await db.Database.SqlQueryRaw<Row>("""
                SELECT rowid AS "RunbookId", bm25("RunbookSearch", 10.0, 1.0, 4.0) AS "Rank",
                       snippet("RunbookSearch", 1, char(1), char(2), '…', 16) AS "Snippet"
                FROM "RunbookSearch" WHERE "RunbookSearch" MATCH {0}
                ORDER BY 2, rowid LIMIT {1}
                """, match, limit).ToListAsync(cancellationToken);
        }
        return [.. rows.Select(r => new RunbookHit(r.RunbookId, r.Rank, Highlight(r.Snippet)))];
    }

    /// <summary>Keeps SQLite's search table in step with a runbook (PostgreSQL computes its vector itself).</summary>
    public static async Task IndexAsync(PortalDbContext db, Runbook runbook, CancellationToken cancellationToken)
    {
        if (db.Database.IsNpgsql())
        {
            return;
        }
        await db.Database.ExecuteSqlRawAsync("DELETE FROM \"RunbookSearch\" WHERE rowid = {0}", [runbook.Id], cancellationToken);
        await db.Database.ExecuteSqlRawAsync("INSERT INTO \"RunbookSearch\" (rowid, \"Title\", \"Body\", \"Tags\") VALUES ({0}, {1}, {2}, {3})",
            [runbook.Id, runbook.Title, runbook.Body, string.Join(' ', runbook.Tags)], cancellationToken);
    }

    /// <summary>The snippet as safe HTML: everything encoded, then the engine's match markers turned into &lt;mark&gt;.</summary>
    private static string Highlight(string? snippet)
    {
        var text = WebUtility.HtmlEncode(Flatten(snippet ?? ""));
        return new StringBuilder(text).Replace(Open.ToString(), "<mark>").Replace(Close.ToString(), "</mark>").ToString();
    }

    /// <summary>Markdown punctuation and line breaks out of a snippet, so it reads as a sentence.</summary>
    private static string Flatten(string snippet) => MarkupPattern().Replace(snippet.Replace('\n', ' '), "").Trim();

    public sealed record Row(int RunbookId, double Rank, string? Snippet);

    [GeneratedRegex(@"[\p{L}\p{N}]+")]
    private static partial Regex WordPattern();

    [GeneratedRegex(@"[#*`>|]|\[[ xX]\]")]
    private static partial Regex MarkupPattern();
}
