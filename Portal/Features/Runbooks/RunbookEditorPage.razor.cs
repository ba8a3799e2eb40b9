using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Infrastructure.Web;
using Portal.Shared;

namespace Portal.Features.Runbooks;

/// <summary>
/// Writing a runbook: Markdown beside its live preview (rendered exactly as readers will see it), metadata, and a
/// revision message. A save names the revision the edit started from; if someone saved since, nothing is written and
/// their changes are shown.
/// </summary>
public sealed partial class RunbookEditorPage
{
    [Parameter] public string? Slug { get; set; }

    [Inject] private RunbookService Runbooks { get; set; } = default!;
    [Inject] private MarkdownRenderer Markdown { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private sealed class Form
    {
        public string? Title { get; set; }
        public string? Slug { get; set; }
        public string Body { get; set; } = "";
        public string? Services { get; set; }
        public string? AlertClasses { get; set; }
        public string? Labels { get; set; }
        public string? Tags { get; set; }
        public string? Team { get; set; }
        public int ReviewIntervalDays { get; set; } = 90;
        public string? Message { get; set; }
    }

    private Form _form = new();
    private string _title = "";
    private string _preview = "";
    private int? _baseRevision;
    private bool _loaded;
    private List<string> _errors = [];
    private RunbookConflictException? _conflict;
    private List<BreadcrumbItem> _crumbs = [];
    private ClaimsPrincipal _user = new();

    protected override async Task OnParametersSetAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        if (Slug is not null)
        {
            try
            {
                var (rb, _) = await Runbooks.GetAsync(Slug);
                _form = new Form
                {
                    Title = rb.Title, Slug = rb.Slug, Body = rb.Body, Services = Join(rb.Services), AlertClasses = Join(rb.AlertClasses), Labels = Join(rb.Labels),
                    Tags = Join(rb.Tags), Team = rb.Team, ReviewIntervalDays = rb.ReviewIntervalDays,
                };
                (_title, _baseRevision) = (rb.Title, rb.Revision);
            }
            catch (NotFoundException)
            {
                Navigation.NotFound();
                return;
            }
        }
        else
        {
            _form.Body = "Short description: what is wrong and who it hurts.\n\n## Check\n\n1. \n\n## Act\n\n- [ ] \n\n## Escalate\n\n";
        }
        _preview = Markdown.ToSafeDocument(_form.Body).Html;
        _crumbs = Slug is null
            ? [new("Runbooks", "/runbooks"), new("New", null, disabled: true)]
            : [new("Runbooks", "/runbooks"), new(_title, $"/runbooks/{Slug}"), new("Edit", null, disabled: true)];
        _loaded = true;
    }

    /// <summary>The preview follows every keystroke (one render on the server per input event).</summary>
    public void OnBodyInput(ChangeEventArgs e)
    {
        _form.Body = e.Value?.ToString() ?? "";
        _preview = Markdown.ToSafeDocument(_form.Body).Html;
    }

    private async Task SaveAsync()
    {
        _errors = [];
        _conflict = null;
        var document = new RunbookDocument(_form.Title, string.IsNullOrWhiteSpace(_form.Slug) ? null : _form.Slug, _form.Body, Split(_form.Services),
            Split(_form.AlertClasses), Split(_form.Labels), Split(_form.Tags), _form.Team, _form.ReviewIntervalDays, _baseRevision, _form.Message);
        try
        {
            var saved = Slug is null ? await Runbooks.CreateAsync(_user, document) : await Runbooks.UpdateAsync(_user, Slug, document);
            Snackbar.Add($"Saved \"{saved.Title}\" as revision {saved.Revision}.", MudBlazor.Severity.Success);
            Navigation.NavigateTo($"/runbooks/{saved.Slug}");
        }
        catch (RunbookConflictException ex)
        {
            _conflict = ex;
        }
        catch (ValidationException ex)
        {
            _errors = [.. ex.Errors.SelectMany(e => e.Value)];
        }
        catch (Exception ex) when (ex is NotFoundException or AccessDeniedException)
        {
            _errors = [ex.Message];
        }
    }

    private static string Join(List<string> values) => string.Join(", ", values);

    private static List<string> Split(string? text) => [.. (text ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)];
}
