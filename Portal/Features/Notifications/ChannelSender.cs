using System.Globalization;
using System.Text;
using System.Text.Json;
using MailKit.Net.Smtp;
using Microsoft.AspNetCore.DataProtection;
using MailKit.Security;
using MimeKit;
using Polly.Registry;
using Portal.Shared.OnCall;


namespace Portal.Features.Notifications;

/// <summary>The <c>Notifications</c> section: outbound delivery.</summary>
public sealed class NotificationOptions
{
    /// <summary>The portal's address as people reach it, for links in outbound messages ("https://portal.example.com").</summary>
    public string? PublicUrl { get; set; }

    /// <summary>Tries per delivery, the first included.</summary>
    public int MaxAttempts { get; set; } = 4;

    /// <summary>The wait before the first retry; each later one waits about twice as long.</summary>
    public TimeSpan FirstRetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How long one try may take before it counts as failed.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Address ranges inside the network that webhooks may still reach (e.g. "10.20.0.0/16"); none by default.</summary>
    public string[] AllowedOutboundRanges { get; set; } = [];

    /// <summary>How often the dispatcher looks for deliveries when nothing wakes it.</summary>
    public TimeSpan ScanInterval { get; set; } = TimeSpan.FromSeconds(10);

    public SmtpOptions Smtp { get; set; } = new();

    /// <summary>How long a node holds a delivery it is sending before another node may take it over.</summary>
    public TimeSpan Lease => (AttemptTimeout + FirstRetryDelay * 8) * MaxAttempts;
}

public sealed class SmtpOptions
{
    public string? Host { get; set; }
    public int Port { get; set; } = 25;
    public string From { get; set; } = "Portal <portal@localhost>";
    public string? UserName { get; set; }
    public string? Password { get; set; }

    /// <summary>None, Auto, SslOnConnect, StartTls or StartTlsWhenAvailable (MailKit's names).</summary>
    public SecureSocketOptions Security { get; set; } = SecureSocketOptions.StartTlsWhenAvailable;
}

/// <summary>How one delivery ended: delivered or not, after how many tries, and the last error.</summary>
public sealed record DeliveryOutcome(bool Delivered, int Attempts, string? Error);

/// <summary>
/// Sends one message to one channel, retrying with exponential backoff: webhooks through the HTTP client's
/// resilience handler, email through a resilience pipeline around MailKit.
/// </summary>
public sealed class ChannelSender(IHttpClientFactory http, ResiliencePipelineProvider<string> pipelines, NotificationOptions options, TimeProvider clock,
    IDataProtectionProvider protection)
{
    /// <summary>The header of a signed webhook: <c>t=&lt;unix seconds&gt;,v1=&lt;hex HMAC-SHA256 of "t.body"&gt;</c>.</summary>
    public const string SignatureHeader = "X-Portal-Signature";

    /// <summary>What encrypts webhook secrets at rest.</summary>
    public const string SecretPurpose = "Portal.Notifications.WebhookSecret";

    public const string HttpClientName = "notifications";
    public const string SmtpPipeline = "notifications-smtp";
    internal static readonly HttpRequestOptionsKey<AttemptCount> Attempts = new("portal.attempts");

    public async Task<DeliveryOutcome> SendAsync(NotificationChannel channel, Delivery delivery, CancellationToken cancellationToken)
    {
        var link = Absolute(delivery.Link);
        return channel.Kind == ChannelKind.Email
            ? await EmailAsync(channel.Target, delivery, link, cancellationToken)
            : await PostAsync(channel, delivery, link, cancellationToken);
    }

    /// <summary>The JSON body a channel of <paramref name="kind"/> receives.</summary>
    public static string Payload(ChannelKind kind, Delivery delivery, string? link, DateTimeOffset sentAt)
    {
        object body = kind switch
        {
            ChannelKind.Slack => new Dictionary<string, object?>
            {
                ["text"] = $"*{Escape(delivery.Title)}*" + (delivery.Body is { } b ? $"\n{Escape(b)}" : "") + (link is null ? "" : $"\n<{link}|Open in Portal>"),
            },
            ChannelKind.Teams => new Dictionary<string, object?>
            {
                ["type"] = "message",
                ["attachments"] = new[]
                {
                    new Dictionary<string, object?>
                    {
                        ["contentType"] = "application/vnd.microsoft.card.adaptive",
                        ["content"] = new Dictionary<string, object?>
                        {
                            ["$schema"] = "http://adaptivecards.io/schemas/adaptive-card.json",
                            ["type"] = "AdaptiveCard",
                            ["version"] = "1.4",
                            ["body"] = new object[]
                            {
                                new Dictionary<string, object?> { ["type"] = "TextBlock", ["text"] = delivery.Title, ["weight"] = "Bolder", ["size"] = "Medium", ["wrap"] = true },
                                new Dictionary<string, object?> { ["type"] = "TextBlock", ["text"] = delivery.Body ?? "", ["wrap"] = true },
                            },
                            ["actions"] = link is null ? Array.Empty<object>() : new object[]
                            {
                                new Dictionary<string, object?> { ["type"] = "Action.OpenUrl", ["title"] = "Open in Portal", ["url"] = link },
                            },
                        },
                    },
                },
            },
            _ => new Dictionary<string, object?>
            {
                ["title"] = delivery.Title,
                ["body"] = delivery.Body,
                ["link"] = link,
                ["incident"] = delivery.IncidentNumber is { } n ? Shared.Incidents.IncidentNumber.Format(n) : null,
                ["deliveryId"] = delivery.Id,
                ["sentAt"] = sentAt.ToString("O", CultureInfo.InvariantCulture),
            },
        };
        return JsonSerializer.Serialize(body);
    }

    private async Task<DeliveryOutcome> PostAsync(NotificationChannel channel, Delivery delivery, string? link, CancellationToken cancellationToken)
    {
        var count = new AttemptCount();
        var now = clock.GetUtcNow();
        var body = Payload(channel.Kind, delivery, link, now);
        using var request = new HttpRequestMessage(HttpMethod.Post, channel.Target)
        {
            Content = new StringContent(body, Encoding.UTF8, "application/json"),
        };
        if (channel.Secret is { } secret)
        {
            request.Headers.Add(SignatureHeader, WebhookSignature.Header(protection.CreateProtector(SecretPurpose).Unprotect(secret), now, body));
        }
        request.Options.Set(Attempts, count);
        try
        {
            using var response = await http.CreateClient(HttpClientName).SendAsync(request, cancellationToken);
            return response.IsSuccessStatusCode
                ? new DeliveryOutcome(true, count.Value, null)
                : new DeliveryOutcome(false, count.Value, $"{(int)response.StatusCode} {response.ReasonPhrase}".Trim());
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or Polly.Timeout.TimeoutRejectedException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return new DeliveryOutcome(false, Math.Max(count.Value, 1), Describe(ex));
        }
    }

    private async Task<DeliveryOutcome> EmailAsync(string to, Delivery delivery, string? link, CancellationToken cancellationToken)
    {
        var smtp = options.Smtp;
        if (string.IsNullOrWhiteSpace(smtp.Host))
        {
            return new DeliveryOutcome(false, 0, "No SMTP server is configured (Notifications:Smtp:Host).");
        }
        var message = new MimeMessage { Subject = delivery.Title };
        message.From.Add(MailboxAddress.Parse(smtp.From));
        message.To.Add(MailboxAddress.Parse(to));
        message.Body = new TextPart("plain") { Text = delivery.Title + "\n\n" + (delivery.Body ?? "") + (link is null ? "" : $"\n\nOpen in Portal: {link}") + "\n" };
        var attempts = 0;
        try
        {
            await pipelines.GetPipeline(SmtpPipeline).ExecuteAsync(async token =>
            {
                attempts++;
                using var client = new SmtpClient();
                await client.ConnectAsync(smtp.Host, smtp.Port, smtp.Security, token);
                if (!string.IsNullOrEmpty(smtp.UserName))
                {
                    await client.AuthenticateAsync(smtp.UserName, smtp.Password ?? "", token);
                }
                await client.SendAsync(message, token);
                await client.DisconnectAsync(true, token);
            }, cancellationToken);
            return new DeliveryOutcome(true, attempts, null);
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            return new DeliveryOutcome(false, Math.Max(attempts, 1), Describe(ex));
        }
    }

    private string? Absolute(string? link)
    {
        if (link is null || options.PublicUrl is not { Length: > 0 } root)
        {
            return link;
        }
        return root.TrimEnd('/') + link;
    }

    private static string Describe(Exception ex) => ex switch
    {
        Polly.Timeout.TimeoutRejectedException => "Timed out.",
        HttpRequestException { StatusCode: { } code } => $"{(int)code} {code}",
        _ => ex.Message.Length > 500 ? ex.Message[..500] : ex.Message,
    };

    /// <summary>Slack's own rule: only &amp;, &lt; and &gt; are escaped in message text.</summary>
    private static string Escape(string text) => text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    /// <summary>Counts the tries of one request: the resilience handler sends the same request again on each retry.</summary>
    internal sealed class AttemptCount
    {
        public int Value;
    }
}

/// <summary>Sits inside the resilience handler, so it sees every try of a request.</summary>
internal sealed class AttemptCounter : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (request.Options.TryGetValue(ChannelSender.Attempts, out var count))
        {
            Interlocked.Increment(ref count.Value);
        }
        return base.SendAsync(request, cancellationToken);
    }
}
