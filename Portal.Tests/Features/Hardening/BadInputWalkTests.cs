using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.EntityFrameworkCore;
using Portal.Shared.Demo;
using Portal.Shared.Team;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Features.Hardening;

/// <summary>
/// Walks <c>/openapi/v1.json</c> and sends every write operation bodies a careless or hostile client would: nulls in
/// arrays, enums out of range or as numbers, numbers out of range, wrong types, texts over their stated limit and
/// malformed JSON. Each must be a 4xx problem+json, store nothing, and leave the portal ready and its log clean.
/// </summary>
public sealed class BadInputWalkTests : IAsyncDisposable
{
    private static readonly DemoWorld World = DemoWorld.Generate();
    private static readonly DemoPerson Admin = World.People.First(p => p.Role == PortalRole.Admin);
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?> { ["RateLimits:ApiPerMinute"] = "100000" });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task EveryWriteOperationRefusesBadBodiesWithProblemJsonAndStoresNothing()
    {
        using var client = await _portal.SignedInClientAsync(Admin.Handle);
        var document = JsonNode.Parse(await client.GetStringAsync(Url("/openapi/v1.json"), Ct))!;
        var schemas = document["components"]!["schemas"]!.AsObject();
        var before = await DumpAsync();

        var operations = 0;
        var sent = 0;
        var failures = new List<string>();
        foreach (var (path, item) in document["paths"]!.AsObject())
        {
            // Monitors and runners sign in with their own keys, not as people: the walker's cookie is refused there (401, audited).
            if (!path.StartsWith("/api/", StringComparison.Ordinal) || path.StartsWith("/api/integrations/", StringComparison.Ordinal)
                || path.StartsWith("/api/runner/", StringComparison.Ordinal))
            {
                continue;
            }
            foreach (var (method, operation) in item!.AsObject())
            {
                if (method is not ("post" or "put" or "patch")
                    || operation!["requestBody"]?["content"]?["application/json"]?["schema"] is not { } bodySchema)
                {
                    continue;
                }
                operations++;
                var url = Fill(path, operation);
                var shape = Resolve(bodySchema, schemas);
                foreach (var (what, body) in Mutations(shape, schemas))
                {
                    sent++;
                    using var request = new HttpRequestMessage(new HttpMethod(method.ToUpperInvariant()), Url(url))
                    {
                        Content = new StringContent(body, Encoding.UTF8, "application/json"),
                    };
                    using var response = await client.SendAsync(request, Ct);
                    var status = (int)response.StatusCode;
                    var type = response.Content.Headers.ContentType?.MediaType;
                    if (status is < 400 or >= 500 || type != "application/problem+json")
                    {
                        failures.Add($"{method.ToUpperInvariant()} {url} with {what}: {status} {type} {Cut(await response.Content.ReadAsStringAsync(Ct))}");
                    }
                }
            }
        }

        Assert.True(operations >= 40, $"Only {operations} write operations with a JSON body were found in the OpenAPI document.");
        Assert.True(failures.Count == 0, $"{failures.Count} of {sent} bad requests were not refused cleanly:\n" + string.Join("\n", failures));
        Assert.Equal(before, await DumpAsync());
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/health/ready"), Ct)).StatusCode);
        _portal.Log.AssertClean();
    }

    [Fact]
    public async Task EveryTextAndArrayInARequestStatesItsLimitInOpenApi()
    {
        using var client = _portal.AnonymousClient();
        var document = JsonNode.Parse(await client.GetStringAsync(Url("/openapi/v1.json"), Ct))!;
        var schemas = document["components"]!["schemas"]!.AsObject();
        var bodies = document["paths"]!.AsObject()
            .SelectMany(p => p.Value!.AsObject().Select(o => o.Value!["requestBody"]?["content"]?["application/json"]?["schema"]))
            .Where(s => s is not null).Select(s => Resolve(s!, schemas)).ToList();
        var missing = new List<string>();
        var seen = new HashSet<JsonNode>();
        void Visit(JsonNode schema, string path)
        {
            if (!seen.Add(schema))
            {
                return;
            }
            foreach (var (name, property) in Properties(schema))
            {
                var resolved = Resolve(property, schemas);
                var kinds = Types(resolved);
                if (kinds.Contains("string") && resolved["enum"] is null && resolved["format"] is null && resolved["maxLength"] is null)
                {
                    missing.Add($"{path}.{name}: no maxLength");
                }
                if (kinds.Contains("array"))
                {
                    if (resolved["maxItems"] is null)
                    {
                        missing.Add($"{path}.{name}: no maxItems");
                    }
                    if (resolved["items"] is { } items)
                    {
                        Visit(Resolve(items, schemas), $"{path}.{name}[]");
                    }
                }
                Visit(resolved, $"{path}.{name}");
            }
        }
        foreach (var body in bodies)
        {
            Visit(body, "body");
        }
        Assert.True(bodies.Count >= 40);
        Assert.True(missing.Count == 0, string.Join("\n", missing));
    }

    /// <summary>Each wrong body for one operation, with a line saying what is wrong in it.</summary>
    private static IEnumerable<(string What, string Body)> Mutations(JsonNode schema, JsonObject schemas)
    {
        yield return ("malformed JSON", "{\"title\": \"unfinished");
        yield return ("an array instead of an object", "[1, 2]");
        var valid = Example(schema, schemas, 0);
        if (valid is not JsonObject root)
        {
            yield break;
        }
        foreach (var (name, property) in Properties(schema))
        {
            var resolved = Resolve(property, schemas);
            var kinds = Types(resolved);
            foreach (var (what, wrong) in WrongValues(resolved, kinds, schemas))
            {
                var body = (JsonObject)root.DeepClone();
                body[name] = wrong;
                yield return ($"{name} = {what}", body.ToJsonString());
            }
            // One level down: the same for the fields of each object inside an array (layers[0].members, levels[0].targets).
            if (kinds.Contains("array") && resolved["items"] is { } items && Resolve(items, schemas) is { } element && Properties(element).Any())
            {
                foreach (var (inner, innerProperty) in Properties(element))
                {
                    var innerResolved = Resolve(innerProperty, schemas);
                    foreach (var (what, wrong) in WrongValues(innerResolved, Types(innerResolved), schemas))
                    {
                        var body = (JsonObject)root.DeepClone();
                        var first = (JsonObject)Example(element, schemas, 1)!;
                        first[inner] = wrong;
                        body[name] = new JsonArray(first);
                        yield return ($"{name}[0].{inner} = {what}", body.ToJsonString());
                    }
                }
            }
        }
    }

    private static IEnumerable<(string What, JsonNode? Value)> WrongValues(JsonNode schema, HashSet<string> kinds, JsonObject schemas)
    {
        if (schema["enum"] is JsonArray)
        {
            yield return ("99 (an enum as a number)", 99);
            yield return ("an undefined name", "NotAValue");
            yield break;
        }
        if (kinds.Contains("array"))
        {
            yield return ("[null]", new JsonArray((JsonNode?)null));
            yield return ("a string", "not a list");
            if (schema["maxItems"]?.GetValue<int>() is { } maxItems)
            {
                var element = schema["items"] is { } items ? Example(Resolve(items, schemas), schemas, 1) : null;
                yield return ($"{maxItems + 1} items", new JsonArray([.. Enumerable.Range(0, maxItems + 1).Select(_ => element?.DeepClone())]));
            }
        }
        else if (kinds.Contains("integer"))
        {
            yield return ("1e30 (out of range)", JsonNode.Parse("1e30"));
            yield return ("an object", new JsonObject());
        }
        else if (kinds.Contains("number"))
        {
            yield return ("1e400 (out of range)", JsonNode.Parse("1e400"));
            yield return ("an object", new JsonObject());
        }
        else if (kinds.Contains("boolean"))
        {
            yield return ("a string", "yes please");
        }
        else if (kinds.Contains("string"))
        {
            yield return ("an object", new JsonObject());
            if (schema["format"] is null && schema["maxLength"]?.GetValue<int>() is { } maxLength)
            {
                yield return ($"{maxLength + 1} characters", new string('x', maxLength + 1));
            }
        }
        else if (kinds.Contains("object"))
        {
            yield return ("a number", 5);
        }
    }

    /// <summary>A plausible value for a schema: enough to get past the other fields to the one made wrong.</summary>
    private static JsonNode? Example(JsonNode schema, JsonObject schemas, int depth)
    {
        schema = Resolve(schema, schemas);
        if (schema["enum"] is JsonArray values)
        {
            return values[0]?.DeepClone();
        }
        var kinds = Types(schema);
        if (kinds.Contains("object") || (schema["properties"] is not null && depth < 3))
        {
            var result = new JsonObject();
            if (depth < 3)
            {
                foreach (var (name, property) in Properties(schema))
                {
                    result[name] = Example(property, schemas, depth + 1);
                }
            }
            return result;
        }
        if (kinds.Contains("array"))
        {
            return new JsonArray();
        }
        if (kinds.Contains("integer") || kinds.Contains("number"))
        {
            return 1;
        }
        if (kinds.Contains("boolean"))
        {
            return false;
        }
        return schema["format"]?.GetValue<string>() switch
        {
            "date-time" => "2026-12-01T09:00:00Z",
            "date" => "2026-12-01",
            _ => "x",
        };
    }

    private static IEnumerable<(string Name, JsonNode Schema)> Properties(JsonNode schema) =>
        schema["properties"] is JsonObject properties ? properties.Select(p => (p.Key, p.Value!)) : [];

    private static HashSet<string> Types(JsonNode schema) => schema["type"] switch
    {
        JsonArray many => [.. many.Select(t => t!.GetValue<string>())],
        JsonValue one => [one.GetValue<string>()],
        _ => [],
    };

    /// <summary>Follows a <c>$ref</c>, and a nullable wrapper of one.</summary>
    private static JsonNode Resolve(JsonNode schema, JsonObject schemas)
    {
        for (var i = 0; i < 5; i++)
        {
            if (schema["$ref"]?.GetValue<string>() is { } reference)
            {
                schema = schemas[reference.Split('/')[^1]]!;
            }
            else if (schema["oneOf"] is JsonArray oneOf && oneOf.FirstOrDefault(o => o?["$ref"] is not null) is { } referenced)
            {
                schema = referenced;
            }
            else if (schema["allOf"] is JsonArray allOf && allOf.Count == 1)
            {
                schema = allOf[0]!;
            }
            else
            {
                break;
            }
        }
        return schema;
    }

    /// <summary>The path with its parameters filled: numbers as 1, a person as the admin, a severity, a decision.</summary>
    private static string Fill(string path, JsonNode operation)
    {
        var filled = path;
        foreach (var parameter in operation["parameters"]?.AsArray() ?? [])
        {
            if (parameter?["in"]?.GetValue<string>() != "path")
            {
                continue;
            }
            var name = parameter["name"]!.GetValue<string>();
            var value = name switch
            {
                "handle" => Admin.Handle,
                "number" => "INC-1",
                "severity" => "SEV1",
                "decision" => "accept",
                "slug" => "payments-timeouts",
                _ => Types(parameter["schema"] ?? new JsonObject()).Contains("string") ? "x" : "1",
            };
            filled = filled.Replace("{" + name + "}", value, StringComparison.Ordinal);
        }
        return filled;
    }

    /// <summary>Every row of every table, as text: what a refused request must leave as it was.</summary>
    private async Task<string> DumpAsync()
    {
        await using var db = await _portal.Db.CreateDbContextAsync(Ct);
        var connection = db.Database.GetDbConnection();
        await connection.OpenAsync(Ct);
        var text = new StringBuilder();
        foreach (var table in db.Model.GetEntityTypes().Select(e => e.GetTableName()).Where(t => t is not null).Distinct().Order(StringComparer.Ordinal))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = $"SELECT * FROM \"{table}\"";
            await using var reader = await command.ExecuteReaderAsync(Ct);
            var rows = new List<string>();
            while (await reader.ReadAsync(Ct))
            {
                rows.Add(string.Join("|", Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "∅" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
            }
            rows.Sort(StringComparer.Ordinal);
            text.Append(table).Append(": ").Append(rows.Count).Append('\n').AppendJoin('\n', rows).Append('\n');
        }
        return text.ToString();
    }

    private static string Cut(string text) => text.Length <= 300 ? text : text[..300] + "…";

    public ValueTask DisposeAsync() => _portal.DisposeAsync();
}
