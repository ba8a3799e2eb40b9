using Microsoft.AspNetCore.Components;
using Portal.Components.Common;
using Portal.Infrastructure.Auth;
using Portal.Shared.Team;

namespace Portal.Features.Team;

public partial class OneOnOnesPanel
{
    [Parameter, EditorRequired] public string Handle { get; set; } = "";
    [Parameter] public Relation Relation { get; set; }

    private IReadOnlyList<SeriesView>? _series;
    private System.Security.Claims.ClaimsPrincipal _user = new();
    private string? _me;
    private int _cadence = 14;
    private readonly Dictionary<int, string?> _agenda = [];
    private readonly Dictionary<int, string?> _action = [];
    private readonly Dictionary<int, string?> _owner = [];
    private readonly Dictionary<int, string?> _notes = [];
    private readonly Dictionary<int, string?> _private = [];

    protected override async Task OnInitializedAsync()
    {
        _user = (await AuthState.GetAuthenticationStateAsync()).User;
        _me = _user.GetHandle();
        await Snackbar.TryAsync(async () => Show(await OneOnOnes.ListAsync(_user, Handle)));
    }

    private void Show(IReadOnlyList<SeriesView> series)
    {
        _series = series;
        foreach (var s in series)
        {
            _agenda.TryAdd(s.Id, null);
            _action.TryAdd(s.Id, null);
            _owner.TryAdd(s.Id, s.Report);
            if (s.Next is { } next)
            {
                _notes[next.Id] = next.SharedNotes;
                _private[next.Id] = next.PrivateNote;
            }
        }
    }

    private void Replace(SeriesView view) => Show([.. _series!.Select(s => s.Id == view.Id ? view : s)]);

    private Task StartAsync() => Snackbar.TryAsync(async () =>
    {
        await OneOnOnes.StartAsync(_user, Handle, new SeriesInput(_cadence, null));
        Show(await OneOnOnes.ListAsync(_user, Handle));
    }, "1:1 series started.");

    private Task AddAsync(SeriesView s, OneOnOneItemKind kind) => Snackbar.TryAsync(async () =>
    {
        var input = kind == OneOnOneItemKind.Agenda ? new ItemInput(_agenda[s.Id], null) : new ItemInput(_action[s.Id], _owner[s.Id]);
        Replace(await OneOnOnes.AddItemAsync(_user, s.Id, kind, input));
        (kind == OneOnOneItemKind.Agenda ? _agenda : _action)[s.Id] = null;
    });

    private Task DoneAsync(int item, bool done) => Snackbar.TryAsync(async () => Replace(await OneOnOnes.SetDoneAsync(_user, item, done)));

    private Task SaveNotesAsync(MeetingView m) => Snackbar.TryAsync(async () =>
    {
        Replace(await OneOnOnes.SaveSharedNotesAsync(_user, m.Id, new NotesInput(_notes[m.Id], m.Version)));
    }, "Notes saved.");

    private Task SavePrivateAsync(MeetingView m) => Snackbar.TryAsync(async () =>
    {
        Replace(await OneOnOnes.SavePrivateNoteAsync(_user, m.Id, _private[m.Id]));
    }, "Private notes saved.");

    private Task CompleteAsync(MeetingView m) => Snackbar.TryAsync(async () =>
    {
        Replace(await OneOnOnes.CompleteAsync(_user, m.Id));
    }, "Marked held; the next 1:1 is scheduled.");
}
