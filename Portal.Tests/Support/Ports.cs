using System.Net;
using System.Net.Sockets;

namespace Portal.Tests.Support;

public static class Ports
{
    /// <summary>A loopback port nothing listens on right now.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Waits until a server accepts connections on a loopback port; false if it has not within the time, or if it <paramref name="died"/>.</summary>
    public static async Task<bool> WaitUntilListeningAsync(int port, TimeSpan within, Func<bool> died)
    {
        var deadline = DateTime.UtcNow + within;
        while (DateTime.UtcNow < deadline && !died())
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        return false;
    }
}
