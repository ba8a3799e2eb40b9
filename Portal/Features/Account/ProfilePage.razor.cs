using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Shared;
using Portal.Shared.Admin;
using Portal.Features.Directory;

namespace Portal.Features.Account;

public partial class ProfilePage : IDisposable
{
    private IReadOnlyList<ApiTokenView> _tokens = [];
    private CreatedApiToken? _created;
    private string? _newName;
    private string? _nameError;
    private int _expiry = 90;
    private string? _zone;
    private bool _dark;
    private ClaimsPrincipal _user = new();

    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private PeopleService People { get; set; } = default!;
    [Inject] private ApiTokenService Tokens { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        Shell.Changed += OnShellChanged;
        // The layout loads the viewer once per circuit; only a direct first render gets here before it.
        if (Shell.Me is null)
        {
            Shell.SetMe(await People.MeAsync(_user));
        }
        (_zone, _dark) = (Shell.Me?.DisplayTimeZone, Shell.DarkMode);
        _tokens = await Tokens.ListMineAsync(_user);
    }

    private void OnShellChanged()
    {
        _zone = Shell.Me?.DisplayTimeZone;
        _dark = Shell.DarkMode;
        _ = InvokeAsync(StateHasChanged);
    }

    private static Task<IEnumerable<string>> SearchZones(string? text, CancellationToken cancellationToken) =>
        Task.FromResult(string.IsNullOrWhiteSpace(text)
            ? TimeZones.Canonical.AsEnumerable()
            : TimeZones.Canonical.Where(z => z.Contains(text.Trim().Replace(' ', '_'), StringComparison.OrdinalIgnoreCase)));

    private async Task SavePreferences()
    {
        var zone = string.IsNullOrWhiteSpace(_zone) ? null : _zone.Trim();
        try
        {
            await People.SetPreferencesAsync(_user, zone, _dark);
            Shell.SetPreferences(zone, _dark);
            Snackbar.Add(zone is null ? "Saved. Times show in your own zone." : $"Saved. Times show in {zone}.", MudBlazor.Severity.Success);
        }
        catch (ValidationException ex)
        {
            Snackbar.Add(ex.Messages, MudBlazor.Severity.Error);
        }
    }

    private async Task CreateToken()
    {
        _nameError = null;
        try
        {
            _created = await Tokens.CreateAsync(_user, _newName, _expiry == 0 ? null : _expiry);
            _newName = null;
            _tokens = await Tokens.ListMineAsync(_user);
        }
        catch (ValidationException ex)
        {
            _nameError = ex.Messages;
        }
    }

    private async Task Revoke(ApiTokenView token)
    {
        var confirmed = await Dialogs.ShowMessageBoxAsync(
            "Revoke token?",
            $"Scripts using '{token.Name}' will get 401 from now on. This cannot be undone.",
            yesText: "Revoke", cancelText: "Cancel");
        if (confirmed != true)
        {
            return;
        }
        try
        {
            await Tokens.RevokeAsync(_user, token.Id);
            Snackbar.Add($"Revoked '{token.Name}'.", MudBlazor.Severity.Success);
        }
        catch (NotFoundException ex)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
        if (_created?.Token.Id == token.Id)
        {
            _created = null;
        }
        _tokens = await Tokens.ListMineAsync(_user);
    }

    public void Dispose() => Shell.Changed -= OnShellChanged;
}
