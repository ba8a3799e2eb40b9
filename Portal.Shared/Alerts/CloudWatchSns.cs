using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Shared.Alerts;

public enum SnsMessageType
{
    SubscriptionConfirmation,
    Notification,
    UnsubscribeConfirmation,
}

/// <summary>An SNS HTTP(S) message, as SNS posts it.</summary>
public sealed record SnsMessage(
    SnsMessageType Type, string MessageId, string TopicArn, string? Subject, string Message, string Timestamp,
    string SignatureVersion, string Signature, Uri SigningCertUrl, Uri? SubscribeUrl, string? Token);

/// <summary>The CloudWatch alarm state change an SNS notification carries in its Message.</summary>
public sealed record CloudWatchAlarm(
    string AlarmName, string? AlarmDescription, string NewStateValue, string? NewStateReason, DateTimeOffset? StateChangeTime,
    string? Region, string AlarmArn, string? OldStateValue)
{
    /// <summary>ALARM triggers, OK resolves; INSUFFICIENT_DATA changes nothing.</summary>
    public AlertAction? Action => NewStateValue switch
    {
        "ALARM" => AlertAction.Trigger,
        "OK" => AlertAction.Resolve,
        _ => null,
    };
}

public sealed record SnsReading(SnsMessage? Message, CloudWatchAlarm? Alarm, IReadOnlyList<string> Errors);

/// <summary>
/// Reads SNS messages carrying CloudWatch alarms, and checks them: the certificate and confirmation URLs must be
/// HTTPS on an <c>sns.&lt;region&gt;.amazonaws.com</c> host, and the signature (version 1: SHA1, version 2: SHA256 with
/// RSA) must verify against the certificate over the fields AWS documents, in their order.
/// </summary>
public static partial class CloudWatchSns
{
    public static SnsReading Read(ReadOnlyMemory<byte> body)
    {
        using var document = JsonBodies.Parse(body, "message", out var error);
        return document is null ? Invalid(error!) : Read(document.RootElement);
    }

    public static SnsReading Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            return Invalid("The SNS message must be a JSON object.");
        }
        var errors = new List<string>();
        string Required(string name)
        {
            var value = root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            if (string.IsNullOrEmpty(value))
            {
                errors.Add($"'{name}' is missing or blank");
            }
            return value ?? "";
        }
        string? Optional(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

        var typeText = Required("Type");
        SnsMessageType? type = Enum.TryParse<SnsMessageType>(typeText, ignoreCase: false, out var t) && Enum.IsDefined(t) ? t : null;
        if (typeText.Length > 0 && type is null)
        {
            errors.Add($"'Type' is \"{typeText}\"; expected SubscriptionConfirmation, Notification or UnsubscribeConfirmation");
        }
        var messageId = Required("MessageId");
        var topicArn = Required("TopicArn");
        var message = Required("Message");
        var timestamp = Required("Timestamp");
        var signatureVersion = Required("SignatureVersion");
        var signature = Required("Signature");
        var certUrl = SnsUrl(Required("SigningCertURL"), "SigningCertURL", errors);
        Uri? subscribeUrl = null;
        string? token = null;
        if (type is SnsMessageType.SubscriptionConfirmation or SnsMessageType.UnsubscribeConfirmation)
        {
            subscribeUrl = SnsUrl(Required("SubscribeURL"), "SubscribeURL", errors);
            token = Required("Token");
        }
        if (signatureVersion.Length > 0 && signatureVersion is not ("1" or "2"))
        {
            errors.Add($"'SignatureVersion' is \"{signatureVersion}\"; SNS signs with version 1 or 2");
        }
        CloudWatchAlarm? alarm = null;
        if (type == SnsMessageType.Notification && message.Length > 0)
        {
            alarm = ReadAlarm(message, errors);
        }
        if (errors.Count > 0)
        {
            return new(null, null, errors);
        }
        return new(new SnsMessage(type!.Value, messageId, topicArn, Optional("Subject"), message, timestamp, signatureVersion, signature,
            certUrl!, subscribeUrl, token), alarm, []);
    }

    /// <summary>Whether a URL may be fetched for SNS: HTTPS, on sns.&lt;region&gt;.amazonaws.com (or .com.cn).</summary>
    public static bool IsSnsUrl(Uri url) =>
        url.IsAbsoluteUri && url.Scheme == Uri.UriSchemeHttps && url.IsDefaultPort && SnsHost().IsMatch(url.Host);

    /// <summary>The text SNS signed: the message's fields, each name and value on its own line, in AWS's order.</summary>
    public static string StringToSign(SnsMessage message)
    {
        var fields = message.Type == SnsMessageType.Notification
            ? new List<(string, string?)>
            {
                ("Message", message.Message), ("MessageId", message.MessageId), ("Subject", message.Subject),
                ("Timestamp", message.Timestamp), ("TopicArn", message.TopicArn), ("Type", message.Type.ToString()),
            }
            : [
                ("Message", message.Message), ("MessageId", message.MessageId), ("SubscribeURL", message.SubscribeUrl?.OriginalString),
                ("Timestamp", message.Timestamp), ("Token", message.Token), ("TopicArn", message.TopicArn), ("Type", message.Type.ToString()),
            ];
        var text = new StringBuilder();
        foreach (var (name, value) in fields.Where(f => f.Item2 is not null))
        {
            text.Append(name).Append('\n').Append(value).Append('\n');
        }
        return text.ToString();
    }

    /// <summary>Whether <paramref name="certificate"/> signed this message.</summary>
    public static bool IsSignedBy(SnsMessage message, X509Certificate2 certificate)
    {
        using var rsa = certificate.GetRSAPublicKey();
        if (rsa is null)
        {
            return false;
        }
        byte[] signature;
        try
        {
            signature = Convert.FromBase64String(message.Signature);
        }
        catch (FormatException)
        {
            return false;
        }
        var hash = message.SignatureVersion == "2" ? HashAlgorithmName.SHA256 : HashAlgorithmName.SHA1;
        return rsa.VerifyData(Encoding.UTF8.GetBytes(StringToSign(message)), signature, hash, RSASignaturePadding.Pkcs1);
    }

    private static SnsReading Invalid(string error) => new(null, null, [error]);

    private static Uri? SnsUrl(string text, string field, List<string> errors)
    {
        if (text.Length == 0)
        {
            return null;
        }
        if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || !IsSnsUrl(url))
        {
            errors.Add($"'{field}' must be an https URL on an sns.<region>.amazonaws.com host");
            return null;
        }
        return url;
    }

    private static CloudWatchAlarm? ReadAlarm(string message, List<string> errors)
    {
        try
        {
            using var document = JsonDocument.Parse(message, new JsonDocumentOptions { MaxDepth = JsonBodies.MaxDepth });
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                errors.Add("'Message' does not hold a CloudWatch alarm (not a JSON object)");
                return null;
            }
            string? Field(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var name = Field("AlarmName");
            var state = Field("NewStateValue");
            var arn = Field("AlarmArn");
            foreach (var (field, value) in new[] { ("AlarmName", name), ("NewStateValue", state), ("AlarmArn", arn) })
            {
                if (string.IsNullOrEmpty(value))
                {
                    errors.Add($"'Message.{field}' is missing or blank");
                }
            }
            if (errors.Count > 0)
            {
                return null;
            }
            var changed = Field("StateChangeTime") is { } stamp ? EventsV2.ParseTimestamp(stamp) : null;
            return new CloudWatchAlarm(name!, Field("AlarmDescription"), state!, Field("NewStateReason"), changed, Field("Region"), arn!, Field("OldStateValue"));
        }
        catch (JsonException)
        {
            errors.Add("'Message' does not hold a CloudWatch alarm (not JSON)");
            return null;
        }
    }

    [GeneratedRegex(@"^sns\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$", RegexOptions.CultureInvariant)]
    private static partial Regex SnsHost();
}
