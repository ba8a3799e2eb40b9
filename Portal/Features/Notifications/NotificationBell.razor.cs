using Microsoft.AspNetCore.Components;
using Portal.Infrastructure.Auth;
using Portal.Shared.Live;

namespace Portal.Features.Notifications;

public partial class NotificationBell
{
    private int _unread;
    private IDisposable? _subscription;
    private System.Security.Claims.ClaimsPrincipal? _user;

    private string Label => _unread == 0 ? "Notifications" : $"Notifications ({_unread} unread)";

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        if (_user.GetPersonId() is not { } me)
        {
            return;
        }
        _unread = await Notifications.UnreadCountAsync(_user);
        if (!RendererInfo.IsInteractive)
        {
            return;
        }
        var topic = LiveNotice.ForPerson(me);
        _subscription = Feed.SubscribeNotices(notice => notice.Topic == topic ? new ValueTask(InvokeAsync(() => Show(notice))) : ValueTask.CompletedTask);
    }

    private async Task Show(LiveNotice notice)
    {
        _unread = await Notifications.UnreadCountAsync(_user!);
        if (notice.Kind == NotificationService.ReadKind)
        {
            StateHasChanged();
            return;
        }
        Snackbar.Add(notice.Text, notice.Kind == "page" ? MudBlazor.Severity.Error : MudBlazor.Severity.Info, options =>
        {
            options.VisibleStateDuration = notice.Kind == "page" ? 20_000 : 8_000;
            if (notice.Link is { } link)
            {
                options.Action = "Open";
                options.OnClick = _ =>
                {
                    Navigation.NavigateTo(link);
                    return Task.CompletedTask;
                };
            }
        }, key: $"{notice.Topic}:{notice.Kind}:{notice.Text}");
        StateHasChanged();
    }

    public void Dispose() => _subscription?.Dispose();
}
