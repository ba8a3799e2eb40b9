using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Portal.Tests.Support;

/// <summary>A TCP server on a free loopback port that serves each connection on its own task until disposed.</summary>
public abstract class LoopbackListener : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly Task _loop;
    private int _disposed;

    protected LoopbackListener()
    {
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    protected CancellationTokenSource Stop { get; } = new();

    protected abstract Task ServeAsync(NetworkStream stream);

    private async Task AcceptAsync()
    {
        while (!Stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(Stop.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            _ = Task.Run(async () =>
            {
                using var _ = client;
                try
                {
                    await ServeAsync(client.GetStream());
                }
                catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
                {
                    // The portal gave up on a slow answer (its timeout), or the test ended.
                }
            });
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        await Stop.CancelAsync();
        _listener.Stop();
        await _loop;
        Stop.Dispose();
        GC.SuppressFinalize(this);
    }
}

/// <summary>A webhook receiver on a loopback port: records every request body, and answers as <see cref="Answer"/> says.</summary>
public sealed class WebhookListener : LoopbackListener
{
    public string Url(string path = "/hook") => $"http://127.0.0.1:{Port}{path}";

    /// <summary>The status code and delay for the n-th request (1-based); 200 at once by default.</summary>
    public Func<int, (int Status, TimeSpan Delay)> Answer { get; set; } = _ => (200, TimeSpan.Zero);

    public ConcurrentQueue<(string Path, string Body, DateTime At)> Requests { get; } = new();

    /// <summary>The <c>X-Portal-Signature</c> header of each request, in order (empty when it had none).</summary>
    public ConcurrentQueue<string> Signatures { get; } = new();

    private int _count;

    // HTTP/1.1 by hand: one request per connection, enough for a webhook POST with a Content-Length.
    protected override async Task ServeAsync(NetworkStream stream)
    {
        var reader = new StreamReader(stream, Encoding.UTF8, leaveOpen: true);
        var requestLine = await reader.ReadLineAsync(Stop.Token) ?? "";
        var length = 0;
        var signature = "";
        string? line;
        while (!string.IsNullOrEmpty(line = await reader.ReadLineAsync(Stop.Token)))
        {
            if (line.StartsWith("X-Portal-Signature:", StringComparison.OrdinalIgnoreCase))
            {
                signature = line["X-Portal-Signature:".Length..].Trim();
            }
            if (line.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase))
            {
                length = int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
            }
        }
        var buffer = new char[length];
        var read = 0;
        while (read < length && await reader.ReadAsync(buffer.AsMemory(read), Stop.Token) is var n and > 0)
        {
            read += n;
        }
        var number = Interlocked.Increment(ref _count);
        Signatures.Enqueue(signature);
        Requests.Enqueue((requestLine.Split(' ').ElementAtOrDefault(1) ?? "", new string(buffer, 0, read), DateTime.UtcNow));
        var (status, delay) = Answer(number);
        if (delay > TimeSpan.Zero)
        {
            await Task.Delay(delay, Stop.Token);
        }
        var response = $"HTTP/1.1 {status} {(status == 200 ? "OK" : "Error")}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n";
        await stream.WriteAsync(Encoding.ASCII.GetBytes(response), Stop.Token);
    }
}

/// <summary>An SMTP receiver on a loopback port that speaks just enough SMTP (RFC 5321) to accept mail, and keeps it.</summary>
public sealed class SmtpListener : LoopbackListener
{
    public ConcurrentQueue<(string From, List<string> To, string Data)> Messages { get; } = new();

    protected override async Task ServeAsync(NetworkStream stream)
    {
        using var reader = new StreamReader(stream, Encoding.ASCII);
        await using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
        await writer.WriteLineAsync("220 localhost test SMTP ready");
        var from = "";
        var to = new List<string>();
        while (await reader.ReadLineAsync(Stop.Token) is { } line)
        {
            var verb = line.Split(' ')[0].ToUpperInvariant();
            switch (verb)
            {
                case "EHLO":
                    await writer.WriteLineAsync("250-localhost\r\n250 8BITMIME");
                    break;
                case "HELO" or "RSET" or "NOOP":
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "MAIL":
                    from = line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim();
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "RCPT":
                    to.Add(line[(line.IndexOf(':', StringComparison.Ordinal) + 1)..].Trim());
                    await writer.WriteLineAsync("250 OK");
                    break;
                case "DATA":
                    await writer.WriteLineAsync("354 End data with <CR><LF>.<CR><LF>");
                    var data = new StringBuilder();
                    while (await reader.ReadLineAsync(Stop.Token) is { } d && d != ".")
                    {
                        data.Append(d.StartsWith("..", StringComparison.Ordinal) ? d[1..] : d).Append("\r\n");
                    }
                    Messages.Enqueue((from, [.. to], data.ToString()));
                    await writer.WriteLineAsync("250 OK queued");
                    break;
                case "QUIT":
                    await writer.WriteLineAsync("221 Bye");
                    return;
                default:
                    await writer.WriteLineAsync("502 Command not implemented");
                    break;
            }
        }
    }
}
