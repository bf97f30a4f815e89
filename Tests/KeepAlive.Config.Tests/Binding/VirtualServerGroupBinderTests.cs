using System.Net;
using KeepAlive.Config.Binding;
using KeepAlive.Config.Model;

namespace KeepAlive.Config.Tests.Binding;

public class VirtualServerGroupBinderTests
{
    private static (string First, string Last, int Port) Range(VirtualServerGroupEntry e) => (e.First!.ToString(), e.Last!.ToString(), e.Port);

    [Fact]
    public void Entries_AddressesRangesPrefixesAndFwmarks()
    {
        var r = LvsTestBind.Bind("""
            virtual_server_group G1 {
                10.0.0.1 80
                10.0.0.10-20 80
                10.0.1.5-10.0.2.7 0
                10.0.3.0/24 443
                2001:db8::1-ff 80
                2001:db8:1::/120
                fwmark 7 inet6
                fwmark 8 inet
            }
            """);
        var g = Assert.Single(r.Config.VirtualServerGroups);
        Assert.Equal("G1", g.Name);
        var e = g.Entries;
        Assert.Equal(8, e.Count);
        Assert.Equal(("10.0.0.1", "10.0.0.1", 80), Range(e[0]));
        Assert.Equal(("10.0.0.10", "10.0.0.20", 80), Range(e[1]));
        Assert.Equal(("10.0.1.5", "10.0.2.7", 0), Range(e[2]));
        Assert.Equal(("10.0.3.0", "10.0.3.255", 443), Range(e[3]));
        Assert.Equal(("2001:db8::1", "2001:db8::ff", 80), Range(e[4]));
        Assert.Equal(("2001:db8:1::", "2001:db8:1::ff", 0), Range(e[5]));
        Assert.Equal((7u, (bool?)true), (e[6].Fwmark!.Value, e[6].FwmarkIPv6));
        Assert.Equal((8u, (bool?)false), (e[7].Fwmark!.Value, e[7].FwmarkIPv6));
        Assert.Null(e[6].First);
        Assert.DoesNotContain(r.Diagnostics, d => d.Descriptor != KeepAlive.Config.Diagnostics.DiagnosticCodes.BlockExtraParameters);
    }

    [Theory]
    [InlineData("10.0.0.20-10 80", "not above its start")]
    [InlineData("10.0.0.1-300 80", "octet")]
    [InlineData("10.0.0.1/33", "prefix length")]
    [InlineData("10.0.0.1/24", "bits set after the prefix")]
    [InlineData("10.0.0.9-10.0.0.1", "below its start")]
    [InlineData("10.0.0.1-2001:db8::1", "octet")]
    [InlineData("10.0.0.1 99999", "outside")]
    [InlineData("fwmark 1 ipx", "inet or inet6")]
    [InlineData("foo", "not a valid")]
    public void BadLines_AreSkipped(string line, string why)
    {
        var r = LvsTestBind.Bind($"virtual_server_group G {{\n 10.0.0.1 80\n {line}\n}}");
        Assert.Single(Assert.Single(r.Config.VirtualServerGroups).Entries);
        Assert.Contains(r.Diagnostics, d => d.Span.Line == 3 && d.Message.Contains(why, StringComparison.Ordinal));
    }

    [Fact]
    public void EmptyGroup_IsRemoved_AndDuplicateNameKeepsTheFirst()
    {
        var r = LvsTestBind.Bind("virtual_server_group E {\n bogus\n}\nvirtual_server_group G {\n 10.0.0.1 80\n}\nvirtual_server_group G {\n 10.0.0.2 80\n}");
        var g = Assert.Single(r.Config.VirtualServerGroups);
        Assert.Equal(IPAddress.Parse("10.0.0.1"), g.Entries[0].First);
        Assert.Contains(r.Diagnostics, d => d.Descriptor == BinderCodes.RequiredMissing && d.Span.Line == 1);
        Assert.Contains(r.Diagnostics, d => d.Descriptor == BinderCodes.DuplicateName && d.Span.Line == 7);
    }

    [Fact]
    public void MixedFamiliesWithFamilylessFwmark_RemoveTheGroup()
    {
        var r = LvsTestBind.Bind("virtual_server_group G {\n 10.0.0.1 80\n 2001:db8::1 80\n fwmark 1\n}");
        Assert.Empty(r.Config.VirtualServerGroups);
        Assert.Contains(r.Diagnostics, d => d.Message.Contains("fwmark without family"));
    }

    [Fact]
    public void FwmarkWithoutNumber_StopsKeepalived()
    {
        var r = LvsTestBind.Bind("virtual_server_group G {\n fwmark\n 10.0.0.1 80\n}");
        Assert.Contains(r.Diagnostics, d => d.Descriptor == BinderCodes.MissingParameter && d.Span.Line == 2);
    }
}
