using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Portal.Shared;

namespace Portal.Infrastructure.Web;

/// <summary>
/// Turns the domain's exceptions into problem+json with a sentence a person can act on. Anything else is a 500
/// whose body names the trace id, never the stack trace.
/// </summary>
internal sealed class PortalExceptionHandler(IProblemDetailsService problems, ILogger<PortalExceptionHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext httpContext, Exception exception, CancellationToken cancellationToken)
    {
        var traceId = Activity.Current?.Id ?? httpContext.TraceIdentifier;
        ProblemDetails problem = exception switch
        {
            ValidationException v => new ValidationProblemDetails(v.Errors.ToDictionary(e => e.Key, e => e.Value))
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request has invalid fields.",
            },
            AccessDeniedException a => new ProblemDetails { Status = StatusCodes.Status403Forbidden, Title = "Not allowed.", Detail = a.Message },
            ConflictException c => Conflict(c),
            NotFoundException n => new ProblemDetails { Status = StatusCodes.Status404NotFound, Title = "Not found.", Detail = n.Message },
            BadHttpRequestException { InnerException: JsonException json } => new ValidationProblemDetails(new Dictionary<string, string[]>
            {
                [JsonField(json.Path)] = [$"The value at {json.Path ?? "$"} could not be read: {Reason(json)}"],
            })
            {
                Status = StatusCodes.Status400BadRequest,
                Title = "The request body is not valid JSON for this call.",
            },
            BadHttpRequestException b => new ValidationProblemDetails(new Dictionary<string, string[]> { [ParameterName(b.Message)] = [b.Message] })
            {
                Status = b.StatusCode, Title = "The request could not be read.", Detail = b.Message,
            },
            _ when IsDatabaseUnavailable(exception) => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "The database is unreachable.",
                Detail = "Nothing was changed. Try again in a few seconds.",
            },
            _ => new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Something went wrong on the server.",
                Detail = $"It was logged with trace id {traceId}.",
            },
        };
        if (problem.Status == StatusCodes.Status500InternalServerError)
        {
            logger.LogError(exception, "Unhandled exception on {Method} {Path}", httpContext.Request.Method, httpContext.Request.Path);
        }
        else if (problem.Status == StatusCodes.Status503ServiceUnavailable)
        {
            httpContext.Response.Headers.RetryAfter = RetryAfterSeconds;
            logger.LogWarning("The database was unreachable on {Method} {Path}: {Reason}", httpContext.Request.Method, httpContext.Request.Path, exception.GetBaseException().Message);
        }
        problem.Extensions["traceId"] = traceId;
        httpContext.Response.StatusCode = problem.Status ?? 500;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = httpContext, ProblemDetails = problem, Exception = exception });
    }

    private const string RetryAfterSeconds = "5";

    /// <summary>
    /// A database restarting, failing over or briefly out of reach: the driver marks such errors transient (EF wraps
    /// them). The caller should retry; a 500 would say the portal is broken.
    /// </summary>
    internal static bool IsDatabaseUnavailable(Exception exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            if (e is System.Data.Common.DbException { IsTransient: true } or TimeoutException)
            {
                return true;
            }
        }
        return false;
    }

    /// <summary>
    /// The field a binding failure names: <c>Failed to bind parameter "int id" from "abc".</c> → "id"; "body" when the
    /// message names none.
    /// </summary>
    private static string ParameterName(string message)
    {
        var match = System.Text.RegularExpressions.Regex.Match(message, "parameter \"(?:[^\"]* )?([A-Za-z_][A-Za-z0-9_]*)\"");
        return match.Success ? match.Groups[1].Value : "body";
    }

    /// <summary>What the reader said, without its position (already named), or a hint when it said nothing useful.</summary>
    private static string Reason(JsonException json)
    {
        var message = json.Message;
        var at = message.IndexOf(" Path:", StringComparison.Ordinal);
        message = at >= 0 ? message[..at] : message;
        return message.StartsWith("The JSON value could not be converted", StringComparison.Ordinal) || message.Length == 0
            ? "check its type and allowed values."
            : message;
    }

    /// <summary>"$.severity" → "severity"; "$.tags[2]" → "tags".</summary>
    private static string JsonField(string? path)
    {
        var field = (path ?? "$").TrimStart('$', '.');
        var bracket = field.IndexOf('[', StringComparison.Ordinal);
        field = bracket >= 0 ? field[..bracket] : field;
        return field.Length == 0 ? "body" : field;
    }

    private static ProblemDetails Conflict(ConflictException conflict)
    {
        var problem = new ProblemDetails { Status = StatusCodes.Status409Conflict, Title = conflict.Title, Detail = conflict.Message };
        foreach (var (key, value) in conflict.Details)
        {
            problem.Extensions[key] = value;
        }
        return problem;
    }
}
