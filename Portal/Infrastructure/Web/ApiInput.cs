using System.Reflection;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using Portal.Shared;

namespace Portal.Infrastructure.Web;

/// <summary>
/// Holds every API call to <see cref="InputRules"/> before its handler runs, so a refused request changes nothing:
/// each bound argument (body, route, query) is walked, and all that is wrong comes back at once as problem+json with
/// each field named.
/// </summary>
internal sealed class InputRulesFilter : IEndpointFilter
{
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<MethodInfo, ParameterInfo[]> Parameters = new();

    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var parameters = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is { } handler
            ? Parameters.GetOrAdd(handler, h => h.GetParameters())
            : [];
        var services = context.HttpContext.RequestServices.GetRequiredService<IServiceProviderIsService>();
        var errors = new Dictionary<string, string[]>();
        for (var i = 0; i < context.Arguments.Count; i++)
        {
            var parameter = i < parameters.Length ? parameters[i] : null;
            var argument = context.Arguments[i];
            if (argument is null or HttpContext or System.Security.Claims.ClaimsPrincipal or CancellationToken
                || (parameter is not null && services.IsService(parameter.ParameterType)))
            {
                continue;
            }
            // A body's fields are named from its root ("layers[0].members[2]"); a route or query value by its name.
            var name = argument is string or Enum ? parameter?.Name ?? "value" : "";
            foreach (var (field, messages) in InputRules.Check(argument, name, parameter))
            {
                errors[field] = messages;
            }
        }
        return errors.Count > 0 ? throw new ValidationException(errors) : await next(context);
    }
}

/// <summary>States <see cref="InputRules"/> in <c>/openapi/v1.json</c>: enums as their names, text and array limits.</summary>
internal sealed class InputRulesSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        var member = context.JsonPropertyInfo?.AttributeProvider;
        if (type.IsEnum)
        {
            schema.Type = JsonSchemaType.String | (type != context.JsonTypeInfo.Type ? JsonSchemaType.Null : 0);
            schema.Enum = [.. Enum.GetNames(type).Select(n => (JsonNode)JsonValue.Create(n))];
        }
        else if (type == typeof(string) && context.JsonPropertyInfo is not null)
        {
            schema.MaxLength ??= InputRules.MaxLengthOf(member);
        }
        else if (context.JsonPropertyInfo is not null && type != typeof(string) && typeof(System.Collections.IEnumerable).IsAssignableFrom(type))
        {
            schema.MaxItems ??= InputRules.MaxItemsOf(member);
        }
        return Task.CompletedTask;
    }
}

public static class ApiInput
{
    /// <summary>
    /// An API group: the policy it needs, the per-caller rate limit, its OpenAPI tag, and <see cref="InputRules"/> held
    /// before any handler.
    /// </summary>
    public static RouteGroupBuilder MapApi(this IEndpointRouteBuilder app, string prefix, string policy, string tag)
    {
        var group = app.MapGroup(prefix).RequireAuthorization(policy).RequireRateLimiting(RateLimits.Api).WithTags(tag);
        group.AddEndpointFilter<InputRulesFilter>();
        return group;
    }
}
