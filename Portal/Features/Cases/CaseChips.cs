using Microsoft.AspNetCore.Components;
using Portal.Components.Common;
using Portal.Shared.Cases;

namespace Portal.Features.Cases;

/// <summary>Priority and status chips as plain markup (the queue shows two per row; see IncidentChips for why).</summary>
public static class CaseChips
{
    public static RenderFragment For(CasePriority priority) => builder => ChipMarkup.Chip(builder, Enum.IsDefined(priority) ? priority.ToString() : "unknown", priority switch
    {
        CasePriority.P1 => "mud-chip-filled mud-chip-color-error",
        CasePriority.P2 => "mud-chip-filled mud-chip-color-warning",
        CasePriority.P3 => "mud-chip-outlined mud-chip-color-info",
        _ => "mud-chip-outlined mud-chip-color-default",
    });

    public static RenderFragment For(CaseStatus status) => builder => ChipMarkup.Chip(builder, Enum.IsDefined(status) ? CaseWorkflow.Label(status) : "unknown", status switch
    {
        CaseStatus.New => "mud-chip-text mud-chip-color-error",
        CaseStatus.Open => "mud-chip-text mud-chip-color-warning",
        CaseStatus.PendingAdvertiser or CaseStatus.OnHold => "mud-chip-text mud-chip-color-info",
        _ => "mud-chip-text mud-chip-color-success",
    });
}
