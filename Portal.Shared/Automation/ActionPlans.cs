using System.Text;

namespace Portal.Shared.Automation;

/// <summary>Exactly what one run sends (an HTTP request) or executes (a command and its argv): what a dry-run shows.</summary>
public sealed record ActionPlan(ActionKind Kind, string? Method, string? Url, IReadOnlyDictionary<string, string> Headers, string? Body,
    string? Command, IReadOnlyList<string> Arguments, string? VerifyUrl)
{
    /// <summary>The plan as a person reads it on the timeline and in a dry-run.</summary>
    public string Describe()
    {
        var text = new StringBuilder();
        if (Kind == ActionKind.Http)
        {
            text.Append(Method).Append(' ').Append(Url);
            foreach (var (name, value) in Headers)
            {
                text.Append('\n').Append(name).Append(": ").Append(value);
            }
            if (Body is not null)
            {
                text.Append("\n\n").Append(Body);
            }
        }
        else
        {
            text.Append(Command);
            foreach (var argument in Arguments)
            {
                text.Append(' ').Append(argument.Length == 0 || argument.Any(c => char.IsWhiteSpace(c) || c is '"' or '\'') ? $"'{argument.Replace("'", "'\\''")}'" : argument);
            }
        }
        if (VerifyUrl is not null)
        {
            text.Append("\n\nthen verify: GET ").Append(VerifyUrl);
        }
        return text.ToString();
    }
}

/// <summary>Renders a version's templates with a run's inputs and context into its plan; what cannot be rendered safely is refused by field.</summary>
public static class ActionPlans
{
    public static ActionPlan Render(ActionDefinition action, IReadOnlyDictionary<string, string> inputs, long? incident, string? service)
    {
        var values = new Dictionary<string, string>(inputs, StringComparer.Ordinal)
        {
            ["incident"] = incident?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "",
            ["service"] = service ?? "",
        };
        var verifyUrl = action.Verify.Kind == VerifyKind.HttpCheck ? ActionTemplates.Render(action.Verify.Url ?? "", values, TemplatePlace.Url, "verify.url") : null;
        if (action.Kind == ActionKind.Script)
        {
            var script = action.Script!;
            var arguments = script.Arguments.Select((a, i) => ActionTemplates.Render(a, values, TemplatePlace.Argument, $"script.arguments[{i}]")).ToList();
            return new(ActionKind.Script, null, null, new Dictionary<string, string>(), null, script.Command, arguments, verifyUrl);
        }
        var http = action.Http!;
        var headers = (http.Headers ?? new Dictionary<string, string>())
            .ToDictionary(h => h.Key, h => ActionTemplates.Render(h.Value, values, TemplatePlace.Header, $"http.headers.{h.Key}"), StringComparer.OrdinalIgnoreCase);
        var body = http.Body is null ? null : ActionTemplates.Render(http.Body, values, TemplatePlace.JsonBody, "http.body");
        return new(ActionKind.Http, http.Method, ActionTemplates.Render(http.Url, values, TemplatePlace.Url, "http.url"), headers, body, null, [], verifyUrl);
    }
}

/// <summary>Which self-healing rules an alert's firing matches: every condition the rule names must hold.</summary>
public static class HealingMatches
{
    public static bool Matches(HealingRule rule, int integrationId, string? service, IReadOnlyDictionary<string, string> labels) =>
        rule.Enabled
        && (rule.IntegrationId is null || rule.IntegrationId == integrationId)
        && (rule.ServiceSlug is null || string.Equals(rule.ServiceSlug, service, StringComparison.Ordinal))
        && (rule.AlertClass is null || string.Equals(labels.GetValueOrDefault("class") ?? labels.GetValueOrDefault("alertname"), rule.AlertClass, StringComparison.OrdinalIgnoreCase))
        && (rule.IntegrationId is not null || rule.ServiceSlug is not null || rule.AlertClass is not null);
}
