namespace Portal.Shared.Live;

/// <summary>
/// The kinds of things people look at, each with a presence of its own (numbers are per kind): the default
/// <see cref="IPresence"/> is the incidents'; the cases' is the keyed service <see cref="Cases"/>.
/// </summary>
public static class PresenceSpaces
{
    public const string Incidents = "incidents";
    public const string Cases = "cases";
}

/// <summary>Someone looking at an incident (or a case) right now.</summary>
public sealed record Viewer(string Handle, string Name, bool Typing);

/// <summary>
/// Who has which incident open, and who is typing a comment. In memory on one node; shared through Redis when the
/// portal is scaled out, behind the same interface.
/// </summary>
public interface IPresence
{
    /// <summary>Raised with the incident number whenever its viewers change.</summary>
    event Action<long>? Changed;

    /// <summary>Marks a person as looking at an incident until the returned handle is disposed.</summary>
    IDisposable Join(long number, string handle, string name);

    /// <summary>Marks a person as typing a comment on an incident, for a few seconds.</summary>
    void Typing(long number, string handle);

    /// <summary>The distinct people looking at an incident, by name.</summary>
    IReadOnlyList<Viewer> Viewers(long number);

    /// <summary>How many distinct people look at each of the incidents (absent when none).</summary>
    IReadOnlyDictionary<long, int> Counts(IEnumerable<long> numbers);
}
