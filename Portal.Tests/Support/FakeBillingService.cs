using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Portal.Shared.OnCall;

namespace Portal.Tests.Support;

/// <summary>How the fake invoice renderer behaves.</summary>
public enum RendererMode
{
    Healthy,

    /// <summary>Wedged: health answers 503 until a restart fixes it.</summary>
    Broken,

    /// <summary>Wedged, and a restart does not help (the action succeeds, the check does not).</summary>
    StaysBroken,

    /// <summary>A restart takes longer than any action's timeout.</summary>
    Slow,
}

/// <summary>
/// A billing service on a loopback port (real Kestrel): an invoice renderer that can be healthy, broken, fixed by a
/// restart, broken again (flapping) or slow. It checks each request's portal signature and records what it was sent.
/// </summary>
public sealed class FakeBillingService : IAsyncDisposable
{
    private readonly WebApplication _app;

    private FakeBillingService(WebApplication app) => _app = app;

    public RendererMode Mode { get; set; } = RendererMode.Broken;

    /// <summary>The signing secret the portal signs with; requests whose signature does not check are refused with 401.</summary>
    public string? Secret { get; set; }

    public string BaseUrl { get; private set; } = "";

    /// <summary>Each request: path, body, idempotency key, whether its signature checked.</summary>
    public ConcurrentQueue<(string Path, string Body, string? IdempotencyKey, bool Signed)> Requests { get; } = new();

    public int Restarts => Requests.Count(r => r.Path == "/renderer/restart" && r.Signed);

    public static async Task<FakeBillingService> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var service = new FakeBillingService(app);
        app.MapPost("/renderer/restart", (Delegate)service.RestartAsync);
        app.MapPost("/renderer/restore", (Delegate)service.RecordAsync);
        app.MapGet("/renderer/health", () => service.Mode == RendererMode.Healthy ? Results.Ok(new { status = "ok" }) : Results.StatusCode(503));
        await app.StartAsync(TestContext.Current.CancellationToken);
        service.BaseUrl = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First().Replace("localhost", "127.0.0.1", StringComparison.Ordinal);
        return service;
    }

    private async Task<IResult> RestartAsync(HttpContext http)
    {
        var result = await RecordAsync(http);
        if (Mode == RendererMode.Slow)
        {
            await Task.Delay(TimeSpan.FromSeconds(30), http.RequestAborted);
        }
        if (Mode == RendererMode.Broken && Requests.Last().Signed)
        {
            Mode = RendererMode.Healthy;
        }
        return result;
    }

    private async Task<IResult> RecordAsync(HttpContext http)
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(http.RequestAborted);
        var signature = http.Request.Headers["X-Portal-Signature"].ToString();
        var signed = Secret is { } secret && WebhookSignature.Verify(secret, signature, body, DateTimeOffset.UtcNow, TimeSpan.FromDays(365));
        Requests.Enqueue((http.Request.Path, body, http.Request.Headers["Idempotency-Key"].ToString(), signed));
        return signed ? Results.Ok(new { done = true, token = "secret=hunter2" }) : Results.Unauthorized();
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
