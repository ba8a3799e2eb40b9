using System.Text.Json;
using System.Text.Encodings.Web;
using System.Text.RegularExpressions;

namespace Portal.Shared.Automation;

/// <summary>Where a template's result goes: each place escapes the values for itself.</summary>
public enum TemplatePlace
{
    /// <summary>A URL: values are percent-encoded, so a value can never add a path, a query or a host.</summary>
    Url,

    /// <summary>A JSON body: values are JSON-string-escaped (the template puts the quotes).</summary>
    JsonBody,

    /// <summary>One argument of a command, passed to the process as one argv element, never through a shell.</summary>
    Argument,

    /// <summary>A header's value: no control characters.</summary>
    Header,
}

/// <summary>
/// Action templates: <c>{{name}}</c> is replaced by the input's value, escaped for where it goes, and <c>{{incident}}</c>
/// and <c>{{service}}</c> by the run's context. An unknown name is a problem named on save, never an empty string at run.
/// </summary>
public static partial class ActionTemplates
{
    [GeneratedRegex(@"\{\{\s*([a-z][a-z0-9_]*)\s*\}\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();

    /// <summary>The names a template uses.</summary>
    public static IReadOnlyList<string> Names(string template) =>
        [.. Placeholder().Matches(template).Select(m => m.Groups[1].Value).Distinct(StringComparer.Ordinal)];

    /// <summary>Names the template uses that are neither inputs nor context; empty when it can always be rendered.</summary>
    public static IReadOnlyList<string> Unknown(string template, IEnumerable<string> known)
    {
        var names = known.ToHashSet(StringComparer.Ordinal);
        return [.. Names(template).Where(n => !names.Contains(n))];
    }

    /// <summary>The rendered text, each value escaped for <paramref name="place"/>; throws <see cref="ValidationException"/> for what cannot be rendered safely.</summary>
    public static string Render(string template, IReadOnlyDictionary<string, string> values, TemplatePlace place, string field)
    {
        var missing = Names(template).Where(n => !values.ContainsKey(n)).ToList();
        if (missing.Count > 0)
        {
            throw new ValidationException(field, $"No value for {string.Join(", ", missing.Select(m => "{{" + m + "}}"))}.");
        }
        var text = Placeholder().Replace(template, m => Escape(values[m.Groups[1].Value], place, field));
        if (place is TemplatePlace.Argument or TemplatePlace.Header && text.Any(char.IsControl))
        {
            throw new ValidationException(field, "The result holds a control character (a new line, a tab or a NUL).");
        }
        if (place == TemplatePlace.Url && !IsHttpUrl(text))
        {
            throw new ValidationException(field, $"'{text}' is not an absolute http or https URL.");
        }
        return text;
    }

    public static bool IsHttpUrl(string text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp) && uri.Host.Length > 0
        && string.IsNullOrEmpty(uri.UserInfo);

    private static string Escape(string value, TemplatePlace place, string field) => place switch
    {
        TemplatePlace.Url => Uri.EscapeDataString(value),
        TemplatePlace.JsonBody => JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).ToString(),
        _ when value.Any(char.IsControl) => throw new ValidationException(field, "A value holds a control character (a new line, a tab or a NUL)."),
        _ => value,
    };
}
