using System.Net;
using System.Net.Sockets;
using Portal.Shared.OnCall;

namespace Portal.Features.Notifications;

/// <summary>
/// Holds outbound calls to <see cref="OutboundAddresses"/>: at save, a target named by address, "localhost", or a name
/// that resolves inward is refused; at send, the connection is made only to addresses that passed the check, so a name
/// that starts resolving inward later (DNS rebinding) is refused too.
/// </summary>
public static class OutboundGuard
{
    private static readonly TimeSpan SaveLookup = TimeSpan.FromSeconds(2);

    /// <summary>Why a URL may not be saved as a target, or null. A name that does not resolve now is checked again when called.</summary>
    public static async Task<string?> WhyNotAsync(OutboundAddresses rules, Uri target, CancellationToken cancellationToken)
    {
        var host = target.IdnHost;
        if (OutboundAddresses.WhyNotName(host) is { } byName)
        {
            return byName;
        }
        if (IPAddress.TryParse(host, out var literal))
        {
            return rules.WhyNot(literal);
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(SaveLookup);
        try
        {
            var addresses = await Dns.GetHostAddressesAsync(host, timeout.Token);
            return addresses.Select(rules.WhyNot).FirstOrDefault(w => w is not null) is { } why ? $"{host} resolves to {why}" : null;
        }
        catch (Exception e) when (e is SocketException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>The connect step of the outbound HTTP handler: resolve, check every address, connect only to checked ones.</summary>
    public static Func<SocketsHttpConnectionContext, CancellationToken, ValueTask<Stream>> Connect(OutboundAddresses rules) => async (context, cancellationToken) =>
    {
        var host = context.DnsEndPoint.Host;
        if (OutboundAddresses.WhyNotName(host) is { } byName)
        {
            throw new HttpRequestException(byName);
        }
        var addresses = IPAddress.TryParse(host, out var literal) ? [literal] : await Dns.GetHostAddressesAsync(host, cancellationToken);
        if (addresses.Select(rules.WhyNot).FirstOrDefault(w => w is not null) is { } why)
        {
            throw new HttpRequestException($"Refused to call {host}: {why}");
        }
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(addresses, context.DnsEndPoint.Port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    };
}
