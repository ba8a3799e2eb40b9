namespace Portal.Features.Automation;

/// <summary>The operator's settings of automation (<c>Automation:</c> in configuration).</summary>
public sealed class AutomationOptions
{
    /// <summary>The commands a script action may name (an allow-list; nothing is run through a shell).</summary>
    public List<string> AllowedCommands { get; set; } = [];

    /// <summary>
    /// Address ranges HTTP actions may call besides public ones (<c>10.20.0.0/16</c>); loopback, link-local and cloud
    /// metadata addresses are refused unless listed here.
    /// </summary>
    public List<string> AllowedOutboundRanges { get; set; } = [];

    /// <summary>The HMAC secret HTTP actions are signed with; when empty, one is made on first use and shown to admins.</summary>
    public string? SigningSecret { get; set; }

    /// <summary>How often the processor looks for due work when nothing wakes it.</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>How long self-healing holds a new alert's first page while it tries (the verify window is added).</summary>
    public TimeSpan HealingHold { get; set; } = TimeSpan.FromMinutes(1);
}
