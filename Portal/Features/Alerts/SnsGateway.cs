using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.Extensions.Caching.Memory;
using Portal.Shared.Alerts;

namespace Portal.Features.Alerts;

/// <summary>SNS could not be reached to check or confirm a message; SNS retries on its own.</summary>
public sealed class SnsUnreachableException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>
/// Talks to SNS for CloudWatch integrations: fetches (and caches for an hour) the signing certificate a message names,
/// and confirms subscriptions by fetching their SubscribeURL. Only sns.&lt;region&gt;.amazonaws.com over HTTPS is ever
/// fetched; the HTTP client is the named "sns" client, so tests and proxies can stand in.
/// </summary>
public sealed class SnsGateway(IHttpClientFactory http, IMemoryCache cache)
{
    public const string HttpClientName = "sns";
    private static readonly TimeSpan CertificateLifetime = TimeSpan.FromHours(1);

    public async Task<bool> IsAuthenticAsync(SnsMessage message, CancellationToken cancellationToken)
    {
        var certificate = await cache.GetOrCreateAsync(("sns-cert", message.SigningCertUrl.AbsoluteUri), async entry =>
        {
            entry.AbsoluteExpirationRelativeToNow = CertificateLifetime;
            return await FetchCertificateAsync(message.SigningCertUrl, cancellationToken);
        });
        return CloudWatchSns.IsSignedBy(message, certificate!);
    }

    public async Task ConfirmAsync(SnsMessage message, CancellationToken cancellationToken)
    {
        var url = message.SubscribeUrl;
        if (url is null || !CloudWatchSns.IsSnsUrl(url))
        {
            throw new SnsUnreachableException("The subscription names no SNS confirmation URL.");
        }
        try
        {
            using var response = await http.CreateClient(HttpClientName).GetAsync(url, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                throw new SnsUnreachableException($"SNS answered {(int)response.StatusCode} to the confirmation.");
            }
        }
        catch (HttpRequestException ex)
        {
            throw new SnsUnreachableException("SNS could not be reached to confirm the subscription.", ex);
        }
    }

    private async Task<X509Certificate2> FetchCertificateAsync(Uri url, CancellationToken cancellationToken)
    {
        if (!CloudWatchSns.IsSnsUrl(url))
        {
            throw new SnsUnreachableException("The signing certificate is not on an SNS host.");
        }
        string pem;
        try
        {
            pem = await http.CreateClient(HttpClientName).GetStringAsync(url, cancellationToken);
        }
        catch (HttpRequestException ex)
        {
            throw new SnsUnreachableException("SNS's signing certificate could not be fetched.", ex);
        }
        try
        {
            return X509Certificate2.CreateFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw new SnsUnreachableException("SNS's signing certificate could not be read.", ex);
        }
    }
}
