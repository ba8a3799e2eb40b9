using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using MudBlazor;
using Portal.Shared.Incidents;
using Severity = Portal.Shared.Incidents.Severity;

namespace Portal.Features.Incidents;

/// <summary>A severity as a coloured chip: SEV1 red ... SEV5 grey.</summary>
public sealed class SeverityChip : ComponentBase
{
    [Parameter] public Severity Severity { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<MudChip<string>>(0);
        builder.AddComponentParameter(1, nameof(MudChip<string>.Size), Size.Small);
        builder.AddComponentParameter(2, nameof(MudChip<string>.Color), Severity switch
        {
            Severity.SEV1 => Color.Error,
            Severity.SEV2 => Color.Warning,
            Severity.SEV3 => Color.Info,
            _ => Color.Default,
        });
        builder.AddComponentParameter(3, nameof(MudChip<string>.Variant), Severity <= Severity.SEV2 ? Variant.Filled : Variant.Outlined);
        builder.AddComponentParameter(4, nameof(MudChip<string>.Text), Severity.ToString());
        builder.CloseComponent();
    }
}

/// <summary>A status as a chip.</summary>
public sealed class StatusChip : ComponentBase
{
    [Parameter] public IncidentStatus Status { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        builder.OpenComponent<MudChip<string>>(0);
        builder.AddComponentParameter(1, nameof(MudChip<string>.Size), Size.Small);
        builder.AddComponentParameter(2, nameof(MudChip<string>.Variant), Variant.Text);
        builder.AddComponentParameter(3, nameof(MudChip<string>.Color), Status switch
        {
            IncidentStatus.Triggered => Color.Error,
            IncidentStatus.Acknowledged => Color.Warning,
            IncidentStatus.Mitigated => Color.Info,
            _ => Color.Success,
        });
        builder.AddComponentParameter(4, nameof(MudChip<string>.Text), Status.ToString());
        builder.CloseComponent();
    }
}
