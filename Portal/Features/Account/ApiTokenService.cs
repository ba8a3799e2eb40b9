using System.Security.Claims;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Auth;
using Portal.Infrastructure.Data;
using Portal.Shared;
using Portal.Shared.Admin;

namespace Portal.Features.Account;

public sealed record ApiTokenView(int Id, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt,
    DateTimeOffset? LastUsedAt, DateTimeOffset? RevokedAt, bool Provisioned);

/// <summary>A token just made: the secret is here once and never again.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Secret);

/// <summary>A person's own personal access tokens.</summary>
public sealed class ApiTokenService(IDbContextFactory<PortalDbContext> factory, AuditWriter audit, TimeProvider clock)
{
    public const int MaxNameLength = 100;
    public const int MaxActiveTokens = 20;

    public async Task<IReadOnlyList<ApiTokenView>> ListMineAsync(ClaimsPrincipal user, CancellationToken cancellationToken = default)
    {
        var me = RequirePerson(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking()
            .Where(t => t.PersonId == me)
            .OrderByDescending(t => t.Id)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.Provisioned))
            .ToListAsync(cancellationToken);
    }

    public async Task<CreatedApiToken> CreateAsync(ClaimsPrincipal user, string? name, int? expiresInDays, CancellationToken cancellationToken = default)
    {
        var me = RequirePerson(user);
        var errors = new Dictionary<string, string[]>();
        var trimmed = name?.Trim();
        if (string.IsNullOrEmpty(trimmed))
        {
            errors["name"] = ["Give the token a name, so you can tell later what uses it."];
        }
        else if (trimmed.Length > MaxNameLength)
        {
            errors["name"] = [$"The name is {trimmed.Length} characters; at most {MaxNameLength}."];
        }
        if (expiresInDays is < 1 or > 366)
        {
            errors["expiresInDays"] = ["Expiry must be between 1 and 366 days, or none."];
        }
        if (errors.Count > 0)
        {
            throw new ValidationException(errors);
        }

        var now = clock.GetUtcNow();
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var active = await db.ApiTokens.CountAsync(t => t.PersonId == me && t.RevokedAt == null, cancellationToken);
        if (active >= MaxActiveTokens)
        {
            throw new ValidationException("name", $"You already have {active} active tokens; revoke one first.");
        }
        var secret = ApiTokenSecrets.Generate();
        var token = new ApiToken
        {
            PersonId = me,
            Name = trimmed!,
            Hash = ApiTokenSecrets.Hash(secret),
            Prefix = ApiTokenSecrets.ShownPrefix(secret),
            CreatedAt = now,
            ExpiresAt = expiresInDays is { } days ? now.AddDays(days) : null,
        };
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(user, AuditActions.TokenCreated, $"token {token.Id} '{token.Name}'", token.ExpiresAt is null ? "no expiry" : $"expires {token.ExpiresAt:O}", cancellationToken);
        return new CreatedApiToken(View(token), secret);
    }

    public async Task RevokeAsync(ClaimsPrincipal user, int tokenId, CancellationToken cancellationToken = default)
    {
        var me = RequirePerson(user);
        await using var db = await factory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken)
            ?? throw new NotFoundException($"You have no token with id {tokenId}.");
        if (token.PersonId != me)
        {
            throw await audit.NotYoursAsync(user, $"token {tokenId}", cancellationToken);
        }
        if (token.RevokedAt is not null)
        {
            return;
        }
        token.RevokedAt = clock.GetUtcNow();
        await db.SaveChangesAsync(cancellationToken);
        await audit.RecordAsync(user, AuditActions.TokenRevoked, $"token {token.Id} '{token.Name}'", cancellationToken: cancellationToken);
    }

    private static int RequirePerson(ClaimsPrincipal user) =>
        user.GetPersonId() ?? throw new AccessDeniedException("Sign in to manage API tokens.");

    private static ApiTokenView View(ApiToken t) =>
        new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.ExpiresAt, t.LastUsedAt, t.RevokedAt, t.Provisioned);
}
