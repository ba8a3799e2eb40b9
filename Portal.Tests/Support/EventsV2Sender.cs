using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Support;

/// <summary>A monitor's PagerDuty Events v2 event to /v2/enqueue, asserted accepted (202).</summary>
internal static class EventsV2Sender
{
    public static async Task SendAsync(HttpClient client, string routingKey, string action, string dedupKey, string summary)
    {
        var json = JsonSerializer.Serialize(new
        {
            routing_key = routingKey, event_action = action, dedup_key = dedupKey,
            payload = new { summary, source = "synthetics", severity = "error" },
        });
        using var content = new StringContent(json, Encoding.UTF8, new MediaTypeHeaderValue("application/json"));
        Assert.Equal(HttpStatusCode.Accepted, (await client.PostAsync(Url("/v2/enqueue"), content, TestContext.Current.CancellationToken)).StatusCode);
    }
}
