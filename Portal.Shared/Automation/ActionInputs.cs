using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace Portal.Shared.Automation;

/// <summary>The type of an action's input: what a person or a rule may pass, checked before anything runs.</summary>
public enum InputType
{
    Text,
    WholeNumber,
    Boolean,

    /// <summary>One of <see cref="ActionInput.Choices"/>, by name (never by position).</summary>
    Choice,
}

/// <summary>One typed input of an action: "region" a choice of US, EU, JP; "batch" an integer from 1 to 9999.</summary>
public sealed record ActionInput(string Name, InputType Type, bool Required = true, string? Pattern = null, long? Min = null, long? Max = null,
    IReadOnlyList<string>? Choices = null, string? Default = null, int MaxLength = ActionInputs.MaxTextLength);

/// <summary>
/// Validates what is passed to an action against its inputs: each value checked for its type and bounds (a number where
/// text was asked, a null, an unknown name, an enum as a number: each refused and named), and turned into the text the
/// templates use.
/// </summary>
public static class ActionInputs
{
    public const int MaxTextLength = 500;
    private static readonly Regex NameRule = new("^[a-z][a-z0-9_]{0,39}$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));

    /// <summary>Why a definition of inputs is wrong (names, bounds, patterns, choices), keyed "inputs[i]"; empty when right.</summary>
    public static Dictionary<string, string[]> DefinitionProblems(IReadOnlyList<ActionInput> inputs)
    {
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < inputs.Count; i++)
        {
            var input = inputs[i];
            string? problem = input switch
            {
                null => "An input is missing.",
                { Name: var n } when n is null || !NameRule.IsMatch(n) => $"'{input.Name}' is not an input name: lower case letters, digits and _, starting with a letter.",
                _ when inputs.Take(i).Any(o => o?.Name == input.Name) => $"'{input.Name}' is named twice.",
                _ when !Enum.IsDefined(input.Type) => $"'{input.Name}' has no type; one of {string.Join(", ", Enum.GetNames<InputType>())}.",
                { Type: InputType.Choice, Choices: null or { Count: 0 } } => $"'{input.Name}' is a choice with nothing to choose.",
                { Min: { } min, Max: { } max } when min > max => $"'{input.Name}': min {min} is above max {max}.",
                { Pattern: { } pattern } when !IsRegex(pattern) => $"'{input.Name}': the pattern is not a regular expression.",
                { MaxLength: < 1 or > MaxTextLength } => $"'{input.Name}': a text is 1 to {MaxTextLength} characters long at most.",
                _ => null,
            };
            if (problem is not null)
            {
                errors[$"inputs[{i}]"] = [problem];
            }
        }
        return errors;
    }

    /// <summary>The values as text, by input name; or the problems, keyed "inputs.&lt;name&gt;".</summary>
    public static (IReadOnlyDictionary<string, string> Values, Dictionary<string, string[]> Errors) Validate(IReadOnlyList<ActionInput> inputs,
        IReadOnlyDictionary<string, JsonElement>? given)
    {
        given ??= new Dictionary<string, JsonElement>();
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var errors = new Dictionary<string, string[]>();
        foreach (var name in given.Keys.Where(k => inputs.All(i => i.Name != k)))
        {
            errors[$"inputs.{name}"] = [$"The action has no input '{name}'."];
        }
        foreach (var input in inputs)
        {
            var present = given.TryGetValue(input.Name, out var value) && value.ValueKind is not (JsonValueKind.Null or JsonValueKind.Undefined);
            if (!present)
            {
                if (input.Default is { } fallback)
                {
                    values[input.Name] = fallback;
                }
                else if (input.Required)
                {
                    errors[$"inputs.{input.Name}"] = [$"'{input.Name}' is required."];
                }
                continue;
            }
            var (text, problem) = Read(input, value);
            if (problem is not null)
            {
                errors[$"inputs.{input.Name}"] = [problem];
            }
            else
            {
                values[input.Name] = text!;
            }
        }
        return (values, errors);
    }

    private static (string? Text, string? Problem) Read(ActionInput input, JsonElement value)
    {
        switch (input.Type)
        {
            case InputType.WholeNumber:
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetInt64(out var number))
                {
                    return (null, $"'{input.Name}' is a whole number.");
                }
                if (number < input.Min || number > input.Max)
                {
                    return (null, $"'{input.Name}' is from {input.Min?.ToString(CultureInfo.InvariantCulture) ?? "any"} to {input.Max?.ToString(CultureInfo.InvariantCulture) ?? "any"}; {number} is outside.");
                }
                return (number.ToString(CultureInfo.InvariantCulture), null);
            case InputType.Boolean:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? (value.GetBoolean() ? "true" : "false", null)
                    : (null, $"'{input.Name}' is true or false.");
            case InputType.Choice:
                // By name only: a number would pick by position, which changes when the list does.
                return value.ValueKind == JsonValueKind.String && input.Choices!.Contains(value.GetString()!, StringComparer.Ordinal)
                    ? (value.GetString(), null)
                    : (null, $"'{input.Name}' is one of {string.Join(", ", input.Choices!)}.");
            default:
                if (value.ValueKind != JsonValueKind.String)
                {
                    return (null, $"'{input.Name}' is text.");
                }
                var text = value.GetString()!;
                if (text.Length > input.MaxLength)
                {
                    return (null, $"'{input.Name}' is {text.Length} characters; at most {input.MaxLength}.");
                }
                if (text.Any(char.IsControl))
                {
                    return (null, $"'{input.Name}' holds a control character (a new line, a tab or a NUL).");
                }
                if (input.Pattern is { } pattern && !Regex.IsMatch(text, $"^(?:{pattern})$", RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1)))
                {
                    return (null, $"'{input.Name}' must match {pattern}.");
                }
                return (text, null);
        }
    }

    private static bool IsRegex(string pattern)
    {
        try
        {
            _ = new Regex(pattern, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
            return true;
        }
        catch (ArgumentException)
        {
            return false;
        }
    }
}
