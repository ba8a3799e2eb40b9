using System.Text.RegularExpressions;
using Portal.Features.Runbooks;

namespace Portal.Features.Automation;

/// <summary>A runbook step that reads "Run: restart-invoice-renderer …" offers a Run button to that action's page, for the incident being worked.</summary>
public sealed partial class RunbookRunStep : IRunbookStepAction
{
    [GeneratedRegex(@"^\s*Run:\s*`?([a-z][a-z0-9-]{1,59})`?", RegexOptions.CultureInvariant)]
    private static partial Regex RunStep();

    public (string Label, string Href)? For(string stepText, string incidentKey) =>
        RunStep().Match(stepText) is { Success: true } m ? ($"Run {m.Groups[1].Value}", $"/automation/run/{m.Groups[1].Value}?incident={incidentKey}") : null;
}
