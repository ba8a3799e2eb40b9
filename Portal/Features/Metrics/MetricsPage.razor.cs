using Microsoft.AspNetCore.Components;
using Portal.Components.Layout;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Features.Directory;

namespace Portal.Features.Metrics;

/// <summary>The KPI dashboard: every figure for a period and filters, weekly trends, and a way into the incidents behind each.</summary>
public sealed partial class MetricsPage
{
    [Inject] private MetricsService Metrics { get; set; } = default!;
    [Inject] private IEnumerable<MetricsPanel> Panels { get; set; } = default!;
    [Inject] private PeopleService People { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    /// <summary>Set by tests; the page loads it otherwise.</summary>
    [Parameter] public MetricsAnswer? Answer { get; set; }

    private IReadOnlyList<TeamView> _teams = [];
    private IReadOnlyList<ServiceView> _services = [];
    private int _days = 28;
    private string? _region;
    private string? _team;
    private string? _service;
    private string? _severity;
    private string? _error;
    private DateTimeOffset _to;

    protected override async Task OnInitializedAsync()
    {
        _teams = await People.TeamsAsync();
        _services = await People.ServicesAsync();
        if (Answer is null)
        {
            await LoadAsync();
        }
        else
        {
            _to = Answer.Figures.To;
        }
    }

    private async Task DaysAsync(int days)
    {
        _days = days;
        await LoadAsync();
    }

    private async Task FilterAsync(Action set)
    {
        set();
        await LoadAsync();
    }

    private MetricsFilter Filter => new(Regions.TryParse(_region, out var r) ? r : null, _team, _service,
        _severity is null ? null : [Enum.Parse<Severity>(_severity)]);

    private async Task LoadAsync()
    {
        _to = Clock.GetUtcNow();
        try
        {
            Answer = await MetricsModule.AnswerAsync(Metrics, _to.AddDays(-_days), _to, Filter, CancellationToken.None);
            _error = null;
        }
        catch (ValidationException e)
        {
            _error = e.Messages;
        }
    }

    /// <summary>The incidents behind a figure: the queue, all statuses, triggered in the period, with the same filters.</summary>
    private string Drill(string extra = "") =>
        $"/incidents?status=all&from={ReviewPackService.Iso(Answer!.Figures.From)}&to={ReviewPackService.Iso(Answer.Figures.To)}{Filters()}{extra}";

    private string Csv(string table) =>
        $"/api/metrics/csv?table={table}&from={Uri.EscapeDataString(ReviewPackService.Iso(Answer!.Figures.From))}&to={Uri.EscapeDataString(ReviewPackService.Iso(Answer.Figures.To))}{Filters()}";

    private string Filters() =>
        (_region is null ? "" : $"&region={_region}") + (_team is null ? "" : $"&team={_team}") + (_service is null ? "" : $"&service={_service}") + (_severity is null ? "" : $"&severity={_severity}");

    internal static string Percent(double? percent) => percent is { } p ? $"{p:0.#}%" : "—";
}
