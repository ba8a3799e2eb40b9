using System.Security.Claims;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Infrastructure.Web;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Runbooks;
using Portal.Shared.Team;

namespace Portal.Features.Runbooks;

/// <summary>
/// Runbooks: browse, search, read, author with revisions, tick steps during an incident, and suggestions for an
/// incident. Everyone signed in reads and writes runbooks (keeping them current is everyone's job); every change is
/// a revision with its author, and is audited.
/// </summary>
public sealed class RunbookService(IDbContextFactory<PortalDbContext> factory, MarkdownRenderer markdown, TimeProvider clock)
{
    public async Task<List<RunbookSummary>> ListAsync(string? q = null, string? service = null, string? tag = null, string? team = null, bool staleFirst = false,
        int limit = 200, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var now = clock.GetUtcNow();
        Dictionary<int, RunbookHit>? hits = null;
        if (!string.IsNullOrWhiteSpace(q))
        {
            hits = (await RunbookSearch.SearchAsync(db, q, Math.Clamp(limit, 1, 200), cancellationToken)).ToDictionary(h => h.RunbookId);
        }
        var query = db.Runbooks.AsNoTracking();
        if (hits is not null)
        {
            var ids = hits.Keys.ToList();
            query = query.Where(r => ids.Contains(r.Id));
        }
        // A list never needs the bodies: read only what a row shows.
        var rows = (await query.Select(r => new { r.Id, r.Slug, r.Title, r.Services, r.Tags, r.OwnerTeamId, r.LastReviewedAt, r.ReviewIntervalDays, r.Revision })
                .ToListAsync(cancellationToken))
            .Where(r => service is null || r.Services.Contains(service, StringComparer.OrdinalIgnoreCase))
            .Where(r => tag is null || r.Tags.Contains(tag, StringComparer.OrdinalIgnoreCase))
            .Where(r => team is null || (r.OwnerTeamId is { } t && string.Equals(teams.GetValueOrDefault(t), team, StringComparison.OrdinalIgnoreCase)))
            .Select(r => new RunbookSummary(r.Id, r.Slug, r.Title, r.Services, r.Tags, r.OwnerTeamId is { } t ? teams.GetValueOrDefault(t) : null, r.LastReviewedAt,
                RunbookRules.IsStale(r.LastReviewedAt, r.ReviewIntervalDays, now), r.Revision, hits?.GetValueOrDefault(r.Id)?.Snippet));
        rows = hits is not null ? rows.OrderBy(r => hits[r.Id].Rank).ThenBy(r => r.Id)
            : staleFirst ? rows.OrderByDescending(r => r.Stale).ThenBy(r => r.LastReviewedAt ?? DateTimeOffset.MinValue).ThenBy(r => r.Title)
            : rows.OrderBy(r => r.Title, StringComparer.OrdinalIgnoreCase);
        return [.. rows.Take(Math.Clamp(limit, 1, 500))];
    }

    /// <summary>A runbook by its slug or a slug it had before; <c>Moved</c> says when the slug asked for is an old one.</summary>
    public async Task<(RunbookView View, bool Moved)> GetAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (runbook, moved) = await FindAsync(db, slug, cancellationToken);
        return (await ViewAsync(db, runbook, cancellationToken), moved);
    }

    public async Task<RunbookView> CreateAsync(ClaimsPrincipal user, RunbookDocument document, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var now = clock.GetUtcNow();
        var runbook = new Runbook { Slug = "", Title = "", Body = "", CreatedAt = now };
        await ApplyAsync(db, runbook, document with { Slug = document.Slug ?? SlugFrom(document.Title) }, cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        db.Runbooks.Add(runbook);
        await SaveRevisionAsync(db, runbook, actor.Id, actor.Name, document.Message ?? "Created", now, cancellationToken);
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = actor.Handle, ActorId = actor.Id, Action = "runbook.created", Target = runbook.Slug });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await ViewAsync(db, runbook, cancellationToken);
    }

    /// <summary>Saves a new revision, if nobody else saved one since <see cref="RunbookDocument.BaseRevision"/> (then: a conflict with their changes).</summary>
    public async Task<RunbookView> UpdateAsync(ClaimsPrincipal user, string slug, RunbookDocument document, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var (runbook, _) = await FindAsync(db, slug, cancellationToken, tracked: true);
        if (document.BaseRevision is not { } based)
        {
            throw new ValidationException("baseRevision", "Say which revision your edit started from (baseRevision), so nobody's change is overwritten.");
        }
        if (based != runbook.Revision)
        {
            throw await ConflictAsync(db, runbook, based, cancellationToken);
        }
        var previousSlug = runbook.Slug;
        await ApplyAsync(db, runbook, document with { Slug = document.Slug ?? runbook.Slug }, cancellationToken);
        var now = clock.GetUtcNow();
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (previousSlug != runbook.Slug)
        {
            // Links to the old address keep working.
            await db.RunbookSlugs.Where(s => s.Slug == runbook.Slug).ExecuteDeleteAsync(cancellationToken);
            db.RunbookSlugs.Add(new RunbookSlug { Slug = previousSlug, RunbookId = runbook.Id });
        }
        try
        {
            await SaveRevisionAsync(db, runbook, actor.Id, actor.Name, document.Message, now, cancellationToken);
        }
        catch (DbUpdateConcurrencyException)
        {
            db.ChangeTracker.Clear();
            throw await ConflictAsync(db, await db.Runbooks.AsNoTracking().FirstAsync(r => r.Id == runbook.Id, cancellationToken), based, cancellationToken);
        }
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = actor.Handle, ActorId = actor.Id, Action = "runbook.updated", Target = runbook.Slug, Detail = $"revision {runbook.Revision}" });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return await ViewAsync(db, runbook, cancellationToken);
    }

    public async Task<RunbookView> RestoreAsync(ClaimsPrincipal user, string slug, int number, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (runbook, _) = await FindAsync(db, slug, cancellationToken);
        var old = await db.RunbookRevisions.AsNoTracking().FirstOrDefaultAsync(r => r.RunbookId == runbook.Id && r.Number == number, cancellationToken)
            ?? throw new NotFoundException($"\"{runbook.Title}\" has no revision {number}.");
        var meta = old.Metadata is { } yaml ? RunbookFiles.Parse($"---\n{yaml}---\n").File : null;
        return await UpdateAsync(user, runbook.Slug, new RunbookDocument(old.Title, runbook.Slug, old.Body, meta?.Services, meta?.AlertClasses, meta?.Labels, meta?.Tags,
            meta?.Team, meta?.ReviewIntervalDays, runbook.Revision, $"Restored revision {number}"), cancellationToken);
    }

    public async Task<RunbookView> MarkReviewedAsync(ClaimsPrincipal user, string slug, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var actor = await ActorAsync(db, user, cancellationToken);
        var (runbook, _) = await FindAsync(db, slug, cancellationToken, tracked: true);
        var now = clock.GetUtcNow();
        (runbook.LastReviewedAt, runbook.LastReviewedById) = (now, actor.Id);
        db.AuditEntries.Add(new AuditEntry { At = now, Actor = actor.Handle, ActorId = actor.Id, Action = "runbook.reviewed", Target = runbook.Slug });
        // Reviewing does not change the text, so it is not a revision; it must not collide with one either.
        db.Entry(runbook).Property(r => r.Revision).IsModified = false;
        await db.SaveChangesAsync(cancellationToken);
        return await ViewAsync(db, runbook, cancellationToken);
    }

    public async Task<List<RevisionView>> RevisionsAsync(string slug, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (runbook, _) = await FindAsync(db, slug, cancellationToken);
        return await db.RunbookRevisions.AsNoTracking().Where(r => r.RunbookId == runbook.Id).OrderByDescending(r => r.Number)
            .Select(r => new RevisionView(r.Number, r.Title, r.AuthorName, r.Message, r.CreatedAt)).ToListAsync(cancellationToken);
    }

    /// <summary>What changed from revision <paramref name="from"/> to <paramref name="to"/>, line by line (title first).</summary>
    public async Task<List<DiffLine>> DiffAsync(string slug, int from, int to, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var (runbook, _) = await FindAsync(db, slug, cancellationToken);
        var revisions = await db.RunbookRevisions.AsNoTracking().Where(r => r.RunbookId == runbook.Id && (r.Number == from || r.Number == to)).ToListAsync(cancellationToken);
        var (a, b) = (revisions.FirstOrDefault(r => r.Number == from), revisions.FirstOrDefault(r => r.Number == to));
        if (a is null || b is null)
        {
            throw new NotFoundException($"\"{runbook.Title}\" has no revision {(a is null ? from : to)}.");
        }
        return Diff(Text(a), Text(b));
    }

    /// <summary>A line diff (DiffPlex) of two texts.</summary>
    public static List<DiffLine> Diff(string before, string after)
    {
        var model = InlineDiffBuilder.Diff(before, after, ignoreWhiteSpace: false);
        var (old, @new) = (0, 0);
        var lines = new List<DiffLine>();
        foreach (var line in model.Lines)
        {
            switch (line.Type)
            {
                case ChangeType.Inserted:
                    lines.Add(new DiffLine(DiffKind.Added, null, ++@new, line.Text));
                    break;
                case ChangeType.Deleted:
                    lines.Add(new DiffLine(DiffKind.Removed, ++old, null, line.Text));
                    break;
                default:
                    lines.Add(new DiffLine(DiffKind.Same, ++old, ++@new, line.Text));
                    break;
            }
        }
        return lines;
    }

    // ---- shared ----

    internal static async Task<(Runbook Runbook, bool Moved)> FindAsync(PortalDbContext db, string slug, CancellationToken cancellationToken, bool tracked = false)
    {
        var runbooks = tracked ? db.Runbooks : db.Runbooks.AsNoTracking();
        var key = slug.Trim().ToLowerInvariant();
        if (await runbooks.FirstOrDefaultAsync(r => r.Slug == key, cancellationToken) is { } found)
        {
            return (found, false);
        }
        var alias = await db.RunbookSlugs.AsNoTracking().FirstOrDefaultAsync(s => s.Slug == key, cancellationToken);
        return alias is not null && await runbooks.FirstOrDefaultAsync(r => r.Id == alias.RunbookId, cancellationToken) is { } moved
            ? (moved, true)
            : throw new NotFoundException($"There is no runbook \"{slug}\".");
    }

    /// <summary>Reads a document into the runbook, or throws one validation error naming every broken rule.</summary>
    internal static async Task ApplyAsync(PortalDbContext db, Runbook runbook, RunbookDocument document, CancellationToken cancellationToken)
    {
        var errors = new Dictionary<string, string[]>();
        var title = document.Title?.Trim();
        if (string.IsNullOrEmpty(title) || title.Length > RunbookRules.MaxTitle)
        {
            errors["title"] = [$"Give the runbook a title of at most {RunbookRules.MaxTitle} characters."];
        }
        var slug = document.Slug?.Trim().ToLowerInvariant();
        if (!Slugs.IsValidSlug(slug))
        {
            errors["slug"] = ["A slug is lowercase words joined by '-', at most 64 characters (e.g. invoice-generation-backlog)."];
        }
        else if (await db.Runbooks.AnyAsync(r => r.Slug == slug && r.Id != runbook.Id, cancellationToken)
            || await db.RunbookSlugs.AnyAsync(s => s.Slug == slug && s.RunbookId != runbook.Id, cancellationToken))
        {
            errors["slug"] = [$"The slug \"{slug}\" is taken (by a runbook, or as the old address of one)."];
        }
        if (string.IsNullOrWhiteSpace(document.Body))
        {
            errors["body"] = ["Write the runbook first."];
        }
        else if (document.Body.Length > RunbookRules.MaxBody)
        {
            errors["body"] = [$"The runbook is {document.Body.Length} characters; at most {RunbookRules.MaxBody}."];
        }
        var services = List(document.Services, "services", errors);
        var known = await db.Services.AsNoTracking().Select(s => s.Slug).ToListAsync(cancellationToken);
        foreach (var unknown in services.Where(s => !known.Contains(s)))
        {
            errors["services"] = [.. errors.GetValueOrDefault("services") ?? [], $"There is no service \"{unknown}\"."];
        }
        var labels = List(document.Labels, "labels", errors, lower: false);
        if (labels.FirstOrDefault(l => RunbookRules.Label(l) is null) is { } bad)
        {
            errors["labels"] = [$"\"{bad}\" is not a label; write labels as name=value."];
        }
        int? teamId = null;
        if (!string.IsNullOrWhiteSpace(document.Team))
        {
            teamId = await db.Teams.Where(t => t.Slug == document.Team.Trim().ToLower()).Select(t => (int?)t.Id).FirstOrDefaultAsync(cancellationToken);
            if (teamId is null)
            {
                errors["team"] = [$"There is no team \"{document.Team}\"."];
            }
        }
        if (document.ReviewIntervalDays is < 1 or > 730)
        {
            errors["reviewIntervalDays"] = ["Review every 1 to 730 days."];
        }
        var classes = List(document.AlertClasses, "alertClasses", errors);
        var tags = List(document.Tags, "tags", errors);
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        (runbook.Title, runbook.Slug, runbook.Body) = (title!, slug!, document.Body!.Replace("\r\n", "\n", StringComparison.Ordinal));
        (runbook.Services, runbook.AlertClasses, runbook.Labels, runbook.Tags, runbook.OwnerTeamId) = (services, classes, labels, tags, teamId);
        runbook.ReviewIntervalDays = document.ReviewIntervalDays ?? runbook.ReviewIntervalDays;
    }

    /// <summary>Bumps the revision, writes it with its author and message, and keeps the search index in step (all in the caller's transaction).</summary>
    internal static async Task SaveRevisionAsync(PortalDbContext db, Runbook runbook, int? authorId, string authorName, string? message, DateTimeOffset now, CancellationToken cancellationToken)
    {
        runbook.Revision++;
        runbook.UpdatedAt = now;
        await db.SaveChangesAsync(cancellationToken);
        var team = runbook.OwnerTeamId is { } t ? await db.Teams.Where(x => x.Id == t).Select(x => x.Slug).FirstAsync(cancellationToken) : null;
        db.RunbookRevisions.Add(new RunbookRevision
        {
            RunbookId = runbook.Id, Number = runbook.Revision, Title = runbook.Title, Body = runbook.Body, Metadata = RunbookFiles.Metadata(runbook, team),
            AuthorId = authorId, AuthorName = authorName, Message = string.IsNullOrWhiteSpace(message) ? null : message.Trim()[..Math.Min(message.Trim().Length, 500)], CreatedAt = now,
        });
        await RunbookSearch.IndexAsync(db, runbook, cancellationToken);
    }

    private static List<string> List(List<string>? values, string field, Dictionary<string, string[]> errors, bool lower = true)
    {
        var list = (values ?? []).Select(v => lower ? v.Trim().ToLowerInvariant() : v.Trim()).Where(v => v.Length > 0).Distinct().ToList();
        if (list.Count > RunbookRules.MaxList || list.Any(v => v.Length > 100))
        {
            errors[field] = [$"At most {RunbookRules.MaxList} entries of at most 100 characters."];
        }
        return list;
    }

    private static string SlugFrom(string? title) =>
        string.Join('-', RunbookSearch.Words(title).Take(8)) is { Length: > 0 } slug ? slug[..Math.Min(slug.Length, 64)].TrimEnd('-') : "";

    private static string Text(RunbookRevision r) => $"# {r.Title}\n\n{r.Body}";

    private static async Task<RunbookConflictException> ConflictAsync(PortalDbContext db, Runbook current, int based, CancellationToken cancellationToken)
    {
        var revisions = await db.RunbookRevisions.AsNoTracking().Where(r => r.RunbookId == current.Id && (r.Number == based || r.Number == current.Revision)).ToListAsync(cancellationToken);
        var (from, to) = (revisions.FirstOrDefault(r => r.Number == based), revisions.First(r => r.Number == current.Revision));
        return new RunbookConflictException(
            $"{to.AuthorName} saved \"{current.Title}\" (revision {current.Revision}) after you started from revision {based}. Nothing of yours was written; "
            + "their changes are shown below. Copy your edit, reload, and apply it again.",
            current.Revision, Diff(from is null ? "" : Text(from), Text(to)));
    }

    internal static async Task<Person> ActorAsync(PortalDbContext db, ClaimsPrincipal user, CancellationToken cancellationToken)
    {
        var id = user.GetPersonId() ?? throw new AccessDeniedException("Only people of the portal write runbooks.");
        return await db.People.AsNoTracking().FirstAsync(p => p.Id == id, cancellationToken);
    }

    private async Task<RunbookView> ViewAsync(PortalDbContext db, Runbook r, CancellationToken cancellationToken)
    {
        var (html, headings) = markdown.ToSafeDocument(r.Body);
        var team = r.OwnerTeamId is { } t ? await db.Teams.Where(x => x.Id == t).Select(x => x.Slug).FirstOrDefaultAsync(cancellationToken) : null;
        var reviewer = r.LastReviewedById is { } p ? await db.People.Where(x => x.Id == p).Select(x => x.Name).FirstOrDefaultAsync(cancellationToken) : null;
        var uses = await db.RunbookUsages.AsNoTracking().Where(u => u.RunbookId == r.Id).GroupBy(u => u.Kind).Select(g => new { g.Key, Count = g.Count() })
            .ToDictionaryAsync(g => g.Key, g => g.Count, cancellationToken);
        return new RunbookView(r.Id, r.Slug, r.Title, r.Body, html, [.. headings.Select(h => new TocEntry(h.Level, h.Text, h.Anchor))], RunbookRules.Steps(r.Body),
            r.Services, r.AlertClasses, r.Labels, r.Tags, team, r.ReviewIntervalDays, r.LastReviewedAt, reviewer,
            RunbookRules.IsStale(r.LastReviewedAt, r.ReviewIntervalDays, clock.GetUtcNow()), r.Revision, r.UpdatedAt,
            uses.GetValueOrDefault(RunbookUse.Opened), uses.GetValueOrDefault(RunbookUse.Helpful), uses.GetValueOrDefault(RunbookUse.NotHelpful));
    }
}
