using System.Security.Claims;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using MudBlazor;
using Portal.Components.Layout;
using Portal.Infrastructure.Auth;
using Portal.Shared;
using Portal.Shared.Live;
using Portal.Shared.OnCall;

namespace Portal.Features.Notifications;

public sealed partial class NotificationsPage
{
    [Inject] private NotificationService Notifications { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private ILiveFeed Feed { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private AuthenticationStateProvider AuthState { get; set; } = default!;

    private sealed class Draft
    {
        public ChannelKind Kind { get; set; } = ChannelKind.Slack;
        public string? Name { get; set; }
        public string? Target { get; set; }
        public bool ForTeam { get; set; }
    }

    private ClaimsPrincipal _user = new();
    private List<NotificationView> _items = [];
    private List<ChannelView> _channels = [];
    private Draft _draft = new();
    private string? _error;
    private (string Channel, string Value)? _secret;
    private IDisposable? _subscription;

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        await LoadAsync();
        if (RendererInfo.IsInteractive && _user.GetPersonId() is { } me)
        {
            var topic = LiveNotice.ForPerson(me);
            _subscription = Feed.SubscribeNotices(n => n.Topic == topic && n.Kind != NotificationService.ReadKind
                ? new ValueTask(InvokeAsync(async () =>
                {
                    _items = await Notifications.ListAsync(_user, limit: 100);
                    StateHasChanged();
                }))
                : ValueTask.CompletedTask);
        }
    }

    private async Task LoadAsync()
    {
        _items = await Notifications.ListAsync(_user, limit: 100);
        _channels = await Notifications.ChannelsAsync(_user);
    }

    private async Task Read(NotificationView n)
    {
        if (!n.Read)
        {
            await Notifications.MarkReadAsync(_user, n.Id);
            _items = await Notifications.ListAsync(_user, limit: 100);
        }
    }

    private async Task MarkAllRead()
    {
        await Notifications.MarkReadAsync(_user, null);
        _items = await Notifications.ListAsync(_user, limit: 100);
    }

    private async Task Add()
    {
        (_error, _secret) = (null, null);
        try
        {
            var added = await Notifications.AddChannelAsync(_user, new ChannelRequest(_draft.Kind, _draft.Name, _draft.Target, _draft.ForTeam ? Shell.Me?.TeamSlug : null));
            Snackbar.Add($"Channel \"{added.Name}\" added.", MudBlazor.Severity.Success);
            _secret = added.Secret is { } value ? (added.Name, value) : null;
            _draft = new Draft { Kind = _draft.Kind };
            _channels = await Notifications.ChannelsAsync(_user);
        }
        catch (ValidationException ex)
        {
            _error = ex.Messages;
        }
        catch (AccessDeniedException ex)
        {
            _error = ex.Message;
        }
    }

    private async Task Remove(ChannelView channel)
    {
        try
        {
            await Notifications.DeleteChannelAsync(_user, channel.Id);
            _channels = await Notifications.ChannelsAsync(_user);
        }
        catch (Exception ex) when (ex is AccessDeniedException or NotFoundException)
        {
            Snackbar.Add(ex.Message, MudBlazor.Severity.Warning);
        }
    }

    public void Dispose() => _subscription?.Dispose();
}
