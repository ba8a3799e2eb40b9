using System.ComponentModel.DataAnnotations;
using Portal.Shared.Admin;

namespace Portal.Shared.Directory;

/// <summary>An advertiser as the API, provisioning and the form give it.</summary>
/// <param name="AccountId">The billing account id ("ACC-100234").</param>
/// <param name="Name">The advertiser's name.</param>
/// <param name="Region">US, EU, JP, MX or AU.</param>
/// <param name="Marketplace">Where they buy ("amazon.co.jp").</param>
/// <param name="Language">A language tag ("en", "ja", "es-MX"); English when empty.</param>
/// <param name="Tier">Managed or SelfServe; SelfServe when empty.</param>
/// <param name="BillingEmails">The billing contacts' addresses.</param>
/// <param name="TimeZone">An IANA zone; the region's when empty.</param>
/// <param name="MonthlySpendUsd">Monthly spend in US dollars, if known.</param>
public sealed record AdvertiserInput(
    string? AccountId, string? Name, string? Region, string? Marketplace = null, string? Language = null, string? Tier = null,
    [property: MaxLength(AdvertiserRules.MaxEmails)] IReadOnlyList<string>? BillingEmails = null, string? TimeZone = null, decimal? MonthlySpendUsd = null)
{
    /// <summary>What is wrong, per field (camelCase, as the API names them); empty when it can be stored.</summary>
    public Dictionary<string, string[]> Check()
    {
        var errors = new Dictionary<string, string[]>();
        if (!AdvertiserRules.IsAccountId(AccountId?.Trim()))
        {
            errors["accountId"] = ["An account id is 3 to 40 letters, digits and dashes (like ACC-100234)."];
        }
        if (string.IsNullOrWhiteSpace(Name) || Name.Trim().Length > AdvertiserRules.MaxName)
        {
            errors["name"] = [$"Give the advertiser's name, at most {AdvertiserRules.MaxName} characters."];
        }
        if (!Regions.TryParse(Region, out _))
        {
            errors["region"] = [Regions.NotARegion(Region)];
        }
        if (!string.IsNullOrWhiteSpace(Tier) && !AdvertiserRules.TryParseTier(Tier, out _))
        {
            errors["tier"] = [$"'{Tier}' is not a tier; use Managed or SelfServe."];
        }
        if (!string.IsNullOrWhiteSpace(TimeZone) && !TimeZones.IsValid(TimeZone.Trim()))
        {
            errors["timeZone"] = [$"'{TimeZone}' is not an IANA time zone (like Europe/Dublin)."];
        }
        if (!string.IsNullOrWhiteSpace(Language) && (Language.Trim().Length > 20 || !Language.Trim().All(c => char.IsAsciiLetterOrDigit(c) || c == '-')))
        {
            errors["language"] = [$"'{Language}' is not a language tag (like en, ja or es-MX)."];
        }
        if (Marketplace?.Trim().Length > 60)
        {
            errors["marketplace"] = ["A marketplace is at most 60 characters."];
        }
        if (MonthlySpendUsd is < 0 or > 1_000_000_000_000m)
        {
            errors["monthlySpendUsd"] = ["Monthly spend is 0 or more US dollars."];
        }
        var emails = BillingEmails ?? [];
        var bad = emails.Where(e => AdvertiserRules.NormalizeEmail(e) is null).ToList();
        if (bad.Count > 0)
        {
            errors["billingEmails"] = [$"Not an email address: {string.Join(", ", bad.Select(b => $"'{b}'"))}."];
        }
        else if (emails.Count > AdvertiserRules.MaxEmails)
        {
            errors["billingEmails"] = [$"At most {AdvertiserRules.MaxEmails} billing addresses."];
        }
        return errors;
    }

    /// <summary>Writes the (checked) input onto <paramref name="advertiser"/>; true when anything changed.</summary>
    public bool ApplyTo(Advertiser advertiser)
    {
        var region = Regions.TryParse(Region, out var r) ? r : throw new InvalidOperationException("Check the input first.");
        var tier = AdvertiserRules.TryParseTier(Tier, out var t) ? t : AdvertiserTier.SelfServe;
        var emails = (BillingEmails ?? []).Select(AdvertiserRules.NormalizeEmail).OfType<string>().Distinct().ToList();
        var zone = string.IsNullOrWhiteSpace(TimeZone) ? Regions.Get(region).DefaultTimeZone : TimeZone.Trim();
        var language = string.IsNullOrWhiteSpace(Language) ? "en" : Language.Trim();
        var marketplace = string.IsNullOrWhiteSpace(Marketplace) ? null : Marketplace.Trim();
        var changed = advertiser.Name != Name!.Trim() || advertiser.Region != region || advertiser.Tier != tier || advertiser.TimeZone != zone
            || advertiser.Language != language || advertiser.Marketplace != marketplace || advertiser.MonthlySpendUsd != MonthlySpendUsd
            || !advertiser.BillingEmails.SequenceEqual(emails);
        (advertiser.Name, advertiser.Region, advertiser.Tier, advertiser.TimeZone) = (Name.Trim(), region, tier, zone);
        (advertiser.Language, advertiser.Marketplace, advertiser.MonthlySpendUsd, advertiser.BillingEmails) = (language, marketplace, MonthlySpendUsd, emails);
        return changed;
    }
}
