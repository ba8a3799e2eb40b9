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

    public ValidationException(string field, string message)
        : this(new Dictionary<string, string[]> { [field] = [message] })
    {
    }
}
