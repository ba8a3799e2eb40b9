using System.Security.Cryptography;
using System.Text;

namespace Portal.Shared.Admin;

/// <summary>Making and hashing personal access tokens.</summary>
public static class ApiTokenSecrets
{
    public const string Prefix = "ptl_";
    public const int MinimumProvisionedLength = 16;
    private const int PrefixShown = 8;

    /// <summary>A new token: "ptl_" and 256 random bits in base64url.</summary>
    public static string Generate() => Prefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>Lowercase hex SHA-256. Tokens are long random strings, so a fast hash is enough (no salt or stretching needed).</summary>
    public static string Hash(string token) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));

    /// <summary>What is shown of a token after creation.</summary>
    public static string ShownPrefix(string token) => token.Length <= PrefixShown ? token : token[..PrefixShown];

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
