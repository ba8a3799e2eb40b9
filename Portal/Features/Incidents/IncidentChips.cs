using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;
using Portal.Components.Common;
using Portal.Shared.Incidents;

namespace Portal.Features.Incidents;

/// <summary>
/// Severity and status chips as plain markup in MudBlazor's chip classes. A MudChip is a component with its own state
/// and render buffers; the queue shows two per row, and every open queue page holds them, so these are fragments.
/// </summary>
public static class IncidentChips
{
    public static RenderFragment For(Severity severity) => builder => ChipMarkup.Chip(builder, Enum.IsDefined(severity) ? severity.ToString() : "unknown", severity switch
    {
        Severity.SEV1 => "mud-chip-filled mud-chip-color-error",
        Severity.SEV2 => "mud-chip-filled mud-chip-color-warning",
        Severity.SEV3 => "mud-chip-outlined mud-chip-color-info",
        _ => "mud-chip-outlined mud-chip-color-default",
    });

    public static RenderFragment For(IncidentStatus status) => builder => ChipMarkup.Chip(builder, Enum.IsDefined(status) ? status.ToString() : "unknown", status switch
    {
        IncidentStatus.Triggered => "mud-chip-text mud-chip-color-error",
        IncidentStatus.Acknowledged => "mud-chip-text mud-chip-color-warning",
        IncidentStatus.Mitigated => "mud-chip-text mud-chip-color-info",
        _ => "mud-chip-text mud-chip-color-success",
    });
}

/// <summary>A severity as a coloured chip: SEV1 red ... SEV5 grey.</summary>
public sealed class SeverityChip : ComponentBase
{
    [Parameter] public Severity Severity { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, IncidentChips.For(Severity));
}

/// <summary>A status as a chip.</summary>
public sealed class StatusChip : ComponentBase
{
    [Parameter] public IncidentStatus Status { get; set; }

    protected override void BuildRenderTree(RenderTreeBuilder builder) => builder.AddContent(0, IncidentChips.For(Status));
}
