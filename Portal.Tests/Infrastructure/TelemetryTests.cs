using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Portal.Tests.Support;
using static Portal.Tests.Support.HttpExtensions;

namespace Portal.Tests.Infrastructure;

public class TelemetryTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task TracesAndMetricsAreExportedOverOtlpWhenAnEndpointIsSet()
    {
        using var collector = new OtlpReceiver();
        await using var portal = new PortalFactory(settings: new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "100",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "200",
        });
        using var client = await portal.SignedInClientAsync("grace.coleman");
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Url("/api/me"), Ct)).StatusCode);

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (DateTime.UtcNow < deadline && !(collector.Paths.Contains("/v1/traces") && collector.Paths.Contains("/v1/metrics")))
        {
            await Task.Delay(100, Ct);
        }
        Assert.Contains("/v1/traces", collector.Paths);
        Assert.Contains("/v1/metrics", collector.Paths);
    }

    /// <summary>Accepts OTLP/HTTP posts on loopback and remembers which signal paths arrived.</summary>
    private sealed class OtlpReceiver : IDisposable
    {
        private readonly HttpListener _listener = new();
        public ConcurrentBag<string> Paths { get; } = [];
        public string Endpoint { get; }

        public OtlpReceiver()
        {
            using (var probe = new TcpListener(IPAddress.Loopback, 0))
            {
                probe.Start();
                Endpoint = $"http://127.0.0.1:{((IPEndPoint)probe.LocalEndpoint).Port}";
            }
            _listener.Prefixes.Add(Endpoint + "/");
            _listener.Start();
            _ = Task.Run(AcceptAsync);
        }

        private async Task AcceptAsync()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try
                {
                    context = await _listener.GetContextAsync();
                }
                catch (Exception e) when (e is HttpListenerException or ObjectDisposedException)
                {
                    return;
                }
                Paths.Add(context.Request.Url!.AbsolutePath);
                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }

        public void Dispose() => _listener.Close();
    }
}
