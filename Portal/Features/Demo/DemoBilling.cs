using System.Collections.Concurrent;
using Microsoft.EntityFrameworkCore;
using Portal.Features.Alerts;
using Portal.Features.Automation;
using Portal.Infrastructure.Data;
using Portal.Shared.Alerts;
using Portal.Shared.OnCall;

namespace Portal.Features.Demo;

/// <summary>
/// The demo billing service the demo actions call, hosted by the demo portal itself: it checks each request's
/// portal signature (401 otherwise), answers like a real service, and after a renderer restart its probe sees the
/// renderer healthy and resolves the alert, so the self-healing loop closes as it would in production.
/// </summary>
public static class DemoBilling
{
    public const string Path = "/demo/billing";
    private static readonly ConcurrentDictionary<string, DateTimeOffset> Replayed = new();

    /// <summary>Where the demo actions point: this portal's own address (the first of its configured URLs).</summary>
    public static string BaseUrl(IConfiguration configuration)
    {
        var first = (configuration["urls"] ?? configuration["ASPNETCORE_URLS"] ?? "http://localhost:5080").Split(';', StringSplitOptions.RemoveEmptyEntries)[0];
        var uri = new UriBuilder(first.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal)
            .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal));
        uri.Host = uri.Host == "localhost" ? "127.0.0.1" : uri.Host;
        return uri.Uri.GetLeftPart(UriPartial.Authority) + Path;
    }

    public static void Map(WebApplication app)
    {
        var billing = app.MapGroup(Path).AllowAnonymous().ExcludeFromDescription();
        billing.MapPost("/renderer/restart", (HttpContext http, IServiceScopeFactory scopes, CancellationToken ct) => SignedAsync(http, scopes, region =>
        {
            // The probe checks the renderer a few seconds later and finds it healthy: it resolves its alert, as a monitor would.
            _ = ResolveProbeAsync(scopes, region);
            return Results.Ok(new { restarted = region, pods = 3 });
        }, ct));
        billing.MapPost("/renderer/restore", (HttpContext http, IServiceScopeFactory scopes, CancellationToken ct) =>
            SignedAsync(http, scopes, region => Results.Ok(new { restored = region, release = "2026.11.3" }), ct));
        billing.MapPost("/settlements/{batch:long}/replay", (HttpContext http, IServiceScopeFactory scopes, long batch, CancellationToken ct) => SignedAsync(http, scopes, _ =>
        {
            Replayed[batch.ToString(System.Globalization.CultureInfo.InvariantCulture)] = DateTimeOffset.UtcNow;
            return Results.Ok(new { batch, replayed = true });
        }, ct));
        billing.MapGet("/settlements/{batch:long}", (long batch) =>
            Replayed.ContainsKey(batch.ToString(System.Globalization.CultureInfo.InvariantCulture)) ? Results.Ok(new { batch, settled = true }) : Results.StatusCode(503));
        billing.MapPost("/promotions/cache/purge", (HttpContext http, IServiceScopeFactory scopes, CancellationToken ct) =>
            SignedAsync(http, scopes, region => Results.Ok(new { purged = region, entries = 18_204 }), ct));
    }

    private static async Task<IResult> SignedAsync(HttpContext http, IServiceScopeFactory scopes, Func<string, IResult> answer, CancellationToken ct)
    {
        using var reader = new StreamReader(http.Request.Body);
        var body = await reader.ReadToEndAsync(ct);
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync(ct);
        var secret = await SigningSecrets.GetAsync(db, scope.ServiceProvider.GetRequiredService<AutomationOptions>(), ct);
        if (!WebhookSignature.Verify(secret, http.Request.Headers["X-Portal-Signature"].ToString(), body, scope.ServiceProvider.GetRequiredService<TimeProvider>().GetUtcNow(),
            TimeSpan.FromMinutes(5)))
        {
            return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unsigned", detail: "The request's X-Portal-Signature does not check.");
        }
        var region = System.Text.Json.JsonDocument.Parse(body.Length == 0 ? "{}" : body).RootElement.TryGetProperty("region", out var r) ? r.GetString() ?? "EU" : "EU";
        return answer(region);
    }

    private static async Task ResolveProbeAsync(IServiceScopeFactory scopes, string region)
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        await using var scope = scopes.CreateAsyncScope();
        await using var db = await scope.ServiceProvider.GetRequiredService<IDbContextFactory<PortalDbContext>>().CreateDbContextAsync();
        if (await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Name == DemoAutomationSeeder.ProbeName) is { } probe)
        {
            await scope.ServiceProvider.GetRequiredService<AlertIngestion>().SubmitAsync(probe,
                [new AlertEvent(AlertAction.Resolve, $"renderer-{region.ToLowerInvariant()}", "Invoice PDFs render again")], CancellationToken.None);
        }
    }

    /// <summary>Demo traffic's renderer step: the probe finds the renderer wedged, unless its alert is already open.</summary>
    public static async Task WedgeAsync(IServiceProvider services, PortalDbContext db, CancellationToken cancellationToken)
    {
        if (await db.Integrations.AsNoTracking().FirstOrDefaultAsync(i => i.Name == DemoAutomationSeeder.ProbeName, cancellationToken) is not { } probe
            || await db.Alerts.AnyAsync(a => a.IntegrationId == probe.Id && a.OpenKey != null, cancellationToken))
        {
            return;
        }
        await services.GetRequiredService<AlertIngestion>().SubmitAsync(probe,
        [
            new AlertEvent(AlertAction.Trigger, "renderer-jp", "Invoice PDFs fail to render in Japan", "renderer-probe", "error",
                new Dictionary<string, string> { ["class"] = DemoAutomationSeeder.RendererClass, ["component"] = "pdf-renderer" }),
        ], cancellationToken);
    }
}
