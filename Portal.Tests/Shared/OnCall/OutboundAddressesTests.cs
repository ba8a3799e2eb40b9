using System.Net;
using Portal.Shared.OnCall;

namespace Portal.Tests.Shared.OnCall;

public sealed class OutboundAddressesTests
{
    [Theory]
    [InlineData("127.0.0.1", "loopback")]
    [InlineData("127.10.20.30", "loopback")]
    [InlineData("::1", "loopback")]
    [InlineData("::ffff:127.0.0.1", "loopback")]
    [InlineData("169.254.169.254", "link-local")]
    [InlineData("fe80::1", "link-local")]
    [InlineData("fd00:ec2::254", "private")]
    [InlineData("10.1.2.3", "private")]
    [InlineData("172.20.0.1", "private")]
    [InlineData("192.168.1.10", "private")]
    [InlineData("100.64.0.1", "carrier-grade")]
    [InlineData("0.0.0.0", "unspecified")]
    [InlineData("224.0.0.1", "multicast")]
    public void AnAddressInsideTheNetworkIsRefusedSayingWhatItIs(string address, string what) =>
        Assert.Contains(what, new OutboundAddresses().WhyNot(IPAddress.Parse(address)), StringComparison.Ordinal);

    [Theory]
    [InlineData("93.184.216.34")]
    [InlineData("172.32.0.1")]
    [InlineData("2606:4700:4700::1111")]
    public void AnInternetAddressIsAllowed(string address) => Assert.Null(new OutboundAddresses().WhyNot(IPAddress.Parse(address)));

    [Fact]
    public void AnOperatorMayAllowARangeAndOnlyThatRange()
    {
        var problems = new List<string>();
        var addresses = OutboundAddresses.Parse(["10.20.0.0/16", "not a range"], problems);

        Assert.Null(addresses.WhyNot(IPAddress.Parse("10.20.3.4")));
        Assert.NotNull(addresses.WhyNot(IPAddress.Parse("10.21.3.4")));
        Assert.Equal(["\"not a range\" is not an address range such as 10.20.0.0/16."], problems);
    }

    [Theory]
    [InlineData("localhost")]
    [InlineData("LOCALHOST")]
    [InlineData("api.localhost")]
    public void LocalhostIsRefusedByName(string host) => Assert.NotNull(OutboundAddresses.WhyNotName(host));
}
