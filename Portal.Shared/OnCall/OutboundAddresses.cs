using System.Net;
using System.Net.Sockets;

namespace Portal.Shared.OnCall;

/// <summary>
/// Where outbound calls (webhooks, Slack, Teams, and later actions) may go: never to loopback, link-local (cloud
/// metadata at 169.254.169.254 included), private, carrier-grade NAT, multicast or reserved addresses, unless the
/// operator allows a range (<c>Notifications:AllowedOutboundRanges</c>, e.g. <c>10.20.0.0/16</c>). Checked when a
/// target is saved and again for every address a name resolves to when the call connects.
/// </summary>
public sealed class OutboundAddresses
{
    private static readonly (IPNetwork Range, string What)[] Inward =
    [
        (IPNetwork.Parse("0.0.0.0/8"), "an unspecified address"),
        (IPNetwork.Parse("10.0.0.0/8"), "a private address"),
        (IPNetwork.Parse("100.64.0.0/10"), "a carrier-grade NAT address"),
        (IPNetwork.Parse("127.0.0.0/8"), "a loopback address"),
        (IPNetwork.Parse("169.254.0.0/16"), "a link-local address (cloud metadata lives there)"),
        (IPNetwork.Parse("172.16.0.0/12"), "a private address"),
        (IPNetwork.Parse("192.0.0.0/24"), "a reserved address"),
        (IPNetwork.Parse("192.168.0.0/16"), "a private address"),
        (IPNetwork.Parse("198.18.0.0/15"), "a benchmarking address"),
        (IPNetwork.Parse("224.0.0.0/4"), "a multicast address"),
        (IPNetwork.Parse("240.0.0.0/4"), "a reserved address"),
        (IPNetwork.Parse("::/128"), "an unspecified address"),
        (IPNetwork.Parse("::1/128"), "a loopback address"),
        (IPNetwork.Parse("fc00::/7"), "a private address (unique local)"),
        (IPNetwork.Parse("fe80::/10"), "a link-local address"),
        (IPNetwork.Parse("ff00::/8"), "a multicast address"),
    ];

    private readonly IReadOnlyList<IPNetwork> _allowed;

    public OutboundAddresses(IEnumerable<IPNetwork>? allowed = null) => _allowed = [.. allowed ?? []];

    /// <summary>The operator's allowed ranges from configuration; a range that does not parse is named in <paramref name="problems"/>.</summary>
    public static OutboundAddresses Parse(IEnumerable<string>? ranges, List<string> problems)
    {
        var allowed = new List<IPNetwork>();
        foreach (var text in ranges ?? [])
        {
            if (IPNetwork.TryParse(text.Trim(), out var range))
            {
                allowed.Add(range);
            }
            else
            {
                problems.Add($"\"{text}\" is not an address range such as 10.20.0.0/16.");
            }
        }
        return new OutboundAddresses(allowed);
    }

    /// <summary>Why a call may not go to <paramref name="address"/>, or null when it may.</summary>
    public string? WhyNot(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (_allowed.Any(r => r.Contains(address)))
        {
            return null;
        }
        foreach (var (range, what) in Inward)
        {
            if (address.AddressFamily == range.BaseAddress.AddressFamily && range.Contains(address))
            {
                return $"{address} is {what}; outbound calls may not go inside the network unless an operator allows its range.";
            }
        }
        return address.AddressFamily is AddressFamily.InterNetwork or AddressFamily.InterNetworkV6 ? null : $"{address} is not an internet address.";
    }

    /// <summary>Why a host name may not be called before it is even resolved ("localhost" and its subdomains), or null.</summary>
    public static string? WhyNotName(string host) =>
        host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase)
            ? $"{host} is this machine; outbound calls may not go inside the network."
            : null;
}
