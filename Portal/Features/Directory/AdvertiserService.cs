using System.Globalization;
using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Shared.Directory;
using Portal.Shared.Team;

namespace Portal.Features.Directory;

/// <summary>An advertiser as lists and the API show it.</summary>
public sealed record AdvertiserView(
    int Id, string AccountId, string Name, RegionCode Region, string? Marketplace, string Language, AdvertiserTier Tier,
    IReadOnlyList<string> BillingEmails, string TimeZone, decimal? MonthlySpendUsd, DateTimeOffset CreatedAt, DateTimeOffset UpdatedAt)
{
    public static AdvertiserView From(Advertiser a) => new(
        a.Id, a.AccountId, a.Name, a.Region, a.Marketplace, a.Language, a.Tier, a.BillingEmails, a.TimeZone, a.MonthlySpendUsd, a.CreatedAt, a.UpdatedAt);
}

public sealed record AdvertiserPage(IReadOnlyList<AdvertiserView> Items, string? NextCursor);

/// <summary>
/// Advertisers: everyone signed in reads them (cases are opened for them); managers and admins, and tokens of theirs,
/// add and change them. Advertisers live in the Directory, beside people and teams, because incidents (customer
/// impact), cases and metrics all name them and none of those may own what the others read.
/// </summary>
public sealed class AdvertiserService(IDbContextFactory<PortalDbContext> factory, TimeProvider clock, AuditWriter audit)
{
    public const int MaxLimit = 200;

    public async Task<AdvertiserPage> ListAsync(string? search, RegionCode? region, string? cursor, int limit = 50, CancellationToken cancellationToken = default)
    {
        var errors = new Dictionary<string, string[]>();
        if (limit is < 1 or > MaxLimit)
        {
            errors["limit"] = [$"limit must be between 1 and {MaxLimit}."];
        }
        var after = 0;
        if (!string.IsNullOrEmpty(cursor) && !int.TryParse(cursor, NumberStyles.None, CultureInfo.InvariantCulture, out after))
        {
            errors["cursor"] = ["The cursor is not one this list gave out."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var rows = db.Advertisers.AsNoTracking().Where(a => a.Id > after);
        if (region is { } r)
        {
            rows = rows.Where(a => a.Region == r);
        }
        if (!string.IsNullOrWhiteSpace(search))
        {
            var q = search.Trim().ToLower(CultureInfo.InvariantCulture);
            rows = rows.Where(a => a.Name.ToLower().Contains(q) || a.AccountId.ToLower().Contains(q));
        }
        var items = await rows.OrderBy(a => a.Id).Take(limit + 1).ToListAsync(cancellationToken);
        var next = items.Count > limit ? items[limit - 1].Id.ToString(CultureInfo.InvariantCulture) : null;
        return new AdvertiserPage(items.Take(limit).Select(AdvertiserView.From).ToList(), next);
    }

    /// <summary>Advertisers whose name or account id contains <paramref name="text"/>, for pickers.</summary>
    public async Task<IReadOnlyList<AdvertiserView>> SearchAsync(string? text, int limit = 12, CancellationToken cancellationToken = default) =>
        (await ListAsync(text, null, null, limit, cancellationToken)).Items;

    public async Task<AdvertiserView?> FindAsync(string accountId, CancellationToken cancellationToken = default)
    {
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var key = accountId.Trim();
        return await db.Advertisers.AsNoTracking().Where(a => a.AccountId == key).Select(a => AdvertiserView.From(a)).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>The advertiser a billing address belongs to, if any (mail and the support form match senders with it).</summary>
    public async Task<AdvertiserView?> FindByEmailAsync(string email, CancellationToken cancellationToken = default)
    {
        var address = AdvertiserRules.NormalizeEmail(email);
        if (address is null)
        {
            return null;
        }
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var found = await db.Advertisers.AsNoTracking().Where(a => a.BillingEmails.Contains(address)).OrderBy(a => a.Id).FirstOrDefaultAsync(cancellationToken);
        return found is null ? null : AdvertiserView.From(found);
    }

    public async Task<AdvertiserView> CreateAsync(ClaimsPrincipal user, AdvertiserInput input, CancellationToken cancellationToken = default)
    {
        await RequireManagerAsync(user, "advertisers", cancellationToken);
        Check(input);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var accountId = input.AccountId!.Trim();
        if (await db.Advertisers.AnyAsync(a => a.AccountId == accountId, cancellationToken))
        {
            throw new ConflictException($"There is already an advertiser with the account id {accountId}.");
        }
        var now = clock.GetUtcNow();
        var advertiser = new Advertiser { AccountId = accountId, Name = "", TimeZone = "UTC", CreatedAt = now, UpdatedAt = now };
        input.ApplyTo(advertiser);
        db.Advertisers.Add(advertiser);
        db.Audit(user, now, "advertiser.created", accountId);
        await db.SaveChangesAsync(cancellationToken);
        return AdvertiserView.From(advertiser);
    }

    /// <summary>Changes an advertiser; the account id in the body, when given, must be the one in the address.</summary>
    public async Task<AdvertiserView> UpdateAsync(ClaimsPrincipal user, string accountId, AdvertiserInput input, CancellationToken cancellationToken = default)
    {
        await RequireManagerAsync(user, $"advertiser {accountId}", cancellationToken);
        input = input with { AccountId = string.IsNullOrWhiteSpace(input.AccountId) ? accountId : input.AccountId };
        if (!string.Equals(input.AccountId!.Trim(), accountId.Trim(), StringComparison.Ordinal))
        {
            throw new ValidationException("accountId", "An account id cannot change; it must match the one in the address.");
        }
        Check(input);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var advertiser = await db.Advertisers.FirstOrDefaultAsync(a => a.AccountId == accountId.Trim(), cancellationToken)
            ?? throw new NotFoundException($"There is no advertiser {accountId}.");
        var now = clock.GetUtcNow();
        if (input.ApplyTo(advertiser))
        {
            advertiser.UpdatedAt = now;
            db.Audit(user, now, "advertiser.updated", advertiser.AccountId);
            await db.SaveChangesAsync(cancellationToken);
        }
        return AdvertiserView.From(advertiser);
    }

    private static void Check(AdvertiserInput input)
    {
        if (input.Check() is { Count: > 0 } errors)
        {
            throw new ValidationException(errors);
        }
    }

    private Task RequireManagerAsync(ClaimsPrincipal user, string target, CancellationToken cancellationToken) =>
        audit.RequireAsync(user.HasPortalRole(PortalRole.Manager), user, target, "Only managers and admins add or change advertisers.", cancellationToken);
}
