using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Portal.Tests.Support;

public static class HttpExtensions
{
    public static Uri Url(string relative) => new(relative, UriKind.Relative);

    public static HttpRequestMessage WithBearer(this HttpRequestMessage request, string token)
    {
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        return request;
    }

    public static Task<HttpResponseMessage> GetWithTokenAsync(this HttpClient client, string path, string token) =>
        client.SendAsync(new HttpRequestMessage(HttpMethod.Get, Url(path)).WithBearer(token), TestContext.Current.CancellationToken);

    public static async Task<JsonElement> JsonAsync(this HttpResponseMessage response)
    {
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.False(string.IsNullOrEmpty(text), $"Empty body with status {(int)response.StatusCode}");
        using var doc = JsonDocument.Parse(text);
        return doc.RootElement.Clone();
    }

    /// <summary>Every message of a problem+json answer (title, detail and each field's errors), decoded, one per line.</summary>
    public static async Task<string> ProblemTextAsync(this HttpResponseMessage response)
    {
        var problem = await response.JsonAsync();
        var lines = new List<string>();
        foreach (var name in new[] { "title", "detail" })
        {
            if (problem.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String)
            {
                lines.Add(value.GetString()!);
            }
        }
        if (problem.TryGetProperty("errors", out var errors))
        {
            lines.AddRange(errors.EnumerateObject().SelectMany(e => e.Value.EnumerateArray()).Select(m => m.GetString()!));
        }
        return string.Join("\n", lines);
    }

    public static Task<HttpResponseMessage> PostJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PostAsJsonAsync(Url(path), body, TestContext.Current.CancellationToken);

    public static Task<HttpResponseMessage> PutJsonAsync<T>(this HttpClient client, string path, T body) =>
        client.PutAsJsonAsync(Url(path), body, TestContext.Current.CancellationToken);
}
