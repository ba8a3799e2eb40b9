using System.ComponentModel.DataAnnotations;

namespace Portal.Shared.Automation;

/// <summary>What an action does: call an HTTP endpoint (sent by the portal, signed), or run an allow-listed command on a runner.</summary>
public enum ActionKind
{
    Http,
    Script,
}

/// <summary>How the portal checks that a run worked.</summary>
public enum VerifyKind
{
    /// <summary>The run's own success is all there is.</summary>
    None,

    /// <summary>An HTTP GET answers with the expected status within the window.</summary>
    HttpCheck,

    /// <summary>The alert that triggered the run resolves within the window.</summary>
    AlertResolves,
}

/// <summary>An HTTP action: method, URL template, header templates and a JSON body template.</summary>
public sealed record HttpSpec(string Method, [property: MaxLength(2000)] string Url, IReadOnlyDictionary<string, string>? Headers = null,
    [property: MultiLine, MaxLength(8000)] string? Body = null);

/// <summary>A script action: an allow-listed command and its argument templates, each one argv element (never a shell line).</summary>
public sealed record ScriptSpec(string Command, IReadOnlyList<string> Arguments);

/// <summary>The verify step: an HTTP check (URL template, expected status) or the triggering alert's resolve, within minutes.</summary>
public sealed record VerifySpec(VerifyKind Kind, [property: MaxLength(2000)] string? Url = null, int ExpectStatus = 200, int WithinMinutes = 5);

/// <summary>
/// One version of an action, whole: a run keeps the version it was asked with, so an edit never changes a run under way.
/// </summary>
public sealed record ActionDefinition
{
    public string Name { get; init; } = "";
    [MultiLine, MaxLength(2000)]
    public string Description { get; init; } = "";
    public ActionKind Kind { get; init; }
    public RiskTier Risk { get; init; }

    /// <summary>The services (slugs) the action may touch; a run on any other is refused.</summary>
    public IReadOnlyList<string> Services { get; init; } = [];

    public IReadOnlyList<ActionInput> Inputs { get; init; } = [];
    public HttpSpec? Http { get; init; }
    public ScriptSpec? Script { get; init; }
    public VerifySpec Verify { get; init; } = new(VerifyKind.None);

    /// <summary>The slug of the action that undoes this one, run when a run does not verify.</summary>
    public string? Rollback { get; init; }

    public ActionLimits Limits { get; init; } = new();
    public int TimeoutSeconds { get; init; } = 60;

    /// <summary>What a person would spend doing it by hand: the toil a successful run saves.</summary>
    public int MinutesSaved { get; init; } = 10;
}

/// <summary>The checks of an action's definition on save: every problem named by its field, nothing saved until none is left.</summary>
public static class ActionDefinitions
{
    public const int MaxTimeoutSeconds = 3_600;
    public static readonly string[] Methods = ["GET", "POST", "PUT", "PATCH", "DELETE"];

    /// <summary>The names every template may use besides the inputs: the run's incident number and target service.</summary>
    public static readonly string[] ContextNames = ["incident", "service"];

    public static Dictionary<string, string[]> Problems(ActionDefinition action, IReadOnlyCollection<string> allowedCommands)
    {
        var errors = ActionInputs.DefinitionProblems(action.Inputs ?? []);
        void Add(string field, string problem) => errors[field] = [problem];
        if (string.IsNullOrWhiteSpace(action.Name) || action.Name.Length > 120)
        {
            Add("name", "Name the action in at most 120 characters (\"Restart the invoice renderer\").");
        }
        if (action.Description?.Length > 2_000)
        {
            Add("description", "The description is at most 2,000 characters.");
        }
        if (!Enum.IsDefined(action.Risk))
        {
            Add("risk", $"The risk is one of {string.Join(", ", Enum.GetNames<RiskTier>())}.");
        }
        if (action.Services is null || action.Services.Count == 0 || action.Services.Any(string.IsNullOrWhiteSpace))
        {
            Add("services", "Name the services the action may touch (at least one).");
        }
        if (action.TimeoutSeconds is < 1 or > MaxTimeoutSeconds)
        {
            Add("timeoutSeconds", $"The timeout is 1 to {MaxTimeoutSeconds} seconds.");
        }
        if (action.MinutesSaved is < 0 or > 480)
        {
            Add("minutesSaved", "The minutes a person would spend are 0 to 480.");
        }
        if (action.Limits is not { MaxConcurrent: >= 1, MaxErrors: >= 1, MaxAutomaticPerHour: >= 0 } || action.Limits.CooldownMinutes is < 0 or > 1_440)
        {
            Add("limits", "At least one run at once, at least one error before it stops, a cooldown of 0 to 1,440 minutes, no negative hourly limit.");
        }
        var known = (action.Inputs ?? []).Where(i => i is not null).Select(i => i.Name).Concat(ContextNames).ToList();
        switch (action.Kind)
        {
            case ActionKind.Http when action.Http is not { } http:
                Add("http", "An HTTP action needs its method and URL.");
                break;
            case ActionKind.Http:
                CheckHttp(action.Http!, known, Add);
                break;
            case ActionKind.Script when action.Script is not { } script:
                Add("script", "A script action needs its command and arguments.");
                break;
            case ActionKind.Script:
                if (!allowedCommands.Contains(action.Script!.Command, StringComparer.Ordinal))
                {
                    Add("script.command", allowedCommands.Count == 0
                        ? "No command is allowed: an operator lists them in Automation:AllowedCommands."
                        : $"'{action.Script.Command}' is not an allowed command; allowed: {string.Join(", ", allowedCommands)}.");
                }
                for (var i = 0; i < (action.Script.Arguments?.Count ?? 0); i++)
                {
                    if (Problem(action.Script.Arguments![i], known, TemplatePlace.Argument) is { } problem)
                    {
                        Add($"script.arguments[{i}]", problem);
                    }
                }
                break;
            default:
                Add("kind", "The kind is Http or Script.");
                break;
        }
        if (action.Verify is null || !Enum.IsDefined(action.Verify.Kind))
        {
            Add("verify", "The verify step is None, HttpCheck or AlertResolves.");
        }
        else if (action.Verify.WithinMinutes is < 1 or > 120)
        {
            Add("verify.withinMinutes", "Verify within 1 to 120 minutes.");
        }
        else if (action.Verify.Kind == VerifyKind.HttpCheck && Problem(action.Verify.Url ?? "", known, TemplatePlace.Url) is { } verifyProblem)
        {
            Add("verify.url", verifyProblem);
        }
        return errors;
    }

    private static void CheckHttp(HttpSpec http, List<string> known, Action<string, string> add)
    {
        if (!Methods.Contains(http.Method, StringComparer.Ordinal))
        {
            add("http.method", $"The method is one of {string.Join(", ", Methods)}.");
        }
        if (Problem(http.Url ?? "", known, TemplatePlace.Url) is { } url)
        {
            add("http.url", url);
        }
        foreach (var (name, value) in http.Headers ?? new Dictionary<string, string>())
        {
            if (string.IsNullOrWhiteSpace(name) || name.Any(c => char.IsControl(c) || c is ' ' or ':'))
            {
                add("http.headers", $"'{name}' is not a header name.");
            }
            else if (Problem(value ?? "", known, TemplatePlace.Header) is { } header)
            {
                add($"http.headers.{name}", header);
            }
        }
        if (http.Body is { } body && Problem(body, known, TemplatePlace.JsonBody) is { } bodyProblem)
        {
            add("http.body", bodyProblem);
        }
    }

    /// <summary>A template's problem: an unknown name, or a result that cannot be what it must be (a URL, JSON).</summary>
    private static string? Problem(string template, IReadOnlyList<string> known, TemplatePlace place)
    {
        if (ActionTemplates.Unknown(template, known) is { Count: > 0 } unknown)
        {
            return $"Unknown {string.Join(", ", unknown.Select(u => "{{" + u + "}}"))}; known: {string.Join(", ", known)}.";
        }
        // Rendered with a harmless sample for every name: what is wrong then is wrong for every run.
        var sample = known.ToDictionary(k => k, _ => "x1", StringComparer.Ordinal);
        try
        {
            var text = ActionTemplates.Render(template, sample, place, "template");
            if (place == TemplatePlace.JsonBody)
            {
                using var _ = System.Text.Json.JsonDocument.Parse(text);
            }
            return null;
        }
        catch (ValidationException e)
        {
            return e.Errors.Values.SelectMany(v => v).FirstOrDefault() ?? e.Message;
        }
        catch (System.Text.Json.JsonException)
        {
            return "The body is not JSON (put quotes around each {{name}} that is text).";
        }
    }
}
