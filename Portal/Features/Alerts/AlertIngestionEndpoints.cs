using System.Globalization;
using System.Text;
using Portal.Shared.Alerts;

namespace Portal.Features.Alerts;

/// <summary>
/// Where monitors page the portal. Each endpoint validates, checks the key and its rate, hands the events to
/// <see cref="AlertIngestion"/>, and answers only after they are committed.
/// </summary>
public static class AlertIngestionEndpoints
{
    private const string RetryAfterBusy = "1";
    private const string RetryAfterDown = "5";
    private static readonly string[] TooLarge = ["The event is over 512 KB."];

    public static void MapAlertIngestion(this WebApplication app)
    {
        app.MapPost("/v2/enqueue", EnqueueAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Alert ingestion")
            .WithSummary("PagerDuty Events API v2: trigger, acknowledge and resolve alerts with an events-v2 integration's key as routing_key.");
        app.MapPost("/api/integrations/alertmanager/{key}", AlertmanagerAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Alert ingestion")
            .WithSummary("Prometheus Alertmanager's webhook (version 4), with an alertmanager integration's key in the path.");
        app.MapPost("/api/integrations/cloudwatch/{key}", CloudWatchAsync)
            .AllowAnonymous()
            .DisableAntiforgery()
            .WithTags("Alert ingestion")
            .WithSummary("CloudWatch alarms through an SNS HTTPS subscription: confirms the subscription, then ALARM triggers and OK resolves.");
    }

    private static async Task<IResult> CloudWatchAsync(
        HttpContext http, string key, IntegrationService integrations, AlertIngestion ingestion, IngestionRateLimiter limiter, SnsGateway sns)
    {
        var ct = http.RequestAborted;
        var integration = await integrations.FindByKeyAsync(key, ct);
        if (integration is null || integration.Kind != IntegrationKind.CloudWatch)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown integration key.",
                detail: "No enabled CloudWatch integration has this key; check the subscription's endpoint.");
        }
        // SNS posts JSON as text/plain, so the content type is not checked here.
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large.", detail: "The message is over 512 KB.");
        }
        var reading = CloudWatchSns.Read(body);
        if (reading.Message is not { } message)
        {
            return BadInput([.. reading.Errors]);
        }
        if (!limiter.TryTake(key))
        {
            return Throttled(http);
        }
        try
        {
            if (integration.VerifySignatures && !await sns.IsAuthenticAsync(message, ct))
            {
                return Results.Problem(statusCode: StatusCodes.Status403Forbidden, title: "Signature does not verify.",
                    detail: "The message's signature does not match SNS's certificate; nothing was done.");
            }
            if (message.Type == SnsMessageType.SubscriptionConfirmation)
            {
                await sns.ConfirmAsync(message, ct);
                return Results.Ok(new { status = "confirmed", topic = message.TopicArn });
            }
        }
        catch (SnsUnreachableException ex)
        {
            http.Response.Headers.RetryAfter = RetryAfterDown;
            return Results.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "SNS unreachable.", detail: ex.Message);
        }
        if (reading.Alarm is not { Action: { } action } alarm)
        {
            // Unsubscribe confirmations and INSUFFICIENT_DATA change nothing.
            return Results.Ok(new { status = "ignored" });
        }
        var labels = new Dictionary<string, string>(StringComparer.Ordinal) { ["alarm"] = alarm.AlarmName, ["state"] = alarm.NewStateValue };
        if (alarm.Region is not null)
        {
            labels["aws_region"] = alarm.Region;
        }
        var summary = alarm.AlarmDescription is { Length: > 0 } description ? $"{alarm.AlarmName}: {description}" : alarm.AlarmName;
        var e = new AlertEvent(action, alarm.AlarmArn, summary, alarm.Region, null, labels, Details: alarm.NewStateReason, Payload: message.Message);
        return await SubmitAsync(http, ingestion, integration, [e], results => Results.Ok(new
        {
            status = "success",
            outcome = results[0].Outcome.ToString(),
            incident = results[0].IncidentNumber is { } n ? Shared.Incidents.IncidentNumber.Format(n) : null,
        }));
    }

    private static async Task<IResult> AlertmanagerAsync(HttpContext http, string key, IntegrationService integrations, AlertIngestion ingestion, IngestionRateLimiter limiter)
    {
        var ct = http.RequestAborted;
        var integration = await integrations.FindByKeyAsync(key, ct);
        if (integration is null || integration.Kind != IntegrationKind.Alertmanager)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown integration key.",
                detail: "No enabled Alertmanager integration has this key; check the webhook URL.");
        }
        if (!IsJson(http.Request))
        {
            return BadInput("The body must be JSON (Content-Type: application/json).");
        }
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Too large.", detail: "The notification is over 512 KB.");
        }
        var reading = AlertmanagerWebhook.Read(body);
        if (reading.Notification is not { } notification)
        {
            return BadInput([.. reading.Errors]);
        }
        if (notification.Alerts.Count == 0)
        {
            return Results.Ok(new { status = "success", alerts = 0 });
        }
        if (!limiter.TryTake(key, notification.Alerts.Count))
        {
            return Throttled(http);
        }
        var events = notification.Alerts.Select(a => new AlertEvent(
            a.Firing ? AlertAction.Trigger : AlertAction.Resolve, a.Fingerprint, a.Summary, a.Labels.GetValueOrDefault("instance") ?? notification.Receiver,
            a.Labels.GetValueOrDefault("severity"), a.Labels, notification.GroupKey, Details(a, notification),
            System.Text.Json.JsonSerializer.Serialize(a))).ToList();
        return await SubmitAsync(http, ingestion, integration, events, results => Results.Ok(new
        {
            status = "success",
            alerts = results.Count,
            incidents = results.Where(r => r.IncidentNumber is not null).Select(r => Shared.Incidents.IncidentNumber.Format(r.IncidentNumber!.Value)).Distinct(),
        }));
    }

    /// <summary>Hands events to the writer and answers once they are committed: 429 when full, 503 when not stored.</summary>
    private static async Task<IResult> SubmitAsync(
        HttpContext http, AlertIngestion ingestion, Integration integration, IReadOnlyList<AlertEvent> events, Func<IReadOnlyList<AlertResult>, IResult> success)
    {
        try
        {
            return success(await ingestion.SubmitAsync(integration, events, http.RequestAborted));
        }
        catch (IngestionBusyException)
        {
            return Throttled(http);
        }
        catch (IngestionFailedException)
        {
            http.Response.Headers.RetryAfter = RetryAfterDown;
            return Results.Json(new { status = "unavailable", message = "The events could not be stored; nothing was written. Retry shortly." },
                statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }

    private static IResult BadInput(params string[] errors) =>
        Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "The notification is invalid.", detail: string.Join(" ", errors),
            extensions: new Dictionary<string, object?> { ["errors"] = errors });

    private static string Details(AlertmanagerAlert alert, AlertmanagerNotification notification)
    {
        var text = new StringBuilder();
        if (alert.Annotations.GetValueOrDefault("description") is { } description)
        {
            text.Append(description).Append("\n\n");
        }
        text.Append("Labels: ").Append(string.Join(", ", alert.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).Select(l => $"`{l.Key}={l.Value}`"))).Append('\n');
        var runbook = alert.Annotations.GetValueOrDefault("runbook_url") ?? notification.CommonAnnotations.GetValueOrDefault("runbook_url");
        foreach (var (label, url) in new[] { ("Runbook", runbook), ("Source", alert.GeneratorUrl), ("Alertmanager", notification.ExternalUrl) })
        {
            if (url is not null && Uri.TryCreate(url, UriKind.Absolute, out _))
            {
                text.Append(CultureInfo.InvariantCulture, $"\n- [{label}]({url})");
            }
        }
        return text.ToString();
    }

    private static async Task<IResult> EnqueueAsync(HttpContext http, IntegrationService integrations, AlertIngestion ingestion, IngestionRateLimiter limiter)
    {
        var ct = http.RequestAborted;
        if (!IsJson(http.Request))
        {
            return InvalidEvent("The body must be JSON (Content-Type: application/json)");
        }
        var body = await ReadBodyAsync(http.Request, ct);
        if (body is null)
        {
            return Results.Json(new { status = "invalid event", message = "Event object is invalid", errors = TooLarge }, statusCode: StatusCodes.Status413PayloadTooLarge);
        }
        var reading = EventsV2.Read(body);
        if (reading.Event is not { } e)
        {
            return InvalidEvent([.. reading.Errors]);
        }
        var integration = await integrations.FindByKeyAsync(e.RoutingKey, ct);
        if (integration is null || integration.Kind != IntegrationKind.EventsV2)
        {
            return InvalidEvent("'routing_key' is not the key of an enabled Events API v2 integration");
        }
        if (!limiter.TryTake(e.RoutingKey))
        {
            return Throttled(http);
        }
        var dedupKey = e.DedupKey ?? EventsV2.NewDedupKey();
        var alert = new AlertEvent(e.Action, dedupKey, e.Summary ?? dedupKey, e.Source, e.Severity, Labels(e), Details: Details(e),
            Payload: Encoding.UTF8.GetString(body));
        return await SubmitAsync(http, ingestion, integration, [alert],
            _ => Results.Json(new { status = "success", message = "Event processed", dedup_key = dedupKey }, statusCode: StatusCodes.Status202Accepted));
    }

    private static IResult InvalidEvent(params string[] errors) =>
        Results.Json(new { status = "invalid event", message = "Event object is invalid", errors }, statusCode: StatusCodes.Status400BadRequest);

    private static IResult Throttled(HttpContext http)
    {
        http.Response.Headers.RetryAfter = RetryAfterBusy;
        return Results.Json(new { status = "throttle event", message = "Requests for this integration are arriving too quickly. Please retry later." },
            statusCode: StatusCodes.Status429TooManyRequests);
    }

    private static bool IsJson(HttpRequest request) =>
        request.ContentType is { } type && type.Split(';')[0].Trim().Equals("application/json", StringComparison.OrdinalIgnoreCase);

    /// <summary>The body, or null when it is over the 512 KB limit (read no further than that).</summary>
    private static async Task<byte[]?> ReadBodyAsync(HttpRequest request, CancellationToken ct)
    {
        if (request.ContentLength > EventsV2.MaxBodyBytes)
        {
            return null;
        }
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, ct)) > 0)
        {
            if (buffer.Length + read > EventsV2.MaxBodyBytes)
            {
                return null;
            }
            buffer.Write(chunk, 0, read);
        }
        return buffer.ToArray();
    }

    private static Dictionary<string, string> Labels(EventsV2Event e)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in new[] { ("source", e.Source), ("component", e.Component), ("group", e.Group), ("class", e.Class), ("severity", e.Severity) })
        {
            if (!string.IsNullOrEmpty(value))
            {
                labels[name] = value;
            }
        }
        return labels;
    }

    /// <summary>The incident description a new alert brings: where it comes from, its details and links, as Markdown.</summary>
    private static string Details(EventsV2Event e)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Alert from **{e.Client ?? e.Source}**");
        if (e.Component is not null || e.Class is not null)
        {
            text.Append(CultureInfo.InvariantCulture, $" ({string.Join(", ", new[] { e.Component, e.Class }.Where(x => x is not null))})");
        }
        text.Append(".\n");
        if (e.CustomDetails is not null)
        {
            text.Append("\n```json\n").Append(e.CustomDetails).Append("\n```\n");
        }
        foreach (var link in e.Links.Concat(e.ClientUrl is null ? [] : [new AlertLink(e.ClientUrl, e.Client)]))
        {
            text.Append(CultureInfo.InvariantCulture, $"\n- [{link.Text ?? link.Href}]({link.Href})");
        }
        return text.ToString();
    }
}
