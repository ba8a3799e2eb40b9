using System.Globalization;
using System.Security.Cryptography;
using Microsoft.AspNetCore.DataProtection;

namespace Portal.Features.Cases;

/// <summary>
/// The signed, expiring links advertisers get: their case (number and address), and its survey. The key ring is the
/// portal's Data Protection keys (shared by every node); expiry is checked against the portal's clock. A token that was
/// changed, belongs to another purpose, or ran out reads as nothing.
/// </summary>
public sealed class CaseLinks(IDataProtectionProvider protection, TimeProvider clock)
{
    private readonly IDataProtector _protector = protection.CreateProtector("Portal.Cases.AdvertiserLinks");

    public string ForCase(long number, string email) => Protect("case", number, email, Shared.Cases.IntakeRules.CaseLinkLifetime);

    public string ForSurvey(long number) => Protect("survey", number, "", Shared.Cases.IntakeRules.SurveyLinkLifetime);

    /// <summary>The case and address a case link names, or null.</summary>
    public (long Number, string Email)? ReadCase(string? token) => Read("case", token);

    /// <summary>The case a survey link names, or null.</summary>
    public long? ReadSurvey(string? token) => Read("survey", token)?.Number;

    /// <summary>The advertiser's case page for a case link.</summary>
    public static string CasePath(string token) => "/support/case?link=" + Uri.EscapeDataString(token);

    /// <summary>The survey page for a survey link.</summary>
    public static string SurveyPath(string token) => "/support/survey?link=" + Uri.EscapeDataString(token);

    /// <summary>The support form's confirmation page for a one-time token.</summary>
    public static string ConfirmPath(string token) => "/support/confirm?token=" + Uri.EscapeDataString(token);

    /// <summary>A random one-time token (for the support form's confirmation) and the hash stored for it.</summary>
    public static (string Token, string Hash) NewOneTimeToken()
    {
        var token = Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return (token, Hash(token));
    }

    public static string Hash(string token) => Convert.ToHexString(SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(token)));

    private string Protect(string purpose, long number, string email, TimeSpan lifetime)
    {
        var expires = (clock.GetUtcNow() + lifetime).ToUnixTimeSeconds();
        return _protector.Protect(string.Join('|', purpose, number.ToString(CultureInfo.InvariantCulture), email, expires.ToString(CultureInfo.InvariantCulture)));
    }

    private (long Number, string Email)? Read(string purpose, string? token)
    {
        if (string.IsNullOrWhiteSpace(token) || token.Length > 1000)
        {
            return null;
        }
        string plain;
        try
        {
            plain = _protector.Unprotect(token);
        }
        catch (CryptographicException)
        {
            return null;
        }
        catch (FormatException)
        {
            return null;
        }
        var parts = plain.Split('|');
        if (parts.Length != 4 || parts[0] != purpose
            || !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            || !long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var expires)
            || clock.GetUtcNow().ToUnixTimeSeconds() > expires)
        {
            return null;
        }
        return (number, parts[2]);
    }
}
