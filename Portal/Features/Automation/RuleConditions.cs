using Cel;

namespace Portal.Features.Automation;

/// <summary>What a rule's condition sees of an incident and of the change that woke it.</summary>
public sealed record RuleFacts(long Number, string Title, string Severity, string Status, string Service, string Team, string Region, IReadOnlyList<string> Tags,
    string Assignee, string Change);

/// <summary>
/// Rule conditions in CEL (the <c>Cel</c> package): checked on save by compiling and by evaluating against a sample
/// incident, so a typo, an unknown field or a non-boolean result is named before the rule is on.
/// </summary>
public static class RuleConditions
{
    public const string Fields = "incident.number, incident.title, incident.severity, incident.status, incident.service, incident.team, incident.region, "
        + "incident.tags, incident.assignee, change";

    private static readonly RuleFacts Sample = new(1042, "Invoice PDFs fail to render", "SEV2", "Triggered", "invoicing", "billing-support-eu", "EU", ["alert"], "", "created");

    /// <summary>Why the condition cannot be a rule's, or null.</summary>
    public static string? Problem(string? condition)
    {
        if (string.IsNullOrWhiteSpace(condition))
        {
            return "Write the condition (\"incident.severity == 'SEV1'\"; \"true\" for always).";
        }
        if (condition.Length > 2_000)
        {
            return "The condition is at most 2,000 characters.";
        }
        try
        {
            return Evaluate(condition, Sample) is bool ? null : $"The condition must be true or false; it gives a value. Fields: {Fields}.";
        }
        catch (Exception e) when (e.GetType().Namespace?.StartsWith("Cel", StringComparison.Ordinal) == true || e is InvalidCastException or ArgumentException)
        {
            return $"{e.Message} Fields: {Fields}.";
        }
    }

    /// <summary>Whether the condition holds for these facts; a condition that fails to evaluate does not hold.</summary>
    public static bool Holds(string condition, RuleFacts facts)
    {
        try
        {
            return Evaluate(condition, facts) is true;
        }
        catch (Exception e) when (e.GetType().Namespace?.StartsWith("Cel", StringComparison.Ordinal) == true || e is InvalidCastException or ArgumentException)
        {
            return false;
        }
    }

    private static object? Evaluate(string condition, RuleFacts facts)
    {
        var program = new CelEnvironment(null, null).Compile(condition);
        return program(new Dictionary<string, object?>
        {
            ["incident"] = new Dictionary<string, object?>
            {
                ["number"] = facts.Number, ["title"] = facts.Title, ["severity"] = facts.Severity, ["status"] = facts.Status, ["service"] = facts.Service,
                ["team"] = facts.Team, ["region"] = facts.Region, ["tags"] = facts.Tags.Cast<object?>().ToList(), ["assignee"] = facts.Assignee,
            },
            ["change"] = facts.Change,
        });
    }
}
