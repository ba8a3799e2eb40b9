using Microsoft.AspNetCore.Components;
using MudBlazor;

namespace Portal.Features.Runbooks;

public partial class RunbookHistoryPage
{
    [Parameter] public string Slug { get; set; } = "";

    private string _title = "";
    private List<RevisionView> _revisions = [];
    private List<DiffLine> _diff = [];
    private int _from;
    private int _to;
    private List<BreadcrumbItem> _crumbs = [];

    protected override async Task OnParametersSetAsync()
    {
        try
        {
            var (rb, _) = await Runbooks.GetAsync(Slug);
            _title = rb.Title;
            _revisions = await Runbooks.RevisionsAsync(Slug);
        }
        catch (Portal.Shared.NotFoundException)
        {
            Navigation.NotFound();
            return;
        }
        _crumbs = [new("Runbooks", "/runbooks"), new(_title, $"/runbooks/{Slug}"), new("History", null, disabled: true)];
        _to = _revisions[0].Number;
        _from = _revisions.Count > 1 ? _revisions[1].Number : _to;
        _diff = await Runbooks.DiffAsync(Slug, _from, _to);
    }

    private async Task PickAsync(int from, int to)
    {
        (_from, _to) = (from, to);
        _diff = await Runbooks.DiffAsync(Slug, _from, _to);
    }

    private async Task RestoreAsync(int number)
    {
        var user = (await AuthState.GetAuthenticationStateAsync()).User;
        try
        {
            var restored = await Runbooks.RestoreAsync(user, Slug, number);
            Snackbar.Add($"Revision {number} is back, as revision {restored.Revision}.", MudBlazor.Severity.Success);
            await OnParametersSetAsync();
        }
        catch (RunbookConflictException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }
}
