using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Portal.Shared.OnCall;

/// <summary>
/// How a generic webhook is signed, so its receiver can tell it came from the portal and is fresh: HMAC-SHA256 with the
/// channel's secret over "&lt;unix seconds&gt;.&lt;body&gt;", sent as <c>X-Portal-Signature: t=&lt;unix seconds&gt;,v1=&lt;hex&gt;</c>.
/// </summary>
public static class WebhookSignature
{
    /// <summary>A new secret: 32 random bytes, base64url.</summary>
    public static string NewSecret() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    public static string Header(string secret, DateTimeOffset at, string body)
    {
        var timestamp = at.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);
        return $"t={timestamp},v1={Sign(secret, timestamp, body)}";
    }

    /// <summary>What a receiver does: true when the header's signature matches and its time is within <paramref name="tolerance"/> of now.</summary>
    public static bool Verify(string secret, string header, string body, DateTimeOffset now, TimeSpan tolerance)
    {
        var parts = header.Split(',').Select(p => p.Split('=', 2)).Where(p => p.Length == 2).ToDictionary(p => p[0].Trim(), p => p[1].Trim());
        if (!parts.TryGetValue("t", out var timestamp) || !parts.TryGetValue("v1", out var signature)
            || !long.TryParse(timestamp, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > tolerance)
        {
            return false;
        }
        return CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(Sign(secret, timestamp, body)), Encoding.ASCII.GetBytes(signature));
    }

    private static string Sign(string secret, string timestamp, string body) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{timestamp}.{body}")));
}
