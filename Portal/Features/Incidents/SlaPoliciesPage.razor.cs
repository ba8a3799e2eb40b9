using Portal.Infrastructure.Auth;
using System.Security.Claims;
using Portal.Shared;

namespace Portal.Features.Incidents;

public partial class SlaPoliciesPage
{
    private List<Row> _rows = [];
    private ClaimsPrincipal _user = new();
    private bool _canEdit;

    private sealed class Row(SlaPolicyView saved)
    {
        public SlaPolicyView Saved { get; set; } = saved;
        public Severity Severity => Saved.Severity;
        public int? Acknowledge { get; set; } = saved.AcknowledgeMinutes;
        public int? Mitigate { get; set; } = saved.MitigateMinutes;
        public bool Changed => Acknowledge != Saved.AcknowledgeMinutes || Mitigate != Saved.MitigateMinutes;

        public void Reset() => (Acknowledge, Mitigate) = (Saved.AcknowledgeMinutes, Saved.MitigateMinutes);
    }

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _canEdit = _user.HasPortalRole(Portal.Shared.Team.PortalRole.Admin);
        _rows = [.. (await Policies.ListAsync()).Select(p => new Row(p))];
    }

    private async Task SaveAsync(Row row)
    {
        try
        {
            row.Saved = await Policies.UpdateAsync(_user, row.Severity, new SlaPolicyChange(row.Acknowledge, row.Mitigate));
            row.Reset();
            Snackbar.Add($"{row.Severity}: acknowledge {Human(row.Acknowledge) ?? "no clock"}, mitigate {Human(row.Mitigate) ?? "no clock"}. Open incidents use it now.", MudBlazor.Severity.Success);
        }
        catch (ValidationException ex)
        {
            Snackbar.Add(ex.Messages, MudBlazor.Severity.Warning);
        }
        catch (AccessDeniedException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Error);
        }
    }

    private static string? Human(int? minutes) => Durations.Target(minutes);
}
