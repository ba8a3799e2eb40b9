namespace Portal.Shared;

/// <summary>The caller may not do this. The message says what was refused, in words.</summary>
public sealed class AccessDeniedException(string message) : Exception(message);

/// <summary>The thing asked for does not exist.</summary>
public sealed class NotFoundException(string message) : Exception(message);

/// <summary>Input that breaks a rule; <see cref="Errors"/> names each field and why.</summary>
public sealed class ValidationException(IReadOnlyDictionary<string, string[]> errors)
    : Exception("The input is invalid: " + string.Join(" ", errors.SelectMany(e => e.Value)))
{
    public IReadOnlyDictionary<string, string[]> Errors { get; } = errors;

    /// <summary>Every problem, in words, one after another: what a form shows its person.</summary>
    public string Messages => string.Join(" ", Errors.SelectMany(e => e.Value));

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}

/// <summary>
/// The change collides with what someone else just did (or with the current state). The message says what happened,
/// in words, so the person can decide again.
/// </summary>
public class ConflictException(string message) : Exception(message)
{
    /// <summary>The problem's title in an API answer.</summary>
    public virtual string Title => "Conflict.";

    /// <summary>What else the API answer carries for the client to decide again (e.g. the other person's changes).</summary>
    public virtual IReadOnlyDictionary<string, object?> Details { get; } = new Dictionary<string, object?>();
}
