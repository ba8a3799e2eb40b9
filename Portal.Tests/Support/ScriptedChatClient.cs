using Microsoft.Extensions.AI;

namespace Portal.Tests.Support;

/// <summary>
/// A chat model for tests: answers each call with what <see cref="Answer"/> returns for the messages it was sent, and
/// keeps every message it was sent, to check what left the node.
/// </summary>
public sealed class ScriptedChatClient : IChatClient
{
    private readonly List<string> _sent = [];
    private bool _disposed;

    public Func<IReadOnlyList<ChatMessage>, CancellationToken, Task<string>> Answer { get; set; } = (_, _) => Task.FromResult("");

    /// <summary>When set, the whole answer (tool calls included) instead of <see cref="Answer"/>'s text.</summary>
    public Func<IReadOnlyList<ChatMessage>, ChatMessage>? Reply { get; set; }

    /// <summary>Every message text sent so far, in order.</summary>
    public IReadOnlyList<string> Sent
    {
        get
        {
            lock (_sent)
            {
                return [.. _sent];
            }
        }
    }

    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        // A real client is unusable once disposed (its HTTP client is gone): so is this one.
        ObjectDisposedException.ThrowIf(_disposed, this);
        var list = messages.ToList();
        lock (_sent)
        {
            _sent.AddRange(list.Select(m => m.Text + string.Concat(m.Contents.OfType<FunctionResultContent>().Select(r => r.Result?.ToString()))));
        }
        return new ChatResponse(Reply is { } reply ? reply(list) : new ChatMessage(ChatRole.Assistant, await Answer(list, cancellationToken)));
    }

    public IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null,
        CancellationToken cancellationToken = default) => throw new NotSupportedException("The portal does not stream drafts.");

    public object? GetService(Type serviceType, object? serviceKey = null) => null;

    public void Dispose() => _disposed = true;
}
