using System.Security.Claims;
using Portal.Shared;
using Portal.Shared.Alerts;
using Portal.Features.Directory;

namespace Portal.Features.Alerts;

public partial class IntegrationsPage
{
    private IReadOnlyList<IntegrationView> _integrations = [];
    private IReadOnlyList<ServiceView> _services = [];
    private IntegrationKey? _shown;
    private ClaimsPrincipal _user = new();
    private string? _name;
    private string _kind = "events-v2";
    private string? _service;
    private string? _region;
    private bool _autoResolve = true;
    private IntegrationView? _editing;
    private string? _severityMap;
    private string? _labelMap;
    private bool _editAutoResolve;
    private bool _editVerify;

    private void Edit(IntegrationView integration)
    {
        _editing = integration;
        _severityMap = IntegrationMappings.Format(integration.SeverityMap);
        _labelMap = IntegrationMappings.Format(integration.LabelMap);
        (_editAutoResolve, _editVerify) = (integration.AutoResolve, integration.VerifySignatures);
    }

    private async Task SaveSettingsAsync()
    {
        try
        {
            var saved = await Service.UpdateAsync(_user, _editing!.Id, new IntegrationSettings(_severityMap, _labelMap, _editAutoResolve, _editVerify));
            Snackbar.Add($"{saved.Name}: severity {IntegrationMappings.Format(saved.SeverityMap)}; labels {IntegrationMappings.Format(saved.LabelMap)}.", MudBlazor.Severity.Success);
            _editing = null;
            _integrations = await Service.ListAsync();
        }
        catch (ValidationException ex)
        {
            Snackbar.Add(ex.Messages, MudBlazor.Severity.Warning);
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _services = await People.ServicesAsync();
        _integrations = await Service.ListAsync();
    }

    private async Task CreateAsync()
    {
        try
        {
            _shown = await Service.CreateAsync(_user, new NewIntegration(_name, _kind, _service, Region: _region, AutoResolve: _autoResolve));
            _name = null;
            _integrations = await Service.ListAsync();
        }
        catch (ValidationException ex)
        {
            Snackbar.Add(ex.Messages, MudBlazor.Severity.Warning);
        }
    }

    private async Task RotateAsync(IntegrationView integration)
    {
        try
        {
            _shown = await Service.RotateKeyAsync(_user, integration.Id);
            _integrations = await Service.ListAsync();
        }
        catch (Exception ex) when (ex is ConflictException or NotFoundException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    private async Task ToggleAsync(IntegrationView integration)
    {
        await Service.SetEnabledAsync(_user, integration.Id, !integration.Enabled);
        _integrations = await Service.ListAsync();
        Snackbar.Add($"{integration.Name} {(integration.Enabled ? "disabled: its key opens nothing now" : "enabled")}.", MudBlazor.Severity.Info);
    }

    /// <summary>Where to point the monitor, with the key in place.</summary>
    private string Hint(IntegrationView integration, string key) => integration.Kind switch
    {
        "events-v2" => $"Send Events API v2 to {Navigation.BaseUri}v2/enqueue with routing_key {key} (Alertmanager: pagerduty_configs with url: {Navigation.BaseUri}v2/enqueue).",
        "alertmanager" => $"Alertmanager webhook_configs url: {Navigation.BaseUri}api/integrations/alertmanager/{key}",
        _ => $"Subscribe the SNS topic over HTTPS to {Navigation.BaseUri}api/integrations/cloudwatch/{key}; the subscription is confirmed by itself.",
    };
}
