using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Runbooks;
using Portal.Shared.Team;

namespace Portal.Features.Runbooks;

/// <summary>The <c>Runbooks</c> section.</summary>
public sealed class RunbookOptions
{
    /// <summary>A folder of <c>.md</c> files with YAML front matter that admins import from and export to (e.g. a git checkout).</summary>
    public string? SyncFolder { get; set; }
}

public enum ImportOutcome
{
    Created,
    Updated,
    Unchanged,
    Invalid,
}

public sealed record ImportLine(string File, ImportOutcome Outcome, string? Slug, string? Reason = null);

public sealed record ImportReport(List<ImportLine> Files)
{
    public int Count(ImportOutcome outcome) => Files.Count(f => f.Outcome == outcome);
}

/// <summary>
/// Runbooks as code: a folder of Markdown files with front matter. Import is idempotent (an unchanged file changes
/// nothing; a changed one becomes a revision "Imported from file.md"); each file is checked whole and a bad one is
/// reported with its reason and not imported at all. Export writes every runbook canonically, so exporting what was
/// just imported gives back the same bytes.
/// </summary>
public sealed class RunbookSync(IDbContextFactory<PortalDbContext> factory, RunbookOptions options, TimeProvider clock, AuditWriter audit)
{
    public const string SyncAuthor = "Runbook import";

    public string Folder => options.SyncFolder is { Length: > 0 } folder ? Path.GetFullPath(folder)
        : throw new ConflictException("No folder is configured for runbooks as code; set Runbooks:SyncFolder.");

    public async Task<ImportReport> ImportAsync(ClaimsPrincipal? user, string? folder = null, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, cancellationToken);
        var from = folder ?? Folder;
        if (!System.IO.Directory.Exists(from))
        {
            throw new ConflictException($"The runbook folder \"{from}\" does not exist.");
        }
        var lines = new List<ImportLine>();
        var seen = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var path in System.IO.Directory.GetFiles(from, "*.md").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(path);
            var (file, error) = RunbookFiles.Parse(await File.ReadAllTextAsync(path, cancellationToken));
            if (file is null)
            {
                lines.Add(new ImportLine(name, ImportOutcome.Invalid, null, error));
                continue;
            }
            var slug = (file.Slug ?? Path.GetFileNameWithoutExtension(name)).Trim().ToLowerInvariant();
            if (seen.TryGetValue(slug, out var first))
            {
                lines.Add(new ImportLine(name, ImportOutcome.Invalid, slug, $"The slug \"{slug}\" is also used by {first}."));
                continue;
            }
            seen[slug] = name;
            lines.Add(await ImportOneAsync(name, slug, file, user, cancellationToken));
        }
        return new ImportReport(lines);
    }

    /// <summary>Writes every runbook to the folder as "{slug}.md"; returns how many.</summary>
    public async Task<int> ExportAsync(ClaimsPrincipal? user, string? folder = null, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, cancellationToken);
        var to = folder ?? Folder;
        System.IO.Directory.CreateDirectory(to);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var teams = await db.Teams.AsNoTracking().ToDictionaryAsync(t => t.Id, t => t.Slug, cancellationToken);
        var people = await db.People.AsNoTracking().ToDictionaryAsync(p => p.Id, p => p.Handle, cancellationToken);
        var runbooks = await db.Runbooks.AsNoTracking().OrderBy(r => r.Slug).ToListAsync(cancellationToken);
        foreach (var r in runbooks)
        {
            var text = RunbookFiles.Write(new RunbookFile
            {
                Title = r.Title, Slug = r.Slug, Services = RunbookFiles.Nullable(r.Services), AlertClasses = RunbookFiles.Nullable(r.AlertClasses),
                Labels = RunbookFiles.Nullable(r.Labels), Tags = RunbookFiles.Nullable(r.Tags), Team = r.OwnerTeamId is { } t ? teams.GetValueOrDefault(t) : null,
                ReviewIntervalDays = r.ReviewIntervalDays, LastReviewed = RunbookFiles.Date(r.LastReviewedAt),
                ReviewedBy = r.LastReviewedById is { } p ? people.GetValueOrDefault(p) : null, Body = r.Body,
            });
            var path = Path.Combine(to, r.Slug + ".md");
            // Only write what differs, so a git checkout shows no change for an unchanged runbook.
            if (!File.Exists(path) || await File.ReadAllTextAsync(path, cancellationToken) != text)
            {
                await File.WriteAllTextAsync(path, text, cancellationToken);
            }
        }
        return runbooks.Count;
    }

    private async Task<ImportLine> ImportOneAsync(string name, string slug, RunbookFile file, ClaimsPrincipal? user, CancellationToken cancellationToken)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var existing = await db.Runbooks.FirstOrDefaultAsync(r => r.Slug == slug, cancellationToken);
        var runbook = existing ?? new Runbook { Slug = "", Title = "", Body = "", CreatedAt = clock.GetUtcNow() };
        (string Title, string Body, string Meta, DateTimeOffset? LastReviewedAt, int? LastReviewedById)? before = existing is null ? null
            : (existing.Title, existing.Body, await MetaAsync(db, existing, cancellationToken), existing.LastReviewedAt, existing.LastReviewedById);
        try
        {
            await RunbookService.ApplyAsync(db, runbook, new RunbookDocument(file.Title, slug, file.Body, file.Services, file.AlertClasses, file.Labels, file.Tags, file.Team,
                file.ReviewIntervalDays ?? 90), cancellationToken);
        }
        catch (ValidationException ex)
        {
            return new ImportLine(name, ImportOutcome.Invalid, slug, ex.Messages);
        }
        if (ReviewOf(file) is not { } review)
        {
            return new ImportLine(name, ImportOutcome.Invalid, slug, $"\"last_reviewed: {file.LastReviewed}\" is not a date (yyyy-MM-dd).");
        }
        int? reviewer = null;
        if (file.ReviewedBy is { Length: > 0 } handle)
        {
            reviewer = await db.People.Where(p => p.Handle == handle).Select(p => (int?)p.Id).FirstOrDefaultAsync(cancellationToken);
            if (reviewer is null)
            {
                return new ImportLine(name, ImportOutcome.Invalid, slug, $"There is no person \"{handle}\" (reviewed_by).");
            }
        }
        (runbook.LastReviewedAt, runbook.LastReviewedById) = (review.At, reviewer);
        var now = clock.GetUtcNow();
        if (before is { } b && b.Title == runbook.Title && b.Body == runbook.Body && b.Meta == await MetaAsync(db, runbook, cancellationToken)
            && b.LastReviewedAt == runbook.LastReviewedAt && b.LastReviewedById == runbook.LastReviewedById)
        {
            return new ImportLine(name, ImportOutcome.Unchanged, slug);
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (existing is null)
        {
            db.Runbooks.Add(runbook);
        }
        var textChanged = before is not { } c || c.Title != runbook.Title || c.Body != runbook.Body || c.Meta != await MetaAsync(db, runbook, cancellationToken);
        if (textChanged)
        {
            await RunbookService.SaveRevisionAsync(db, runbook, user?.GetPersonId(), user?.AuditName() ?? SyncAuthor, $"Imported from {name}", now, cancellationToken);
        }
        db.AuditEntries.Add(new AuditEntry
        {
            At = now, Actor = user.AuditName(), ActorId = user?.GetPersonId(), Action = existing is null ? "runbook.imported" : "runbook.import-updated", Target = slug, Detail = name,
        });
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return new ImportLine(name, existing is null ? ImportOutcome.Created : ImportOutcome.Updated, slug);
    }

    private static (DateTimeOffset? At, bool Ok)? ReviewOf(RunbookFile file)
    {
        if (string.IsNullOrWhiteSpace(file.LastReviewed))
        {
            return (null, true);
        }
        return DateOnly.TryParseExact(file.LastReviewed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date)
            ? (new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero), true)
            : null;
    }

    private static async Task<string> MetaAsync(PortalDbContext db, Runbook runbook, CancellationToken cancellationToken) =>
        RunbookFiles.Metadata(runbook, runbook.OwnerTeamId is { } t ? await db.Teams.Where(x => x.Id == t).Select(x => x.Slug).FirstAsync(cancellationToken) : null);

    /// <summary>Admins only; a null user is the portal itself (the demo seeder).</summary>
    /// <summary>Admins only; no user at all is the portal itself (startup import).</summary>
    private Task RequireAdminAsync(ClaimsPrincipal? user, CancellationToken cancellationToken) =>
        audit.RequireAsync(user is null || user.HasPortalRole(PortalRole.Admin), user, "runbooks as code", "Only admins import and export runbooks.", cancellationToken);
}
