namespace Portal.Features.Runbooks;

/// <summary>
/// Something a checklist step can be done with besides ticking it: Automation offers "Run" for a step that reads
/// "Run: &lt;action&gt;". Registered by that module; Runbooks names none.
/// </summary>
public interface IRunbookStepAction
{
    /// <summary>The button's label and where it leads, for this step while working this incident; null for none.</summary>
    (string Label, string Href)? For(string stepText, string incidentKey);
}
