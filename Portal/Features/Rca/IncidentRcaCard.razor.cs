using Portal.Shared;

namespace Portal.Features.Rca;

public partial class IncidentRcaCard
{
    private List<RcaSummary> _rcas = [];
    private List<RcaSummary> _recurredAfter = [];
    private long? _loaded;

    protected override async Task OnParametersSetAsync()
    {
        if (_loaded != Incident.Number)
        {
            _loaded = Incident.Number;
            _rcas = await Rcas.ListAsync(incident: Incident.Key);
            _recurredAfter = await Rcas.RecurredAfterAsync(Incident.Number);
        }
    }

    /// <summary>Starts the RCA of this incident and opens it.</summary>
    private async Task StartAsync()
    {
        try
        {
            var user = (await AuthState.GetAuthenticationStateAsync()).User;
            var created = await Rcas.CreateAsync(user, new RcaCreate(null, [Incident.Key]));
            Navigation.NavigateTo($"/rca/{created.Id}");
        }
        catch (Exception ex) when (ex is ValidationException or ConflictException or AccessDeniedException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
        }
    }

    private string Due()
    {
        if (Rcas.DueAt(Incident.Severity, Incident.ResolvedAt) is not { } due)
        {
            return "";
        }
        var days = (int)Math.Ceiling((due - Clock.GetUtcNow()).TotalDays);
        return days < 0 ? "RCA overdue" : $"RCA due in {days} day(s)";
    }
}
