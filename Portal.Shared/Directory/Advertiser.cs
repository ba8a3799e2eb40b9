using Portal.Shared.Admin;

namespace Portal.Shared.Directory;

/// <summary>How an advertiser is served: a named account team, or the self-serve channels.</summary>
public enum AdvertiserTier
{
    Managed,
    SelfServe,
}

/// <summary>
/// An advertiser: the customer the billing systems serve. Cases are opened for one; incidents reach them through the
/// cases linked to the incident.
/// </summary>
public sealed class Advertiser
{
    public int Id { get; set; }

    /// <summary>The account id in the billing systems ("ACC-100234"): unique, and what the API names an advertiser by.</summary>
    public required string AccountId { get; set; }

    public required string Name { get; set; }
    public RegionCode Region { get; set; }

    /// <summary>The marketplace the account buys on ("amazon.co.jp", "US").</summary>
    public string? Marketplace { get; set; }

    /// <summary>A BCP 47 language tag ("en", "ja", "es-MX"): the language replies and surveys go out in.</summary>
    public string Language { get; set; } = "en";

    public AdvertiserTier Tier { get; set; } = AdvertiserTier.SelfServe;

    /// <summary>The billing contacts' addresses, lower case: mail from one of them is matched to this advertiser.</summary>
    public List<string> BillingEmails { get; set; } = [];

    /// <summary>The IANA zone the advertiser works in.</summary>
    public required string TimeZone { get; set; }

    /// <summary>Monthly spend in US dollars, for an incident's customer impact; null when not known.</summary>
    public decimal? MonthlySpendUsd { get; set; }

    public DateTimeOffset CreatedAt { get; set; }
    public DateTimeOffset UpdatedAt { get; set; }
}

/// <summary>The rules an advertiser's fields obey, for the API, provisioning and the form alike.</summary>
public static class AdvertiserRules
{
    public const int MaxName = 200;
    public const int MaxEmails = 20;

    /// <summary>An account id: 3 to 40 letters, digits and dashes.</summary>
    public static bool IsAccountId(string? value) =>
        value is { Length: >= 3 and <= 40 } && value.All(c => char.IsAsciiLetterOrDigit(c) || c == '-');

    /// <summary>A plausible address (one @, a dot in the domain, no spaces), lower-cased; null when it is not one.</summary>
    public static string? NormalizeEmail(string? value)
    {
        var email = value?.Trim().ToLowerInvariant();
        if (string.IsNullOrEmpty(email) || email.Length > 254 || email.Any(char.IsWhiteSpace) || email.Count(c => c == '@') != 1)
        {
            return null;
        }
        var at = email.IndexOf('@', StringComparison.Ordinal);
        var domain = email[(at + 1)..];
        return at > 0 && domain.Contains('.', StringComparison.Ordinal) && !domain.StartsWith('.') && !domain.EndsWith('.') ? email : null;
    }

    /// <summary>A tier by name ("managed", "SelfServe", "self-serve"); false for anything else, numbers included.</summary>
    public static bool TryParseTier(string? value, out AdvertiserTier tier)
    {
        tier = default;
        var name = value?.Trim().Replace("-", "", StringComparison.Ordinal);
        return !string.IsNullOrEmpty(name) && !int.TryParse(name, out _)
            && Enum.TryParse(name, ignoreCase: true, out tier) && Enum.IsDefined(tier);
    }
}
