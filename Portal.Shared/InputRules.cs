using System.Collections;
using System.Collections.Concurrent;
using System.ComponentModel.DataAnnotations;
using System.Reflection;
using System.Text.Json;

namespace Portal.Shared;

/// <summary>Marks a text field that may hold several lines (Markdown, notes, descriptions); other text fields are single-line.</summary>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Parameter)]
public sealed class MultiLineAttribute : Attribute;

/// <summary>
/// The limits every request obeys, whatever the call: enums only by their defined names, no null inside an array,
/// arrays and texts with a maximum length, single-line texts without control characters. A field states its own limit
/// with <see cref="MaxLengthAttribute"/>; the defaults below hold for the rest. The API checks a request against these
/// before any service runs, and OpenAPI states the same limits.
/// </summary>
public static class InputRules
{
    /// <summary>The longest single-line text (a title, a name, a handle) unless the field says otherwise.</summary>
    public const int MaxLine = 500;

    /// <summary>The longest multi-line text (notes, descriptions, comments) unless the field says otherwise.</summary>
    public const int MaxText = 20_000;

    /// <summary>The most elements of an array unless the field says otherwise.</summary>
    public const int MaxItems = 200;

    private const int MaxDepth = 32;

    // Every API call walks its request: each type's properties are looked up once.
    private static readonly ConcurrentDictionary<Type, PropertyInfo[]> ReadableProperties = new();

    /// <summary>The longest text <paramref name="member"/> takes.</summary>
    public static int MaxLengthOf(ICustomAttributeProvider? member) =>
        Attribute<MaxLengthAttribute>(member)?.Length ?? (IsMultiLine(member) ? MaxText : MaxLine);

    /// <summary>The most elements the array <paramref name="member"/> takes.</summary>
    public static int MaxItemsOf(ICustomAttributeProvider? member) => Attribute<MaxLengthAttribute>(member)?.Length ?? MaxItems;

    public static bool IsMultiLine(ICustomAttributeProvider? member) => Attribute<MultiLineAttribute>(member) is not null;

    /// <summary>Why a text breaks the rules, or null.</summary>
    public static string? WhyNotText(string text, int maxLength, bool multiLine)
    {
        if (text.Length > maxLength)
        {
            return $"At most {maxLength:N0} characters ({text.Length:N0} given).";
        }
        foreach (var c in text)
        {
            if (char.IsControl(c) && (!multiLine || c is not ('\n' or '\r' or '\t')))
            {
                return multiLine
                    ? "Control characters other than line breaks and tabs are not allowed."
                    : "A single line: line breaks, tabs and other control characters are not allowed.";
            }
        }
        return null;
    }

    /// <summary>Every field of <paramref name="value"/> (and of what it holds) that breaks the rules, by its JSON path.</summary>
    public static Dictionary<string, string[]> Check(object? value, string name, ICustomAttributeProvider? member = null)
    {
        var errors = new Dictionary<string, string[]>();
        Walk(value, name, member, errors, 0);
        return errors;
    }

    private static void Walk(object? value, string path, ICustomAttributeProvider? member, Dictionary<string, string[]> errors, int depth)
    {
        if (value is null || depth > MaxDepth)
        {
            return;
        }
        switch (value)
        {
            case string text:
                if (WhyNotText(text, MaxLengthOf(member), IsMultiLine(member)) is { } why)
                {
                    Add(errors, path, why);
                }
                return;
            case Enum e:
                if (!Enum.IsDefined(e.GetType(), e))
                {
                    Add(errors, path, $"\"{e}\" is not one of {string.Join(", ", Enum.GetNames(e.GetType()))}.");
                }
                return;
            case IDictionary map:
                if (map.Count > MaxItemsOf(member))
                {
                    Add(errors, path, $"At most {MaxItemsOf(member)} entries ({map.Count} given).");
                    return;
                }
                foreach (DictionaryEntry entry in map)
                {
                    var key = $"{path}.{entry.Key}";
                    if (entry.Value is null)
                    {
                        Add(errors, key, "A value is required here; null is not allowed.");
                    }
                    Walk(entry.Key, key, null, errors, depth + 1);
                    Walk(entry.Value, key, member, errors, depth + 1);
                }
                return;
            case IEnumerable items:
                var index = 0;
                foreach (var item in items)
                {
                    if (index == MaxItemsOf(member))
                    {
                        Add(errors, path, $"At most {MaxItemsOf(member)} items.");
                        return;
                    }
                    if (item is null)
                    {
                        Add(errors, $"{path}[{index}]", "An item is required here; null is not allowed in a list.");
                    }
                    else
                    {
                        // A list's texts are single-line (tags, handles, slugs, milestones); its own limit is its length.
                        Walk(item, $"{path}[{index}]", null, errors, depth + 1);
                    }
                    index++;
                }
                return;
        }
        var type = value.GetType();
        if (!IsRequestType(type))
        {
            return;
        }
        foreach (var property in ReadableProperties.GetOrAdd(type, t => [.. t.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                     .Where(p => p.CanRead && p.GetIndexParameters().Length == 0)]))
        {
            var childPath = (path.Length == 0 ? "" : path + ".") + JsonNamingPolicy.CamelCase.ConvertName(property.Name);
            Walk(property.GetValue(value), childPath, property, errors, depth + 1);
        }
    }

    /// <summary>Only the portal's own request shapes are walked, not framework types such as dates or streams.</summary>
    private static bool IsRequestType(Type type) => type.Namespace?.StartsWith("Portal", StringComparison.Ordinal) == true && !type.IsEnum;

    private static T? Attribute<T>(ICustomAttributeProvider? member) where T : Attribute =>
        member?.GetCustomAttributes(typeof(T), inherit: true).OfType<T>().FirstOrDefault();

    private static void Add(Dictionary<string, string[]> errors, string path, string message)
    {
        var key = path.Length == 0 ? "body" : path;
        errors[key] = errors.TryGetValue(key, out var existing) ? [.. existing, message] : [message];
    }
}
