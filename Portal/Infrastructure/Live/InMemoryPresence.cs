using Portal.Shared.Live;

namespace Portal.Infrastructure.Live;

/// <summary>Presence within one node.</summary>
public sealed class InMemoryPresence(TimeProvider clock) : IPresence
{
    /// <summary>How long "is typing" lasts after the last keystroke signal.</summary>
    public static readonly TimeSpan TypingFor = TimeSpan.FromSeconds(4);

    private sealed record Entry(string Handle, string Name);

    private readonly Lock _lock = new();
    private readonly Dictionary<long, Dictionary<Guid, Entry>> _open = [];
    private readonly Dictionary<(long, string), DateTimeOffset> _typing = [];

    public event Action<long>? Changed;

    public IDisposable Join(long number, string handle, string name)
    {
        var key = Guid.NewGuid();
        lock (_lock)
        {
            if (!_open.TryGetValue(number, out var entries))
            {
                _open[number] = entries = [];
            }
            entries[key] = new Entry(handle, name);
        }
        Changed?.Invoke(number);
        return new Leave(this, number, key);
    }

    public void Typing(long number, string handle)
    {
        lock (_lock)
        {
            _typing[(number, handle)] = clock.GetUtcNow() + TypingFor;
        }
        Changed?.Invoke(number);
    }

    public IReadOnlyList<Viewer> Viewers(long number)
    {
        var now = clock.GetUtcNow();
        lock (_lock)
        {
            if (!_open.TryGetValue(number, out var entries))
            {
                return [];
            }
            return [.. entries.Values
                .DistinctBy(e => e.Handle)
                .OrderBy(e => e.Name, StringComparer.Ordinal)
                .Select(e => new Viewer(e.Handle, e.Name, _typing.TryGetValue((number, e.Handle), out var until) && until > now))];
        }
    }

    /// <summary>The incidents someone on this node is looking at.</summary>
    public IReadOnlyList<long> Numbers()
    {
        lock (_lock)
        {
            return [.. _open.Keys];
        }
    }

    public IReadOnlyDictionary<long, int> Counts(IEnumerable<long> numbers)
    {
        var result = new Dictionary<long, int>();
        lock (_lock)
        {
            foreach (var number in numbers)
            {
                if (_open.TryGetValue(number, out var entries) && entries.Count > 0)
                {
                    result[number] = entries.Values.Select(e => e.Handle).Distinct().Count();
                }
            }
        }
        return result;
    }

    private void Remove(long number, Guid key)
    {
        lock (_lock)
        {
            if (_open.TryGetValue(number, out var entries) && entries.Remove(key, out var entry))
            {
                if (!entries.Values.Any(e => e.Handle == entry.Handle))
                {
                    _typing.Remove((number, entry.Handle));
                }
                if (entries.Count == 0)
                {
                    _open.Remove(number);
                }
            }
        }
        Changed?.Invoke(number);
    }

    private sealed class Leave(InMemoryPresence presence, long number, Guid key) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                presence.Remove(number, key);
            }
        }
    }
}
