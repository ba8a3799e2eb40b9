using System.ClientModel;
using Microsoft.Extensions.AI;
using OllamaSharp;

namespace Portal.Features.Intelligence;

/// <summary>The <c>AI:ChatClient</c> section: a chat model the operator chooses to use; none by default.</summary>
public sealed class ChatClientOptions
{
    /// <summary>"openai" (any OpenAI-compatible endpoint) or "ollama".</summary>
    public string Kind { get; set; } = "openai";

    /// <summary>The endpoint's base URL ("http://localhost:11434" for Ollama, "https://…/v1" for OpenAI-compatible); none is no chat model.</summary>
    public string? Endpoint { get; set; }

    public string? Model { get; set; }
    public string? ApiKey { get; set; }

    /// <summary>How long a draft waits for the model before it falls back to the offline draft.</summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(20);
}

/// <summary>
/// The configured chat model, if any: an <see cref="IChatClient"/> from DI (tests, or a host that registers one) or
/// built from <c>AI:ChatClient</c>. Drafts and the assistant use it only through here, with its timeout.
/// </summary>
public sealed class ChatModel(IChatClient? client, string? name, TimeSpan timeout)
{
    // Built once: disposing a pipeline disposes the client inside it, which every request shares.
    private readonly IChatClient? _withTools = client is null ? null
        : new ChatClientBuilder(client).UseFunctionInvocation(configure: f => f.MaximumIterationsPerRequest = 6).Build();

    public bool Configured => client is not null;
    public string? Name => client is null ? null : name ?? "chat model";
    public TimeSpan Timeout => timeout;
    public IChatClient? Client => client;

    /// <summary>The same model with function invocation: the tools a request passes are called, and their results sent back.</summary>
    public IChatClient? WithTools => _withTools;

    public static ChatModel From(IServiceProvider services, ChatClientOptions? options)
    {
        options ??= new ChatClientOptions();
        if (services.GetService<IChatClient>() is { } registered)
        {
            return new ChatModel(registered, options.Model, options.Timeout);
        }
        if (string.IsNullOrWhiteSpace(options.Endpoint) || string.IsNullOrWhiteSpace(options.Model))
        {
            return new ChatModel(null, null, options.Timeout);
        }
        var endpoint = new Uri(options.Endpoint);
        IChatClient built = options.Kind.Equals("ollama", StringComparison.OrdinalIgnoreCase)
            ? new OllamaApiClient(endpoint, options.Model)
            : new OpenAI.Chat.ChatClient(options.Model, new ApiKeyCredential(options.ApiKey ?? "none"), new OpenAI.OpenAIClientOptions { Endpoint = endpoint })
                .AsIChatClient();
        return new ChatModel(built, $"{options.Kind}:{options.Model}", options.Timeout);
    }
}
