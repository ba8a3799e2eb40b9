using Microsoft.AspNetCore.Components;
using Portal.Components.Layout;

namespace Portal.Features.OnCall;

public partial class OnCallPage : IDisposable
{
    /// <summary>Re-read at least this often, so overrides made elsewhere show up without a reload.</summary>
    private static readonly TimeSpan Refresh = TimeSpan.FromMinutes(1);

    private List<OnCallNow>? _rows;
    private List<OverrideView> _overrides = [];
    private DateTimeOffset _at;
    private ITimer? _timer;

    [Inject] private OnCallService OnCall { get; set; } = default!;
    [Inject] private ShellState Shell { get; set; } = default!;
    [Inject] private TimeProvider Clock { get; set; } = default!;

    private IEnumerable<OnCallNow> Visible => (_rows ?? []).Where(r => Shell.Region is null || r.Region is null || r.Region == Shell.Region);

    protected override async Task OnInitializedAsync()
    {
        Shell.Changed += OnShellChanged;
        await LoadAsync();
    }

    private async Task LoadAsync()
    {
        _at = Clock.GetUtcNow();
        _rows = await OnCall.OnCallAsync(null, null, _at);
        _overrides = await OnCall.OverridesAsync(null, _at, null);
        if (RendererInfo.IsInteractive)
        {
            // One timer per page: fire at the next handoff on any schedule, or after the refresh period.
            var next = _rows.Where(r => r.Person is not null).Select(r => r.Person!.Until).Where(u => u > _at).DefaultIfEmpty(_at + Refresh).Min();
            var due = next - _at < Refresh ? next - _at + TimeSpan.FromSeconds(1) : Refresh;
            _timer?.Dispose();
            _timer = Clock.CreateTimer(_ => _ = InvokeAsync(async () =>
            {
                await LoadAsync();
                StateHasChanged();
            }), null, due, Timeout.InfiniteTimeSpan);
        }
    }

    private void OnShellChanged() => _ = InvokeAsync(StateHasChanged);

    public void Dispose()
    {
        Shell.Changed -= OnShellChanged;
        _timer?.Dispose();
    }
}
