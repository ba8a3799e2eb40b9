using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Directory;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Cases;
using Portal.Shared.Directory;
using Portal.Shared.Live;

namespace Portal.Features.Cases;

/// <summary>A filter and page of the case queue. Status: "open" (default: neither solved nor closed), "all", or one status.</summary>
public sealed record CaseQuery(
    string? Status = null, IReadOnlyList<CasePriority>? Priorities = null, RegionCode? Region = null, string? Team = null,
    string? Assignee = null, bool Mine = false, bool Unassigned = false, bool BreachingSoon = false, bool Breached = false,
    string? Advertiser = null, string? Category = null, CaseChannel? Channel = null, string? Search = null, string? Cursor = null,
    int Limit = 50, DateTimeOffset? From = null, DateTimeOffset? To = null);

/// <summary>Reading cases: one in full, a page of the queue, the clocks' rules, and the live hint of a committed change.</summary>
public sealed class CaseQueries(IDbContextFactory<PortalDbContext> factory, TimeProvider clock)
{
    public const int MaxLimit = 500;

    /// <summary>How soon a running clock's due makes a case "breaching soon".</summary>
    public static readonly TimeSpan SoonWindow = TimeSpan.FromHours(2);

    public async Task<CaseDetail?> DetailAsync(long number, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var row = await db.Cases.AsNoTracking()
            .Where(c => c.Number == number)
            .Select(c => new
            {
                Case = c, c.Advertiser, Team = c.Team == null ? null : c.Team.Slug,
                Assignee = c.Assignee == null ? null : c.Assignee.Handle, AssigneeName = c.Assignee == null ? null : c.Assignee.Name,
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row is null)
        {
            return null;
        }
        var messages = await db.CaseMessages.AsNoTracking().Where(m => m.CaseNumber == number).OrderBy(m => m.Id)
            .Select(m => new CaseMessageView(m.Id, m.Kind, m.AuthorName, m.Body, m.At, m.Attachments)).ToListAsync(cancellationToken);
        var timeline = await db.CaseEvents.AsNoTracking().Where(e => e.CaseNumber == number).OrderBy(e => e.Id)
            .Select(e => new CaseEventView(e.Id, e.Kind, e.ActorName, e.At, e.Text, e.From, e.To)).ToListAsync(cancellationToken);
        var c = row.Case;
        var (_, calendar) = await RulesAsync(db, c.Priority, row.Advertiser!.Tier, c.Region, cancellationToken);
        return new CaseDetail(
            c.Number, c.Key, c.Subject, c.Status, c.Priority, c.Channel, c.Category, AdvertiserView.From(row.Advertiser), c.Region, row.Team,
            row.Assignee, row.AssigneeName, c.Tags, c.DisputedAmount, c.Currency, c.RequesterEmail, c.CreatedAt, c.UpdatedAt, c.FirstRepliedAt,
            c.SolvedAt, c.ClosedAt, c.PublicReplies, c.ReopenCount, c.MergedIntoNumber, c.FollowUpOfNumber, c.Version,
            CaseSla.Clocks(c, calendar, clock.GetUtcNow()), messages, timeline);
    }

    /// <summary>One page of the queue, newest first, with a keyset cursor that stays stable under inserts.</summary>
    public async Task<CasePage> ListAsync(ClaimsPrincipal user, CaseQuery query, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (query.Limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }
        CaseStatus? onlyStatus = null;
        var status = string.IsNullOrWhiteSpace(query.Status) ? "open" : query.Status.Trim();
        if (!status.Equals("open", StringComparison.OrdinalIgnoreCase) && !status.Equals("all", StringComparison.OrdinalIgnoreCase))
        {
            if (Enum.TryParse<CaseStatus>(status, ignoreCase: true, out var parsed) && Enum.IsDefined(parsed) && !int.TryParse(status, out _))
            {
                onlyStatus = parsed;
            }
            else
            {
                errors["status"] = [$"'{query.Status}' is not a status; use open, all, New, Open, PendingAdvertiser, OnHold, Solved or Closed."];
            }
        }
        long after = 0;
        if (!string.IsNullOrEmpty(query.Cursor) && !(query.Cursor[0] == 'n' && long.TryParse(query.Cursor.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out after)))
        {
            errors["cursor"] = ["The cursor is not one this list gave out."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Cases.AsNoTracking();
        if (onlyStatus is { } only)
        {
            rows = rows.Where(c => c.Status == only);
        }
        else if (status.Equals("open", StringComparison.OrdinalIgnoreCase))
        {
            rows = rows.Where(c => c.Status != CaseStatus.Solved && c.Status != CaseStatus.Closed);
        }
        if (query.Priorities is { Count: > 0 } priorities)
        {
            rows = rows.Where(c => priorities.Contains(c.Priority));
        }
        if (query.Region is { } region)
        {
            rows = rows.Where(c => c.Region == region);
        }
        if (!string.IsNullOrWhiteSpace(query.Team))
        {
            rows = rows.Where(c => c.Team != null && c.Team.Slug == query.Team);
        }
        if (!string.IsNullOrWhiteSpace(query.Assignee))
        {
            var handle = query.Assignee.Trim().ToLowerInvariant();
            rows = rows.Where(c => c.Assignee != null && c.Assignee.Handle == handle);
        }
        if (query.Mine)
        {
            var me = user.GetPersonId();
            rows = rows.Where(c => c.AssigneeId == me);
        }
        if (query.Unassigned)
        {
            rows = rows.Where(c => c.AssigneeId == null);
        }
        if (!string.IsNullOrWhiteSpace(query.Advertiser))
        {
            var account = query.Advertiser.Trim();
            rows = rows.Where(c => c.Advertiser!.AccountId == account);
        }
        if (!string.IsNullOrWhiteSpace(query.Category))
        {
            rows = rows.Where(c => c.Category == query.Category);
        }
        if (query.Channel is { } channel)
        {
            rows = rows.Where(c => c.Channel == channel);
        }
        if (query.Breached)
        {
            rows = rows.Where(c => c.FirstReplyBreached || c.ResolutionBreached);
        }
        if (query.BreachingSoon)
        {
            // Running clocks due within the window (overdue ones included): what someone should pick up next.
            var soon = clock.GetUtcNow() + SoonWindow;
            rows = rows.Where(c => c.ClocksPausedSince == null && c.Status != CaseStatus.Solved && c.Status != CaseStatus.Closed
                && ((c.FirstRepliedAt == null && c.FirstReplyDueAt < soon) || c.ResolutionDueAt < soon));
        }
        if (query.From is { } from)
        {
            rows = rows.Where(c => c.CreatedAt >= from);
        }
        if (query.To is { } to)
        {
            rows = rows.Where(c => c.CreatedAt < to);
        }
        if (!string.IsNullOrWhiteSpace(query.Search))
        {
            var search = query.Search.Trim();
            if (CaseNumber.TryParse(search, out var number))
            {
                rows = rows.Where(c => c.Number == number || c.Subject.Contains(search));
            }
            else
            {
                var lower = search.ToLower(CultureInfo.InvariantCulture);
                rows = rows.Where(c => c.Subject.ToLower().Contains(lower) || c.Advertiser!.Name.ToLower().Contains(lower) || c.Advertiser.AccountId.ToLower() == lower);
            }
        }
        if (after > 0)
        {
            rows = rows.Where(c => c.Number < after);
        }
        var items = await rows.OrderByDescending(c => c.Number).Take(query.Limit + 1)
            .Select(c => new CaseRow(
                c.Number, CaseNumber.Prefix + c.Number, c.Subject, c.Status, c.Priority, c.Channel, c.Category,
                c.Advertiser!.AccountId, c.Advertiser.Name, c.Advertiser.Tier, c.Region,
                c.Assignee == null ? null : c.Assignee.Handle, c.Assignee == null ? null : c.Assignee.Name,
                c.CreatedAt, c.UpdatedAt, c.FirstReplyDueAt, c.ResolutionDueAt, c.FirstRepliedAt, c.ClocksPausedSince,
                c.FirstReplyBreached || c.ResolutionBreached, c.Version))
            .ToListAsync(cancellationToken);
        var next = items.Count > query.Limit ? FormattableString.Invariant($"n{items[query.Limit - 1].Number}") : null;
        return new CasePage(items.Take(query.Limit).ToList(), next);
    }

    /// <summary>The SLA policy of a priority and tier, and the calendar its clocks count on.</summary>
    public static async Task<(CaseSlaPolicy? Policy, BusinessCalendar Calendar)> RulesAsync(
        PortalDbContext db, CasePriority priority, AdvertiserTier tier, RegionCode region, CancellationToken cancellationToken)
    {
        var policy = CaseSla.PolicyFor(await db.CaseSlaPolicies.AsNoTracking().Where(p => p.Priority == priority).ToListAsync(cancellationToken), priority, tier);
        if (policy is not { BusinessHours: true })
        {
            return (policy, BusinessCalendar.AlwaysOpen);
        }
        var stored = await db.RegionCalendars.AsNoTracking().FirstOrDefaultAsync(c => c.Region == region, cancellationToken) ?? RegionCalendars.Default(region);
        return (policy, stored.ToCalendar());
    }

    /// <summary>The live hint for a case as committed: read back, so every subscriber sees the stored state.</summary>
    public static async Task<CaseChanged> LiveHintAsync(PortalDbContext db, long number, CaseEventKind kind, CancellationToken cancellationToken)
    {
        var row = await db.Cases.AsNoTracking().Where(c => c.Number == number)
            .Select(c => new { Case = c, Team = c.Team == null ? null : c.Team.Slug, Assignee = c.Assignee == null ? null : c.Assignee.Handle })
            .FirstAsync(cancellationToken);
        var x = row.Case;
        return new CaseChanged(x.Number, x.Version, kind, x.Subject, x.Status, x.Priority, x.Region, row.Team, row.Assignee, x.UpdatedAt);
    }
}
