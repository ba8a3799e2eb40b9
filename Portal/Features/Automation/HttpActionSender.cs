using System.Net.Http.Headers;
using System.Text;
using Microsoft.EntityFrameworkCore;
using Portal.Infrastructure.Data;
using Portal.Shared.Automation;
using Portal.Shared.OnCall;

namespace Portal.Features.Automation;

/// <summary>The HMAC secret HTTP actions are signed with: configured, or made once, kept in the settings row and shown to admins.</summary>
public static class SigningSecrets
{
    public static async Task<string> GetAsync(PortalDbContext db, AutomationOptions options, CancellationToken cancellationToken)
    {
        if (!string.IsNullOrEmpty(options.SigningSecret))
        {
            return options.SigningSecret;
        }
        var settings = await db.AutomationSettings.FirstOrDefaultAsync(s => s.Id == 1, cancellationToken);
        if (settings?.SigningSecret is { } kept)
        {
            return kept;
        }
        if (settings is null)
        {
            settings = new AutomationSettings { Id = 1 };
            db.AutomationSettings.Add(settings);
        }
        (settings.SigningSecret, settings.Version) = (WebhookSignature.NewSecret(), settings.Version + 1);
        try
        {
            await db.SaveChangesAsync(cancellationToken);
            return settings.SigningSecret;
        }
        catch (DbUpdateException)
        {
            // Another node made it first: theirs is the one.
            db.ChangeTracker.Clear();
            return (await db.AutomationSettings.AsNoTracking().FirstAsync(s => s.Id == 1, cancellationToken)).SigningSecret!;
        }
    }
}

/// <summary>What came of sending a run or checking it.</summary>
public sealed record SendResult(RunState State, string Output);

/// <summary>
/// Sends an HTTP action's request: signed (<c>X-Portal-Signature: t=…,v1=…</c>, HMAC-SHA256 over "&lt;unix seconds&gt;.&lt;body&gt;"), with
/// the run's idempotency key, only to addresses the operator allows, never following a redirect, never retried (the
/// receiver may have acted), within the action's timeout.
/// </summary>
public sealed class HttpActionSender(IHttpClientFactory clients, TimeProvider clock)
{
    public const string ClientName = "automation";
    private const int MaxBody = 64 * 1024;

    public async Task<SendResult> SendAsync(ActionRun run, ActionPlan plan, int timeoutSeconds, string secret, CancellationToken cancellationToken)
    {
        var body = plan.Body ?? "";
        using var request = new HttpRequestMessage(new HttpMethod(plan.Method!), plan.Url);
        foreach (var (name, value) in plan.Headers)
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }
        if (plan.Body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        }
        request.Headers.Add("X-Portal-Signature", WebhookSignature.Header(secret, clock.GetUtcNow(), body));
        request.Headers.Add("X-Portal-Run", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add("Idempotency-Key", run.IdempotencyKey);
        var secrets = plan.Headers.Values.Append(secret);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(timeoutSeconds));
        try
        {
            using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            var text = await ReadAsync(response, timeout.Token);
            var output = RunOutput.Summarize($"HTTP {(int)response.StatusCode} {response.ReasonPhrase}\n{text}", secrets);
            return new(response.IsSuccessStatusCode ? RunState.Succeeded : RunState.Failed, output);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new(RunState.TimedOut, $"No answer within {timeoutSeconds} s from {plan.Url}.");
        }
        catch (HttpRequestException e)
        {
            return new(RunState.Failed, RunOutput.Summarize($"{plan.Method} {plan.Url} failed: {e.Message}", secrets));
        }
    }

    /// <summary>The verify step's HTTP check: true when the GET answers with the expected status.</summary>
    public async Task<(bool Held, string What)> CheckAsync(string url, int expectStatus, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(10));
        try
        {
            using var response = await clients.CreateClient(ClientName).GetAsync(url, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
            return ((int)response.StatusCode == expectStatus, $"GET {url} answered {(int)response.StatusCode} (expected {expectStatus})");
        }
        catch (Exception e) when (e is HttpRequestException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return (false, $"GET {url} failed: {(e is OperationCanceledException ? "no answer within 10 s" : e.Message)}");
        }
    }

    private static async Task<string> ReadAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken);
        var buffer = new byte[MaxBody];
        var read = 0;
        int n;
        while (read < buffer.Length && (n = await stream.ReadAsync(buffer.AsMemory(read), cancellationToken)) > 0)
        {
            read += n;
        }
        return Encoding.UTF8.GetString(buffer, 0, read);
    }
}
