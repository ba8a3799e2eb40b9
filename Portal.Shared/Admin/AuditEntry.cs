namespace Portal.Shared.Admin;

/// <summary>One row of the append-only audit log: who did what, when (UTC) and from where.</summary>
public sealed class AuditEntry
{
    public const int MaxActor = 64;

    public long Id { get; set; }
    public DateTimeOffset At { get; set; }
    public int? ActorId { get; set; }

    /// <summary>The actor's handle, or "anonymous" / "system".</summary>
    public required string Actor { get; set; }

    /// <summary>What happened, as a dotted name: "auth.signin", "token.revoked", "access.denied".</summary>
    public required string Action { get; set; }

    public string? Target { get; set; }
    public string? Detail { get; set; }

    /// <summary>An actor that is not a person ("advertiser billing@…", "email …"), cut to what the column holds.</summary>
    public static string ActorOf(string kind, string who)
    {
        var actor = $"{kind} {who}";
        return actor.Length <= MaxActor ? actor : actor[..(MaxActor - 1)] + "…";
    }

    /// <summary>The client's address, when the action came over the network.</summary>
    public string? Address { get; set; }
}

/// <summary>The audit actions the portal writes. Modules add their own.</summary>
public static class AuditActions
{
    public const string SignIn = "auth.signin";
    public const string SignOut = "auth.signout";
    public const string TokenRejected = "auth.token-rejected";
    public const string TokenCreated = "token.created";
    public const string TokenRevoked = "token.revoked";
    public const string AccessDenied = "access.denied";
    public const string PreferencesChanged = "person.preferences-changed";
    public const string Provisioned = "config.provisioned";
}
