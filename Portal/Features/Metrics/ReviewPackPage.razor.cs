using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using MudBlazor;
using Portal.Shared;
using Portal.Shared.Metrics;

namespace Portal.Features.Metrics;

/// <summary>The WBR (<c>/metrics/wbr?week=2026-W47</c>) and the MBR (<c>/metrics/mbr?month=2026-11</c>): read, page through, export, print.</summary>
public sealed partial class ReviewPackPage
{
    [Inject] private ReviewPackService Packs { get; set; } = default!;
    [Inject] private MetricsService Metrics { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private IJSRuntime Js { get; set; } = default!;

    [SupplyParameterFromQuery] public string? Week { get; set; }
    [SupplyParameterFromQuery] public string? Month { get; set; }

    /// <summary>Set by tests; loaded from the address otherwise.</summary>
    [Parameter] public ReviewPack? Pack { get; set; }

    private string? _error;
    private List<BreadcrumbItem> _crumbs = [];

    private string Kind => Pack?.Kind ?? (Navigation.ToBaseRelativePath(Navigation.Uri).StartsWith("metrics/mbr", StringComparison.OrdinalIgnoreCase) ? "MBR" : "WBR");

    protected override async Task OnParametersSetAsync()
    {
        _crumbs = [new("Metrics", "/metrics"), new(Kind, null, disabled: true)];
        if (Pack is not null && Pack.Period.Name == (Kind == "WBR" ? Week : Month))
        {
            return;
        }
        try
        {
            Pack = Kind == "WBR" ? await Packs.WbrAsync(Week) : await Packs.MbrAsync(Month);
            _error = null;
        }
        catch (ValidationException e)
        {
            (_error, Pack) = (e.Messages, null);
        }
    }

    private string Link(int step)
    {
        var p = Pack!;
        return p.Kind == "WBR"
            ? $"/metrics/wbr?week={ReportingCalendar.Shift(p.Period, step, Metrics.Zone).Name}"
            : $"/metrics/mbr?month={ReportingCalendar.ShiftMonths(p.Period, step, Metrics.Zone).Name}";
    }

    private string Export(string format, string? table = null)
    {
        var p = Pack!;
        var kind = p.Kind.ToLowerInvariant();
        return $"/api/metrics/{kind}/{format}?{(p.Kind == "WBR" ? "week" : "month")}={p.Period.Name}{(table is null ? "" : $"&table={table}")}";
    }

    /// <summary>Red when a "lower is better" figure rose or a "higher is better" one fell.</summary>
    private static string ChangeClass(SummaryRow row)
    {
        if (row.ChangePercent is not { } c || c == 0)
        {
            return "";
        }
        var higherIsBetter = row.Unit == "%" && !row.Metric.StartsWith("Recurrence", StringComparison.Ordinal);
        return (c > 0) == higherIsBetter ? "change-good" : "change-bad";
    }

    /// <summary>An instant as a day and time in the reporting zone, where the period's boundaries are midnights.</summary>
    private static string InZone(DateTimeOffset instant, string zone) =>
        NodaTime.Instant.FromDateTimeOffset(instant).InZone(Shared.Admin.TimeZones.GetOrUtc(zone)).ToString("ddd d MMM yyyy HH:mm", System.Globalization.CultureInfo.InvariantCulture);

    private async Task PrintAsync() => await Js.InvokeVoidAsync("print");
}
