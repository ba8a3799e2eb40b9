using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Shared;
using Portal.Shared.OnCall;

namespace Portal.Features.OnCall;

/// <summary>
/// Managers edit a schedule or an escalation policy as the same JSON document the REST API takes, checked by the same
/// service: one set of rules, every problem named, nothing half-saved.
/// </summary>
public sealed partial class AsCodeEditorPage
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true, Converters = { new JsonStringEnumConverter() }, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    [Parameter] public int? Id { get; set; }
    [Inject] private OnCallService OnCall { get; set; } = default!;
    [Inject] private EscalationPolicyService Escalation { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private bool _policy;
    private bool _loaded;
    private bool _confirmDelete;
    private string _text = "";
    private string _name = "";
    private List<string> _errors = [];
    private List<BreadcrumbItem> _crumbs = [];
    private ClaimsPrincipal _user = new();

    private string Title => (_policy ? "Escalation policy" : "Schedule") + (Id is null ? ": new" : $": {_name}");

    private string BackTo => _policy ? "/oncall/escalation-policies" : Id is { } id ? $"/oncall/schedules/{id}" : "/oncall";

    protected override async Task OnParametersSetAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _policy = Navigation.ToBaseRelativePath(Navigation.Uri).StartsWith("oncall/escalation-policies", StringComparison.Ordinal);
        try
        {
            _text = (_policy, Id) switch
            {
                (true, { } id) => Text(await Escalation.GetAsync(id)),
                (true, null) => JsonSerializer.Serialize(new EscalationPolicyDocument("New policy", null, null, 0,
                    [new LevelDocument(15, [new TargetDocument(EscalationTargetKind.Schedule, (await OnCall.ListAsync()).FirstOrDefault()?.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "")])], []), Json),
                (false, { } id) => Text(await OnCall.GetAsync(id)),
                _ => JsonSerializer.Serialize(new ScheduleDocument("New schedule", null, null, false,
                    [new LayerDocument("Primary", [], RotationKind.Weekly, null, "09:00", "Europe/Dublin", DateTime.UtcNow.ToString("yyyy-MM-dd", null), [])]), Json),
            };
        }
        catch (NotFoundException)
        {
            Navigation.NotFound();
            return;
        }
        _crumbs = [new("On call", "/oncall"), _policy ? new("Escalation policies", "/oncall/escalation-policies") : new("Schedules", "/oncall"), new(Id is null ? "New" : _name, null, disabled: true)];
        _loaded = true;
    }

    private string Text(ScheduleView view)
    {
        _name = view.Name;
        return JsonSerializer.Serialize(new ScheduleDocument(view.Name, view.Team, view.Description, view.SwapsNeedApproval, view.Layers, view.Version), Json);
    }

    private string Text(EscalationPolicyView view)
    {
        _name = view.Name;
        var levels = view.Levels.Select(l => l with { Targets = [.. (l.Targets ?? []).Select(t => t with { Name = null })] }).ToList();
        return JsonSerializer.Serialize(new EscalationPolicyDocument(view.Name, view.Team, view.Description, view.Repeat, levels, view.Services, view.Version), Json);
    }

    private async Task SaveAsync()
    {
        _errors = [];
        try
        {
            if (_policy)
            {
                var document = JsonSerializer.Deserialize<EscalationPolicyDocument>(_text, Json) ?? throw new JsonException("The document is empty.");
                var saved = Id is { } id ? await Escalation.UpdateAsync(_user, id, document) : await Escalation.CreateAsync(_user, document);
                Snackbar.Add($"Saved \"{saved.Name}\" (version {saved.Version}).", MudBlazor.Severity.Success);
                Navigation.NavigateTo("/oncall/escalation-policies");
            }
            else
            {
                var document = JsonSerializer.Deserialize<ScheduleDocument>(_text, Json) ?? throw new JsonException("The document is empty.");
                var saved = Id is { } id ? await OnCall.UpdateAsync(_user, id, document) : await OnCall.CreateAsync(_user, document);
                Snackbar.Add($"Saved \"{saved.Name}\" (version {saved.Version}).", MudBlazor.Severity.Success);
                Navigation.NavigateTo($"/oncall/schedules/{saved.Id}");
            }
        }
        catch (JsonException ex)
        {
            _errors = [$"The document is not valid JSON{(ex.LineNumber is { } line ? $" (line {line + 1})" : "")}: {ex.Message.Split(" Path:")[0]}"];
        }
        catch (ValidationException ex)
        {
            _errors = [.. ex.Errors.SelectMany(e => e.Value.Select(m => $"{e.Key}: {m}"))];
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException or NotFoundException)
        {
            _errors = [ex.Message];
        }
    }

    private async Task DeleteAsync()
    {
        if (!_confirmDelete)
        {
            _confirmDelete = true;
            return;
        }
        try
        {
            if (_policy)
            {
                await Escalation.DeleteAsync(_user, Id!.Value);
            }
            else
            {
                await OnCall.DeleteAsync(_user, Id!.Value);
            }
            Snackbar.Add($"Deleted \"{_name}\".", MudBlazor.Severity.Info);
            Navigation.NavigateTo(_policy ? "/oncall/escalation-policies" : "/oncall");
        }
        catch (Exception ex) when (ex is ConflictException or AccessDeniedException or NotFoundException)
        {
            _errors = [ex.Message];
            _confirmDelete = false;
        }
    }
}
