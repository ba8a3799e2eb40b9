using Microsoft.AspNetCore.Components.Rendering;

namespace Portal.Components.Common;

/// <summary>
/// A chip as plain markup in MudBlazor's chip classes. A MudChip is a component with its own state and render buffers;
/// queues show two per row and every open queue page holds them, so their chips are fragments.
/// </summary>
public static class ChipMarkup
{
    public static void Chip(RenderTreeBuilder builder, string text, string classes)
    {
        builder.OpenElement(0, "span");
        builder.AddAttribute(1, "class", "mud-chip mud-chip-size-small " + classes);
        builder.OpenElement(2, "span");
        builder.AddAttribute(3, "class", "mud-chip-content");
        builder.AddContent(4, text);
        builder.CloseElement();
        builder.CloseElement();
    }
}
