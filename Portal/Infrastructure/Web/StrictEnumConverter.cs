using System.Text.Json;
using System.Text.Json.Serialization;

namespace Portal.Infrastructure.Web;

/// <summary>
/// Enums in the API by name only: a request may send a defined name (any case), never a number, so
/// <c>"severity": 99</c> is refused when the body is read. A stored value that is not defined (written by an older
/// release, or by hand) is written back as <c>"unknown"</c> instead of failing the whole answer.
/// </summary>
public sealed class StrictEnumConverter : JsonConverterFactory
{
    public const string Unknown = "unknown";

    public override bool CanConvert(Type typeToConvert) => typeToConvert.IsEnum;

    public override JsonConverter CreateConverter(Type typeToConvert, JsonSerializerOptions options) =>
        (JsonConverter)Activator.CreateInstance(typeof(Converter<>).MakeGenericType(typeToConvert))!;

    private sealed class Converter<T> : JsonConverter<T> where T : struct, Enum
    {
        private static readonly string Allowed = string.Join(", ", Enum.GetNames<T>());

        public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
        {
            if (reader.TokenType is not (JsonTokenType.String or JsonTokenType.PropertyName))
            {
                throw new JsonException($"Expected one of {Allowed} as a string.");
            }
            var text = reader.GetString();
            // Enum.TryParse also takes "99" and "1,2": only a defined name will do.
            if (text is null || text.Length == 0 || !char.IsAsciiLetter(text[0]) || text.Contains(',', StringComparison.Ordinal)
                || !Enum.TryParse<T>(text, ignoreCase: true, out var value) || !Enum.IsDefined(value))
            {
                throw new JsonException($"\"{text}\" is not one of {Allowed}.");
            }
            return value;
        }

        public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Enum.IsDefined(value) ? value.ToString() : Unknown);

        public override T ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            Read(ref reader, typeToConvert, options);

        public override void WriteAsPropertyName(Utf8JsonWriter writer, T value, JsonSerializerOptions options) =>
            writer.WritePropertyName(Enum.IsDefined(value) ? value.ToString() : Unknown);
    }
}
