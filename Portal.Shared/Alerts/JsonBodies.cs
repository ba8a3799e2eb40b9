using System.Globalization;
using System.Text.Json;

namespace Portal.Shared.Alerts;

/// <summary>The one way monitor bodies are parsed: at most 512 KB, at most 32 levels deep, never an exception.</summary>
internal static class JsonBodies
{
    public const int MaxBytes = 512 * 1024;
    public const int MaxDepth = 32;

    /// <summary>The parsed body, or null with the reason in words ("The event is 600000 bytes; at most ...").</summary>
    public static JsonDocument? Parse(ReadOnlyMemory<byte> body, string what, out string? error)
    {
        error = null;
        if (body.Length > MaxBytes)
        {
            error = string.Create(CultureInfo.InvariantCulture, $"The {what} is {body.Length} bytes; at most {MaxBytes} (512 KB).");
            return null;
        }
        try
        {
            return JsonDocument.Parse(body, new JsonDocumentOptions { MaxDepth = MaxDepth });
        }
        catch (JsonException ex)
        {
            var message = ex.Message;
            var end = message.IndexOf(". ", StringComparison.Ordinal);
            error = $"The body is not valid JSON ({(end < 0 ? message.TrimEnd('.') : message[..end])})";
            return null;
        }
    }
}
