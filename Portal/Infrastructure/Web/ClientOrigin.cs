namespace Portal.Infrastructure.Web;

/// <summary>
/// Where the current caller connects from, for the audit log. Filled per HTTP request by middleware, and per
/// Blazor circuit by the root component (which receives it from the request that opened the page).
/// </summary>
public sealed class ClientOrigin
{
    public string? Address { get; set; }
}
