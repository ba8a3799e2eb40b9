using Microsoft.AspNetCore.Components;
using MudBlazor;
using Portal.Shared;

namespace Portal.Features.Team;

public partial class RecordPanel
{
    private static readonly int[] Periods = [30, 90, 180, 365];

    [Parameter, EditorRequired] public string Handle { get; set; } = "";

    /// <summary>Set by tests (and by the page after loading).</summary>
    [Parameter] public OperationalRecord? Record { get; set; }

    /// <summary>A given period (a review's): no period choice.</summary>
    [Parameter] public bool FixedPeriod { get; set; }

    private int _days = 90;
    private string? _error;
    private string[] _labels = [];
    private List<ChartSeries<double>> _severity = [];
    private List<ChartSeries<double>> _load = [];
    private List<ChartSeries<double>> _pages = [];
    private List<ChartSeries<double>> _response = [];

    protected override async Task OnInitializedAsync()
    {
        if (Record is null)
        {
            await LoadAsync();
        }
    }

    protected override void OnParametersSet() => Chart();

    private async Task PeriodAsync(int days)
    {
        _days = days;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        var now = Clock.GetUtcNow();
        try
        {
            Record = await Records.RecordAsync(user, Handle, now.AddDays(-_days), now);
            _error = null;
        }
        catch (Exception e) when (e is NotFoundException or ValidationException)
        {
            _error = e is ValidationException v ? v.Messages : e.Message;
        }
        Chart();
    }

    private void Chart()
    {
        if (Record is not { } r)
        {
            return;
        }
        // Every week has a bar; a label on every one only while they fit.
        var every = Math.Max(1, (int)Math.Ceiling(r.Weeks.Count / 13.0));
        _labels = [.. r.Weeks.Select((w, i) => i % every == 0 ? w.Start.ToString("d MMM") : "")];
        _severity = [.. r.Weeks.SelectMany(w => w.BySeverity.Keys).Distinct().Order()
            .Select(s => new ChartSeries<double> { Name = s.ToString(), Data = new ChartData<double>([.. r.Weeks.Select(w => (double)w.BySeverity.GetValueOrDefault(s))]) })];
        _load = [new() { Name = "On-call hours", Data = new ChartData<double>([.. r.Weeks.Select(w => w.OnCallHours)]) }];
        _pages = [new() { Name = "Off-hours pages", Data = new ChartData<double>([.. r.Weeks.Select(w => (double)w.OffHoursPages)]) }];
        _response =
        [
            new() { Name = "MTTA", Data = new ChartData<double>([.. r.Weeks.Select(w => w.MttaMinutes ?? 0)]) },
            new() { Name = "MTTR", Data = new ChartData<double>([.. r.Weeks.Select(w => w.MttrMinutes ?? 0)]) },
        ];
    }

    private static bool IsEmpty(OperationalRecord r) =>
        r.Handled == 0 && r.Commanded == 0 && r.OnCallHours == 0 && r.Pages == 0 && r.RcasAuthored == 0 && r.ActionItemsClosed == 0;
}
