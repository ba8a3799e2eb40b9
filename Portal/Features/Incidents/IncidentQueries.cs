using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;

namespace Portal.Features.Incidents;

/// <summary>A filter and page of the queue. Status: "open" (default), "all", or one status name.</summary>
public sealed record IncidentQuery(
    string? Status = null, IReadOnlyList<Severity>? Severities = null, RegionCode? Region = null, string? Team = null,
    string? Service = null, string? Assignee = null, bool Mine = false, bool Unassigned = false, bool Breached = false,
    string? Search = null, string? Sort = null, string? Cursor = null, int Limit = 50, DateTimeOffset? From = null, DateTimeOffset? To = null);

public sealed record IncidentPage(IReadOnlyList<IncidentRow> Items, string? NextCursor);

/// <summary>Reading incidents: one in full, a page of the queue, the SLA targets, and the live hint of a committed change.</summary>
public sealed class IncidentQueries(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public const int MaxLimit = 500;

    public async Task<IncidentDetail?> DetailAsync(long number, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var i = await db.Incidents.AsNoTracking()
            .Where(x => x.Number == number)
            .Select(x => new
            {
                Incident = x,
                Service = x.Service == null ? null : x.Service.Slug,
                Team = x.Team == null ? null : x.Team.Slug,
                Assignee = x.Assignee == null ? null : x.Assignee.Handle,
                AssigneeName = x.Assignee == null ? null : x.Assignee.Name,
                Commander = x.Commander == null ? null : x.Commander.Handle,
                CommanderName = x.Commander == null ? null : x.Commander.Name,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (i is null)
        {
            return null;
        }
        var timeline = await db.Timeline.AsNoTracking()
            .Where(t => t.IncidentNumber == number)
            .OrderBy(t => t.Id)
            .Select(t => new TimelineEntry(t.Id, t.Kind, t.ActorName, t.At, t.Text, t.From, t.To))
            .ToListAsync(cancellationToken);
        var targets = await TargetsAsync(db, i.Incident.Severity, cancellationToken);
        var x = i.Incident;
        var sla = IncidentWorkflow.Clocks(x, targets, clock.GetUtcNow());
        return new IncidentDetail(
            x.Number, x.Key, x.Title, x.Description, x.Severity, x.Status, i.Service, i.Team, x.Region, i.Assignee, i.AssigneeName,
            i.Commander, i.CommanderName, x.TriggeredAt, x.AcknowledgedAt, x.MitigatedAt, x.ResolvedAt, x.UpdatedAt,
            x.AdvertisersAffected, x.RevenueAtRiskUsd, x.Tags, x.ResolutionNote, x.Version, sla, timeline,
            x.MergedIntoNumber is { } merged ? IncidentNumber.Format(merged) : null);
    }

    /// <summary>One page of the queue, newest first (or by severity), with a keyset cursor that stays stable under inserts.</summary>
    public async Task<IncidentPage> ListAsync(ClaimsPrincipal user, IncidentQuery query, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        var limit = query.Limit;
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }
        var bySeverity = string.Equals(query.Sort, "severity", StringComparison.OrdinalIgnoreCase);
        if (!string.IsNullOrEmpty(query.Sort) && !bySeverity && !string.Equals(query.Sort, "newest", StringComparison.OrdinalIgnoreCase))
        {
            errors["sort"] = [$"'{query.Sort}' is not a sort; use newest or severity."];
        }
        IncidentStatus? onlyStatus = null;
        var status = string.IsNullOrWhiteSpace(query.Status) ? "open" : query.Status.Trim();
        if (!status.Equals("open", StringComparison.OrdinalIgnoreCase) && !status.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (Enum.TryParse<IncidentStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
            {
                onlyStatus = parsed;
            }
            else
            {
                errors["status"] = [$"'{query.Status}' is not a status; use open, all, Triggered, Acknowledged, Mitigated or Resolved."];
            }
        }
        Cursor? cursor = Cursor.TryParse(query.Cursor, bySeverity, out var c) ? c : null;
        if (!string.IsNullOrEmpty(query.Cursor) && cursor is null)
        {
            errors["cursor"] = ["The cursor is not one this list gave out (it may belong to another sort)."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Incidents.AsNoTracking();
        if (onlyStatus is { } only)
        {
            rows = rows.Where(i => i.Status == only);
        }
        else if (status.Equals("open", StringComparison.OrdinalIgnoreCase))
        {
            rows = rows.Where(i => i.Status != IncidentStatus.Resolved);
        }
        if (query.Severities is { Count: > 0 } severities)
        {
            rows = rows.Where(i => severities.Contains(i.Severity));
        }
        if (query.Region is { } region)
        {
            rows = rows.Where(i => i.Region == region);
        }
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            rows = rows.Where(i => i.Team != null && i.Team.Slug == query.Team);
        }
        if (!string.IsNullOrWhiteSpace(query.Service))
        {
            rows = rows.Where(i => i.Service != null && i.Service.Slug == query.Service);
        }
        if (!string.IsNullOrWhiteSpace(query.Assignee))
        {
            var handle = query.Assignee.Trim().ToLowerInvariant();
            rows = rows.Where(i => i.Assignee != null && i.Assignee.Handle == handle);
        }
        if (query.Mine)
        {
            var me = user.GetPersonId();
            rows = rows.Where(i => i.AssigneeId == me);
        }
        if (query.Unassigned)
        {
            rows = rows.Where(i => i.AssigneeId == null);
        }
        if (query.Breached)
        {
            rows = rows.Where(i => i.AcknowledgeBreached || i.MitigateBreached);
        }
        // Triggered in [From, To): the window a metric counted, for drilling down from it.
        if (query.From is { } from)
        {
            rows = rows.Where(i => i.TriggeredAt >= from);
        }
        if (query.To is { } to)
        {
            rows = rows.Where(i => i.TriggeredAt < to);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            rows = await IncidentTitleSearch.FilterAsync(rows, db, query.Search, cancellationToken);
        }
        if (cursor is { } after)
        {
            rows = bySeverity
                ? rows.Where(i => i.Severity > after.Severity || (i.Severity == after.Severity && i.Number < after.Number))
                : rows.Where(i => i.Number < after.Number);
        }
        rows = bySeverity ? rows.OrderBy(i => i.Severity).ThenByDescending(i => i.Number) : rows.OrderByDescending(i => i.Number);

        var items = await rows.Take(limit + 1)
            .Select(i => new IncidentRow(
                i.Number, IncidentNumber.Prefix + i.Number, i.Title, i.Severity, i.Status,
                i.Service == null ? null : i.Service.Slug, i.Team == null ? null : i.Team.Slug, i.Region,
                i.Assignee == null ? null : i.Assignee.Handle, i.Assignee == null ? null : i.Assignee.Name,
                i.TriggeredAt, i.UpdatedAt, i.Version, i.AcknowledgeBreached || i.MitigateBreached,
                i.AcknowledgedAt, i.MitigatedAt, i.ResolvedAt))
            .ToListAsync(cancellationToken);
        var next = items.Count > limit ? new Cursor(items[limit - 1].Severity, items[limit - 1].Number).Format(bySeverity) : null;
        return new IncidentPage(items.Take(limit).ToList(), next);
    }

    public async Task<IReadOnlyList<SlaPolicy>> SlaPoliciesAsync(CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.SlaPolicies.AsNoTracking().OrderBy(p => p.Severity).ToListAsync(cancellationToken);
    }

    /// <summary>The SLA targets of a severity: its policy, or the defaults.</summary>
    public static async Task<SlaTargets> TargetsAsync(PortalDbContext db, Severity severity, CancellationToken cancellationToken) =>
        (await db.SlaPolicies.AsNoTracking().FirstOrDefaultAsync(p => p.Severity == severity, cancellationToken))?.Targets
        ?? SlaTargets.DefaultFor(severity);

    /// <summary>The live hint for an incident as committed: read back, so every subscriber sees the stored state.</summary>
    public static async Task<IncidentChanged> LiveHintAsync(PortalDbContext db, long number, TimelineEventKind kind, CancellationToken cancellationToken) =>
        (await LiveHintsAsync(db, [(number, kind)], cancellationToken)).Single();

    /// <summary>The hints of many committed changes in one read (an escalation round pages hundreds of incidents); a deleted incident has none.</summary>
    public static async Task<List<IncidentChanged>> LiveHintsAsync(PortalDbContext db, IReadOnlyList<(long Number, TimelineEventKind Kind)> changes, CancellationToken cancellationToken)
    {
        var numbers = changes.Select(c => c.Number).Distinct().ToList();
        var rows = await db.Incidents.AsNoTracking()
            .Where(i => numbers.Contains(i.Number))
            .Select(i => new { Incident = i, Service = i.Service == null ? null : i.Service.Slug, Team = i.Team == null ? null : i.Team.Slug, Assignee = i.Assignee == null ? null : i.Assignee.Handle })
            .ToDictionaryAsync(r => r.Incident.Number, cancellationToken);
        return [.. changes.Where(c => rows.ContainsKey(c.Number)).Select(c =>
        {
            var row = rows[c.Number];
            return IncidentWorkflow.Hint(row.Incident, c.Kind, row.Service, row.Team, row.Assignee);
        })];
    }

    /// <summary>The keyset position after the last row of a page.</summary>
    private readonly record struct Cursor(Severity Severity, long Number)
    {
        public string Format(bool bySeverity) => bySeverity
            ? FormattableString.Invariant($"s{(int)Severity}.{Number}")
            : FormattableString.Invariant($"n{Number}");

        public static bool TryParse(string? text, bool bySeverity, out Cursor cursor)
        {
            cursor = default;
            if (string.IsNullOrEmpty(text))
            {
                return false;
            }
            if (!bySeverity)
            {
                if (text[0] == 'n' && long.TryParse(text.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var n))
                {
                    cursor = new Cursor(Severity.SEV1, n);
                    return true;
                }
                return false;
            }
            var parts = text.Length > 1 && text[0] == 's' ? text[1..].Split('.') : [];
            if (parts.Length == 2 && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var s)
                && Enum.IsDefined((Severity)s) && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                cursor = new Cursor((Severity)s, number);
                return true;
            }
            return false;
        }
    }
}
