namespace Portal.Shared.Admin;

/// <summary>A personal access token. Only its SHA-256 hash is kept; the secret is shown once.</summary>
public sealed class ApiToken
{
    public int Id { get; set; }
    public int PersonId { get; set; }
    public Team.Person? Person { get; set; }
    public required string Name { get; set; }

    /// <summary>Lowercase hex SHA-256 of the token.</summary>
    public required string Hash { get; set; }

    /// <summary>The first characters of the token, so a person can tell their tokens apart.</summary>
    public required string Prefix { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset? ExpiresAt { get; set; }
    public DateTimeOffset? LastUsedAt { get; set; }
    public DateTimeOffset? RevokedAt { get; set; }

    /// <summary>True when the token came from configuration (Provisioning:ApiTokens).</summary>
    public bool Provisioned { get; set; }

    public bool IsActive(DateTimeOffset now) => RevokedAt is null && (ExpiresAt is null || ExpiresAt > now);
}
