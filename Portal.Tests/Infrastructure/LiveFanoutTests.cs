using System.Collections.Concurrent;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using Portal.Infrastructure.Live;
using Portal.Shared.Admin;
using Portal.Shared.Incidents;
using Portal.Shared.Live;
using Portal.Tests.Support;

namespace Portal.Tests.Infrastructure;

/// <summary>The live hub's fan-out over real sockets: a client that stops reading must not hold up the others.</summary>
public sealed class LiveFanoutTests : IAsyncDisposable
{
    private const string Token = "live-fanout-wallboard-token";
    private const char Separator = '\u001e';
    private readonly PortalFactory _portal = new(settings: new Dictionary<string, string?>
    {
        ["Provisioning:ApiTokens:0:Token"] = Token,
        ["Provisioning:ApiTokens:0:User"] = "grace.coleman@portal.example",
    });

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ASlowClientDoesNotDelayAFastOneAndIsToldToResync()
    {
        var server = _portal.StartKestrel();
        using var slow = await SlowClientAsync(server);
        await using var fast = new HubConnectionBuilder()
            .WithUrl(new Uri(server, "hubs/live"), o =>
            {
                o.Transports = HttpTransportType.WebSockets;
                o.SkipNegotiation = true;
                o.AccessTokenProvider = () => Task.FromResult<string?>(Token);
            })
            .Build();
        var received = new ConcurrentDictionary<long, byte>();
        fast.On<IncidentChangedMessage>(LiveHub.ChangedMethod, m => received[m.Number] = 0);
        await fast.StartAsync(Ct);
        await fast.InvokeAsync("Subscribe", "incidents", Ct);

        // Changes with a long title, in rounds of 50, until the slow client's outbox overflowed: its socket, the
        // server's buffers and then its outbox fill while it reads nothing. Each round waits for the fast client to
        // have every change of it; a fan-out that waited on the slow client would stall here.
        var feed = _portal.Services.GetRequiredService<ILiveFeed>();
        var outboxes = _portal.Services.GetRequiredService<LiveOutboxes>();
        var title = new string('x', 8 * 1024);
        long number = 0;
        for (var round = 0; outboxes.Overflows == 0; round++)
        {
            Assert.True(round < 400, "the slow client's outbox never overflowed");
            for (var i = 0; i < 50; i++)
            {
                await feed.PublishAsync(Change(++number, title), Ct);
            }
            var last = number;
            await Eventually.TrueAsync(() => received.ContainsKey(last));
        }
        await feed.PublishAsync(Change(++number, "after the slow client fell behind"), Ct);
        var after = number;
        await Eventually.TrueAsync(() => received.ContainsKey(after));
        Assert.Equal(number, received.Count);

        // The slow client reads again: after what was already on its way, it is told to re-read what it shows.
        Assert.True(await ReadsUntilAsync(slow, "\"target\":\"resync\""), "the slow client was not told to resync");
    }

    private static IncidentChanged Change(long number, string title) => new(
        number, 1, TimelineEventKind.Created, title, IncidentStatus.Triggered, Severity.SEV3, "payments", "billing-support-us", RegionCode.US, null,
        DateTimeOffset.UtcNow);

    /// <summary>A raw SignalR JSON client over a WebSocket with a small receive buffer: it subscribes, then reads only when asked.</summary>
    private static async Task<ClientWebSocket> SlowClientAsync(Uri server)
    {
        var socket = new ClientWebSocket();
        var handler = new SocketsHttpHandler
        {
            ConnectCallback = async (context, ct) =>
            {
                var tcp = new Socket(SocketType.Stream, ProtocolType.Tcp) { ReceiveBufferSize = 4096 };
                await tcp.ConnectAsync(context.DnsEndPoint, ct);
                return new NetworkStream(tcp, ownsSocket: true);
            },
        };
        var url = new UriBuilder(new Uri(server, "hubs/live")) { Scheme = "ws", Query = $"access_token={Token}" }.Uri;
        await socket.ConnectAsync(url, new HttpMessageInvoker(handler), Ct);
        await SendAsync(socket, """{"protocol":"json","version":1}""");
        await SendAsync(socket, """{"type":1,"invocationId":"1","target":"Subscribe","arguments":["incidents"]}""");
        Assert.True(await ReadsUntilAsync(socket, "\"invocationId\":\"1\""), "the slow client's subscription was not confirmed");
        return socket;
    }

    private static Task SendAsync(ClientWebSocket socket, string message) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(message + Separator), WebSocketMessageType.Text, endOfMessage: true, Ct);

    /// <summary>Reads frames until one holds <paramref name="text"/>; false when the socket closes first.</summary>
    private static async Task<bool> ReadsUntilAsync(ClientWebSocket socket, string text)
    {
        var buffer = new byte[64 * 1024];
        var pending = new StringBuilder();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer, Ct);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return false;
            }
            pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
            var messages = pending.ToString().Split(Separator);
            if (messages[..^1].Any(m => m.Contains(text, StringComparison.Ordinal)))
            {
                return true;
            }
            pending.Clear().Append(messages[^1]);
        }
    }

    public async ValueTask DisposeAsync() => await _portal.DisposeAsync();
}
