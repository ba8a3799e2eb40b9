using MudBlazor;
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

    /// <summary>"15 min", "4 h", "1 d 2 h 30 min"; null for no clock.</summary>
    private static string? Human(int? minutes)
    {
        if (minutes is not { } m || m <= 0)
        {
            return null;
        }
        var span = TimeSpan.FromMinutes(m);
        var parts = new[] { (span.Days, "d"), (span.Hours, "h"), (span.Minutes, "min") }.Where(p => p.Item1 > 0).Select(p => $"{p.Item1} {p.Item2}");
        return string.Join(" ", parts);
    }
}
