using System.Text.Json;
using Microsoft.EntityFrameworkCore.ChangeTracking;

namespace Portal.Infrastructure.Data;

/// <summary>
/// A value stored as one JSON text column (enums by name), with a comparer so EF Core sees changes made inside it.
/// Used for label maps, severity maps and schedule layers.
/// </summary>
internal static class JsonColumn
{
    private static readonly JsonSerializerOptions Options = new() { Converters = { new System.Text.Json.Serialization.JsonStringEnumConverter() } };

    public static Microsoft.EntityFrameworkCore.Storage.ValueConversion.ValueConverter<T, string> Converter<T>() where T : new() =>
        new(v => JsonSerializer.Serialize(v, Options), s => JsonSerializer.Deserialize<T>(s, Options) ?? new T());

    public static ValueComparer<T> Comparer<T>() where T : class, new() =>
        new((a, b) => JsonSerializer.Serialize(a, Options) == JsonSerializer.Serialize(b, Options),
            v => JsonSerializer.Serialize(v, Options).GetHashCode(StringComparison.Ordinal),
            v => JsonSerializer.Deserialize<T>(JsonSerializer.Serialize(v, Options), Options) ?? new T());
}
